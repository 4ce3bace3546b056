package projectgen

import "math/rand/v2"

// rawTable is one table of the generated `raw` source.
type rawTable struct {
	domain string // the business domain, used as the staging folder
	name   string // the table name in the source
	pk     string // the clean name of its primary key column `id`
	cols   []rawColumn
}

// rawColumn maps a column of a raw table, as ingestion named it, to its clean name.
type rawColumn struct {
	raw, clean string
	kind       columnKind
}

type columnKind int

const (
	kindKey columnKind = iota
	kindMeasure
	kindDim
	kindCreated
	kindUpdated
	kindDeleted
)

// sqlType is the type a raw column of this kind is declared with; the
// names mean the same on DuckDB and PostgreSQL, so a benchmark can create
// the raw tables on either.
func (k columnKind) sqlType() string {
	switch k {
	case kindKey, kindMeasure:
		return "bigint"
	case kindCreated, kindUpdated:
		return "timestamp"
	case kindDeleted:
		return "boolean"
	}
	return "varchar"
}

// entities are the raw tables by domain, each with the clean name of its primary key.
var entities = []struct {
	domain string
	tables [][2]string // table name, primary key
}{
	{"sales", [][2]string{{"orders", "order_id"}, {"order_items", "order_item_id"}, {"returns", "return_id"}, {"quotes", "quote_id"}, {"invoices", "invoice_id"}}},
	{"payments", [][2]string{{"payments", "payment_id"}, {"refunds", "refund_id"}, {"payouts", "payout_id"}, {"chargebacks", "chargeback_id"}, {"fees", "fee_id"}}},
	{"customers", [][2]string{{"customers", "customer_id"}, {"addresses", "address_id"}, {"contacts", "contact_id"}, {"segments", "segment_id"}, {"loyalty_events", "loyalty_event_id"}}},
	{"product", [][2]string{{"products", "product_id"}, {"categories", "category_id"}, {"prices", "price_id"}, {"reviews", "review_id"}, {"bundles", "bundle_id"}}},
	{"inventory", [][2]string{{"stock_levels", "stock_level_id"}, {"warehouses", "warehouse_id"}, {"transfers", "transfer_id"}, {"adjustments", "adjustment_id"}, {"suppliers", "supplier_id"}}},
	{"shipping", [][2]string{{"shipments", "shipment_id"}, {"carriers", "carrier_id"}, {"deliveries", "delivery_id"}, {"parcels", "parcel_id"}, {"tracking_events", "tracking_event_id"}}},
	{"marketing", [][2]string{{"campaigns", "campaign_id"}, {"ad_spend", "ad_spend_id"}, {"clicks", "click_id"}, {"impressions", "impression_id"}, {"emails", "email_id"}}},
	{"web", [][2]string{{"sessions", "session_id"}, {"pageviews", "pageview_id"}, {"signups", "signup_id"}, {"carts", "cart_id"}, {"searches", "search_id"}}},
	{"support", [][2]string{{"tickets", "ticket_id"}, {"ticket_comments", "ticket_comment_id"}, {"agents", "agent_id"}, {"surveys", "survey_id"}, {"sla_events", "sla_event_id"}}},
	{"finance", [][2]string{{"ledger_entries", "ledger_entry_id"}, {"accounts", "account_id"}, {"budgets", "budget_id"}, {"exchange_rates", "exchange_rate_id"}, {"tax_lines", "tax_line_id"}}},
}

// A column pool: the clean name and the names ingestion may have given it.
type pooled struct {
	clean string
	raw   []string
}

// joinKeys are the foreign keys shared between tables; every table has customer_id.
var joinKeys = []pooled{
	{"customer_id", []string{"customer_id", "cust_id"}},
	{"order_id", []string{"order_id", "order_ref"}},
	{"product_id", []string{"product_id", "sku_id"}},
	{"store_id", []string{"store_id", "shop_id"}},
	{"account_id", []string{"account_id", "acct_id"}},
	{"campaign_id", []string{"campaign_id", "utm_campaign_id"}},
}

// measures are numeric columns; every table has amount_cents.
var measures = []pooled{
	{"amount_cents", []string{"amount", "amount_cents", "amt_cents"}},
	{"discount_cents", []string{"discount", "discount_cents"}},
	{"tax_cents", []string{"tax", "tax_cents"}},
	{"shipping_cents", []string{"ship_cost", "shipping_cents"}},
	{"quantity", []string{"qty", "quantity"}},
	{"weight_grams", []string{"weight_g", "weight"}},
	{"duration_seconds", []string{"duration_s", "duration"}},
	{"score", []string{"score", "rating"}},
}

// dims are low-cardinality text columns; every table has status.
var dims = []pooled{
	{"status", []string{"status", "state"}},
	{"channel", []string{"channel", "source_channel"}},
	{"region", []string{"region_code", "region"}},
	{"currency", []string{"currency", "currency_code"}},
	{"category", []string{"category", "cat"}},
	{"country", []string{"country", "country_code"}},
}

var (
	createdNames = []string{"created_at", "created", "inserted_at"}
	updatedNames = []string{"updated_at", "_updated", "modified_at"}
	deletedNames = []string{"_deleted", "is_deleted"}
)

// rawTables draws the columns of the fifty raw tables.
func rawTables(r *rand.Rand) []*rawTable {
	var tables []*rawTable
	for _, d := range entities {
		for _, e := range d.tables {
			t := &rawTable{domain: d.domain, name: e[0], pk: e[1]}
			t.cols = append(t.cols, rawColumn{"id", e[1], kindKey})
			for _, k := range pickPooled(r, joinKeys, 1+r.IntN(2)) {
				if k.clean != t.pk {
					t.cols = append(t.cols, rawColumn{k.raw[r.IntN(len(k.raw))], k.clean, kindKey})
				}
			}
			for _, m := range pickPooled(r, measures, 1+r.IntN(3)) {
				t.cols = append(t.cols, rawColumn{m.raw[r.IntN(len(m.raw))], m.clean, kindMeasure})
			}
			for _, m := range pickPooled(r, dims, 1+r.IntN(2)) {
				t.cols = append(t.cols, rawColumn{m.raw[r.IntN(len(m.raw))], m.clean, kindDim})
			}
			t.cols = append(t.cols,
				rawColumn{createdNames[r.IntN(len(createdNames))], "created_at", kindCreated},
				rawColumn{updatedNames[r.IntN(len(updatedNames))], "updated_at", kindUpdated},
				rawColumn{deletedNames[r.IntN(len(deletedNames))], "is_deleted", kindDeleted},
			)
			tables = append(tables, t)
		}
	}
	return tables
}

// pickPooled returns the pool's first entry and n other distinct entries, in pool order.
func pickPooled(r *rand.Rand, pool []pooled, n int) []pooled {
	chosen := []pooled{pool[0]}
	for _, i := range r.Perm(len(pool) - 1)[:min(n, len(pool)-1)] {
		chosen = append(chosen, pool[i+1])
	}
	// Keep pool order so the generated columns read in a stable, familiar order.
	out := chosen[:1]
	for _, p := range pool[1:] {
		for _, c := range chosen[1:] {
			if c.clean == p.clean {
				out = append(out, p)
			}
		}
	}
	return out
}

// columns returns the table's columns of one kind.
func (t *rawTable) columns(kind columnKind) []rawColumn {
	var out []rawColumn
	for _, c := range t.cols {
		if c.kind == kind {
			out = append(out, c)
		}
	}
	return out
}
