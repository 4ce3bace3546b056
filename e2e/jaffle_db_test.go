package e2e

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// database is what a test reads back from the DuckDB file after a kiln
// command: the marts as typed rows, every relation of the main schema with
// its kind, and a raw dump of each mart (column names, engine types and every
// value) for byte-for-byte comparisons between runs.
type database struct {
	Marts     marts
	Relations map[string]string   // name -> BASE TABLE | VIEW
	Dump      map[string][]string // mart -> header line, then one line per row
}

// martTables are the relations built by models/marts, each with its key.
var martTables = []struct{ name, key string }{
	{"customers", "customer_id"},
	{"daily_revenue", "revenue_date"},
	{"order_payments", "order_id"},
	{"orders", "order_id"},
}

// readDatabase opens the DuckDB file read-only, reads it, and closes it again
// so that the next kiln command can open it.
func readDatabase(t *testing.T, path string) database {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()

	var got database
	got.Marts.Customers = queryAll(t, db, `
		select customer_id, first_name, last_name, full_name, email, country_code,
		       signed_up_at, accepts_marketing, first_order_at, most_recent_order_at,
		       number_of_orders, lifetime_value, customer_type
		from customers order by customer_id`,
		func(r *customerRow) []any {
			return []any{&r.CustomerID, &r.FirstName, &r.LastName, &r.FullName, &r.Email, &r.CountryCode,
				&r.SignedUpAt, &r.AcceptsMarketing, &r.FirstOrderAt, &r.MostRecentOrderAt,
				&r.NumberOfOrders, &r.LifetimeValue, &r.CustomerType}
		})
	got.Marts.Orders = queryAll(t, db, `
		select order_id, customer_id, store_id, store_name, ordered_at, order_date, status,
		       order_note, item_count, has_beverage, subtotal, tax_paid, order_total,
		       credit_card_amount, coupon_amount, bank_transfer_amount, gift_card_amount,
		       amount_paid, is_fully_paid
		from orders order by order_id`,
		func(r *orderRow) []any {
			return []any{&r.OrderID, &r.CustomerID, &r.StoreID, &r.StoreName, &r.OrderedAt, &r.OrderDate, &r.Status,
				&r.OrderNote, &r.ItemCount, &r.HasBeverage, &r.Subtotal, &r.TaxPaid, &r.OrderTotal,
				&r.CreditCardAmount, &r.CouponAmount, &r.BankTransferAmount, &r.GiftCardAmount,
				&r.AmountPaid, &r.IsFullyPaid}
		})
	got.Marts.DailyRevenue = queryAll(t, db, `
		select revenue_date, order_count, returned_order_count, customer_count, items_sold,
		       gross_revenue, amount_collected, cumulative_gross_revenue
		from daily_revenue order by revenue_date`,
		func(r *dailyRevenueRow) []any {
			return []any{&r.RevenueDate, &r.OrderCount, &r.ReturnedOrderCount, &r.CustomerCount, &r.ItemsSold,
				&r.GrossRevenue, &r.AmountCollected, &r.CumulativeGrossRevenue}
		})
	got.Marts.OrderPayments = queryAll(t, db, `
		select order_id, payment_count, total_paid_cents, total_paid, last_paid_at
		from order_payments order by order_id`,
		func(r *orderPaymentRow) []any {
			return []any{&r.OrderID, &r.PaymentCount, &r.TotalPaidCents, &r.TotalPaid, &r.LastPaidAt}
		})

	got.Relations = map[string]string{}
	for _, r := range queryAll(t, db, `
		select table_name, table_type from information_schema.tables
		where table_schema = 'main' order by table_name`,
		func(r *[2]string) []any { return []any{&r[0], &r[1]} }) {
		got.Relations[r[0]] = r[1]
	}

	got.Dump = map[string][]string{}
	for _, m := range martTables {
		got.Dump[m.name] = dumpTable(t, db, fmt.Sprintf("select * from %s order by %s", m.name, m.key))
	}
	return got
}

// queryAll runs query and scans every row into a T through the pointers
// that fields returns.
func queryAll[T any](t *testing.T, db *sql.DB, query string, fields func(*T) []any) []T {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query)
	if err != nil {
		t.Fatalf("%s\n%v", query, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(fields(&v)...); err != nil {
			t.Fatalf("%s\nrow %d: %v", query, len(out)+1, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s\n%v", query, err)
	}
	return out
}

// dumpTable renders a query's result as text: a header of name:TYPE pairs,
// then one line per row.
func dumpTable(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query)
	if err != nil {
		t.Fatalf("%s\n%v", query, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var header []string
	for _, ct := range types {
		header = append(header, ct.Name()+":"+ct.DatabaseTypeName())
	}
	out := []string{strings.Join(header, " | ")}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				line[i] = "NULL"
			case time.Time:
				line[i] = v.UTC().Format(time.RFC3339Nano)
			default:
				line[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(line, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Scan implements sql.Scanner for money columns, whatever their engine type.
func (c *cents) Scan(src any) error {
	var r *big.Rat
	switch v := src.(type) {
	case nil:
		return errors.New("NULL money value")
	case int64:
		*c = cents(v * 100)
		return nil
	case int32:
		*c = cents(int64(v) * 100)
		return nil
	case float64:
		*c = cents(math.Round(v * 100))
		return nil
	case float32:
		*c = cents(math.Round(float64(v) * 100))
		return nil
	case string:
		r = ratOf(v)
	case []byte:
		r = ratOf(string(v))
	case fmt.Stringer: // duckdb.Decimal, *big.Int (HUGEINT)
		r = ratOf(v.String())
	default:
		return fmt.Errorf("cannot scan %T into cents", src)
	}
	if r == nil {
		return fmt.Errorf("not a number: %v", src)
	}
	// Round r*100 half away from zero.
	r.Mul(r, big.NewRat(100, 1))
	num, den := new(big.Int).Abs(r.Num()), r.Denom()
	q := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Lsh(num, 1), den), new(big.Int).Lsh(den, 1))
	if r.Sign() < 0 {
		q.Neg(q)
	}
	if !q.IsInt64() {
		return fmt.Errorf("amount out of range: %v", src)
	}
	*c = cents(q.Int64())
	return nil
}

func ratOf(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return nil
	}
	return r
}

// Scan implements sql.Scanner for DATE columns.
func (d *date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = date(v.Format(time.DateOnly))
	case string:
		*d = date(v)
	default:
		return fmt.Errorf("cannot scan %T into a date", src)
	}
	return nil
}
