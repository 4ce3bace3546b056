package e2e

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// This file computes what the marts of examples/jaffle_shop must contain,
// straight from the seed CSVs with Go maps and loops. It shares nothing with
// the models' SQL on purpose: when kiln and this reference agree, both the
// SQL and kiln's handling of it are right.

// cents is an amount of money counted in cents. It scans from whatever the
// engine returns for a money column (DOUBLE, DECIMAL, integer, text) and
// rounds to the cent, half away from zero.
type cents int64

func (c cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// date is a calendar day as YYYY-MM-DD.
type date string

func (d date) time() time.Time {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		panic(err)
	}
	return t
}

// customerRow is one row of marts/customers.
type customerRow struct {
	CustomerID        int64
	FirstName         string
	LastName          *string
	FullName          string
	Email             *string
	CountryCode       string
	SignedUpAt        time.Time
	AcceptsMarketing  *bool
	FirstOrderAt      *time.Time
	MostRecentOrderAt *time.Time
	NumberOfOrders    int64
	LifetimeValue     cents
	CustomerType      string
}

// orderRow is one row of marts/orders.
type orderRow struct {
	OrderID            int64
	CustomerID         int64
	StoreID            int64
	StoreName          string
	OrderedAt          time.Time
	OrderDate          date
	Status             string
	OrderNote          *string
	ItemCount          int64
	HasBeverage        bool
	Subtotal           cents
	TaxPaid            cents
	OrderTotal         cents
	CreditCardAmount   cents
	CouponAmount       cents
	BankTransferAmount cents
	GiftCardAmount     cents
	AmountPaid         cents
	IsFullyPaid        bool
}

// dailyRevenueRow is one row of marts/daily_revenue.
type dailyRevenueRow struct {
	RevenueDate            date
	OrderCount             int64
	ReturnedOrderCount     int64
	CustomerCount          int64
	ItemsSold              int64
	GrossRevenue           cents
	AmountCollected        cents
	CumulativeGrossRevenue cents
}

// orderPaymentRow is one row of marts/order_payments (incremental).
type orderPaymentRow struct {
	OrderID        int64
	PaymentCount   int64
	TotalPaidCents int64
	TotalPaid      cents
	LastPaidAt     time.Time
}

// marts holds every mart table of the example, each sorted by its key.
type marts struct {
	Customers     []customerRow
	Orders        []orderRow
	DailyRevenue  []dailyRevenueRow
	OrderPayments []orderPaymentRow
}

// paymentMethods are the methods pivoted into columns of marts/orders.
var paymentMethods = []string{"credit_card", "coupon", "bank_transfer", "gift_card"}

// referenceMarts computes the expected marts of the project in dir from its
// seeds/*.csv and the start_date variable in its kiln.yml.
func referenceMarts(t *testing.T, dir string) marts {
	t.Helper()
	seeds := filepath.Join(dir, "seeds")
	start := projectVar(t, dir, "start_date")

	type store struct {
		name    string
		taxRate int64 // in 1/10000
	}
	stores := map[int64]store{}
	for _, r := range readSeed(t, seeds, "raw_stores") {
		stores[r.int("id")] = store{name: r.str("name"), taxRate: r.fixed("tax_rate", 4)}
	}

	type product struct {
		price int64 // cents
		typ   string
	}
	products := map[string]product{}
	for _, r := range readSeed(t, seeds, "raw_products") {
		products[r.str("sku")] = product{price: r.fixed("price", 2), typ: strings.ToLower(r.str("type"))}
	}

	type items struct {
		count       int64
		subtotal    int64
		hasBeverage bool
	}
	orderItems := map[int64]*items{}
	for _, r := range readSeed(t, seeds, "raw_order_items") {
		p, ok := products[r.str("sku")]
		if !ok {
			t.Fatalf("raw_order_items row %d: unknown sku %q", r.line, r.str("sku"))
		}
		id := r.int("order_id")
		it := orderItems[id]
		if it == nil {
			it = &items{}
			orderItems[id] = it
		}
		q := r.int("quantity")
		it.count += q
		it.subtotal += q * p.price
		it.hasBeverage = it.hasBeverage || p.typ == "beverage"
	}

	type paid struct {
		count    int64
		total    int64
		byMethod map[string]int64
		last     time.Time
	}
	payments := map[int64]*paid{}
	for _, r := range readSeed(t, seeds, "raw_payments") {
		if strings.ToLower(r.str("status")) != "success" {
			continue
		}
		id := r.int("order_id")
		p := payments[id]
		if p == nil {
			p = &paid{byMethod: map[string]int64{}}
			payments[id] = p
		}
		amount := r.int("amount_cents")
		p.count++
		p.total += amount
		p.byMethod[strings.ToLower(r.str("payment_method"))] += amount
		if at := r.timestamp("created_at"); at.After(p.last) {
			p.last = at
		}
	}

	var m marts
	for _, r := range readSeed(t, seeds, "raw_orders") {
		s, ok := stores[r.int("store_id")]
		if !ok {
			t.Fatalf("raw_orders row %d: unknown store %d", r.line, r.int("store_id"))
		}
		o := orderRow{
			OrderID:    r.int("id"),
			CustomerID: r.int("customer_id"),
			StoreID:    r.int("store_id"),
			StoreName:  s.name,
			OrderedAt:  r.timestamp("ordered_at"),
			Status:     strings.ToLower(r.str("status")),
			OrderNote:  r.null("notes"),
		}
		o.OrderDate = date(o.OrderedAt.Format(time.DateOnly))
		if it := orderItems[o.OrderID]; it != nil {
			o.ItemCount, o.Subtotal, o.HasBeverage = it.count, cents(it.subtotal), it.hasBeverage
		}
		o.TaxPaid = cents(divRound(int64(o.Subtotal)*s.taxRate, 10000))
		o.OrderTotal = o.Subtotal + o.TaxPaid
		if p := payments[o.OrderID]; p != nil {
			o.CreditCardAmount = cents(p.byMethod["credit_card"])
			o.CouponAmount = cents(p.byMethod["coupon"])
			o.BankTransferAmount = cents(p.byMethod["bank_transfer"])
			o.GiftCardAmount = cents(p.byMethod["gift_card"])
			o.AmountPaid = cents(p.total)
			m.OrderPayments = append(m.OrderPayments, orderPaymentRow{
				OrderID:        o.OrderID,
				PaymentCount:   p.count,
				TotalPaidCents: p.total,
				TotalPaid:      cents(p.total),
				LastPaidAt:     p.last,
			})
		}
		o.IsFullyPaid = o.AmountPaid >= o.OrderTotal
		m.Orders = append(m.Orders, o)
	}
	slices.SortFunc(m.Orders, func(a, b orderRow) int { return int(a.OrderID - b.OrderID) })
	slices.SortFunc(m.OrderPayments, func(a, b orderPaymentRow) int { return int(a.OrderID - b.OrderID) })

	for _, r := range readSeed(t, seeds, "raw_customers") {
		c := customerRow{
			CustomerID:       r.int("id"),
			FirstName:        strings.Trim(r.str("first_name"), " "),
			LastName:         r.nullTrim("last_name"),
			Email:            r.nullTrim("email"),
			CountryCode:      strings.ToUpper(r.str("country_code")),
			SignedUpAt:       r.timestamp("signed_up_at"),
			AcceptsMarketing: r.boolean("accepts_marketing"),
			CustomerType:     "prospect",
		}
		c.FullName = c.FirstName
		if c.LastName != nil {
			c.FullName += " " + *c.LastName
		}
		if c.Email != nil {
			*c.Email = strings.ToLower(*c.Email)
		}
		for _, o := range m.Orders {
			if o.CustomerID != c.CustomerID {
				continue
			}
			c.NumberOfOrders++
			if c.FirstOrderAt == nil || o.OrderedAt.Before(*c.FirstOrderAt) {
				c.FirstOrderAt = &o.OrderedAt
			}
			if c.MostRecentOrderAt == nil || o.OrderedAt.After(*c.MostRecentOrderAt) {
				c.MostRecentOrderAt = &o.OrderedAt
			}
			if o.Status != "returned" {
				c.LifetimeValue += o.AmountPaid
			}
		}
		switch {
		case c.NumberOfOrders == 1:
			c.CustomerType = "new"
		case c.NumberOfOrders > 1:
			c.CustomerType = "returning"
		}
		m.Customers = append(m.Customers, c)
	}
	slices.SortFunc(m.Customers, func(a, b customerRow) int { return int(a.CustomerID - b.CustomerID) })

	// Daily revenue: every day from start_date to the last order day, even
	// days without orders; returned orders are counted apart.
	first := date(start).time()
	var last time.Time
	for _, o := range m.Orders {
		if d := o.OrderDate.time(); !d.Before(first) && d.After(last) {
			last = d
		}
	}
	var cumulative cents
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		row := dailyRevenueRow{RevenueDate: date(d.Format(time.DateOnly))}
		customers := map[int64]bool{}
		for _, o := range m.Orders {
			if o.OrderDate != row.RevenueDate {
				continue
			}
			if o.Status == "returned" {
				row.ReturnedOrderCount++
				continue
			}
			row.OrderCount++
			customers[o.CustomerID] = true
			row.ItemsSold += o.ItemCount
			row.GrossRevenue += o.OrderTotal
			row.AmountCollected += o.AmountPaid
		}
		row.CustomerCount = int64(len(customers))
		cumulative += row.GrossRevenue
		row.CumulativeGrossRevenue = cumulative
		m.DailyRevenue = append(m.DailyRevenue, row)
	}
	return m
}

// divRound divides a by b (b > 0), rounding half away from zero, as SQL's
// round() does on exact decimals.
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (2*a + b) / (2 * b)
}

// projectVar reads vars.<name> from the project's kiln.yml.
func projectVar(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "kiln.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Vars map[string]string `yaml:"vars"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatalf("kiln.yml: %v", err)
	}
	v, ok := cfg.Vars[name]
	if !ok {
		t.Fatalf("kiln.yml: no vars.%s", name)
	}
	return v
}

// seedRow is one record of a seed CSV, by header name. An empty field is NULL.
type seedRow struct {
	t      *testing.T
	file   string
	line   int
	fields map[string]string
}

// readSeed parses seeds/<name>.csv with encoding/csv.
func readSeed(t *testing.T, dir, name string) []seedRow {
	t.Helper()
	path := filepath.Join(dir, name+".csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows []seedRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		row := seedRow{t: t, file: name + ".csv", line: line, fields: map[string]string{}}
		for i, h := range header {
			row.fields[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func (r seedRow) get(col string) string {
	r.t.Helper()
	v, ok := r.fields[col]
	if !ok {
		r.t.Fatalf("%s:%d: no column %q", r.file, r.line, col)
	}
	return v
}

func (r seedRow) fail(col string, err error) {
	r.t.Helper()
	r.t.Fatalf("%s:%d: column %s: %v", r.file, r.line, col, err)
}

func (r seedRow) str(col string) string {
	r.t.Helper()
	v := r.get(col)
	if v == "" {
		r.fail(col, fmt.Errorf("unexpected NULL"))
	}
	return v
}

func (r seedRow) null(col string) *string {
	r.t.Helper()
	if v := r.get(col); v != "" {
		return &v
	}
	return nil
}

// nullTrim mirrors the staging models' nullif of a trimmed column: blank text is NULL.
func (r seedRow) nullTrim(col string) *string {
	r.t.Helper()
	if v := strings.Trim(r.get(col), " "); v != "" {
		return &v
	}
	return nil
}

func (r seedRow) int(col string) int64 {
	r.t.Helper()
	n, err := strconv.ParseInt(r.str(col), 10, 64)
	if err != nil {
		r.fail(col, err)
	}
	return n
}

func (r seedRow) boolean(col string) *bool {
	r.t.Helper()
	v := r.get(col)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(col, err)
	}
	return &b
}

func (r seedRow) timestamp(col string) time.Time {
	r.t.Helper()
	ts, err := time.Parse(time.DateTime, r.str(col))
	if err != nil {
		r.fail(col, err)
	}
	return ts
}

// fixed parses an exact decimal such as "7.50" or "0.1025" as an integer
// count of 10^-scale units (750, 1025); more digits than scale is an error.
func (r seedRow) fixed(col string, scale int) int64 {
	r.t.Helper()
	v, ok := new(big.Rat).SetString(r.str(col))
	if !ok {
		r.fail(col, fmt.Errorf("not a decimal: %q", r.str(col)))
	}
	v.Mul(v, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	if !v.IsInt() {
		r.fail(col, fmt.Errorf("%q has more than %d decimals", r.str(col), scale))
	}
	return v.Num().Int64()
}

// addLatePayments appends two successful payments to seeds/raw_payments.csv,
// one hour after the newest payment in the file: the rest of a partly paid
// order (an update for the incremental order_payments) and the full amount of
// an order that had no payment yet (an insert). It returns the two order ids.
func addLatePayments(t *testing.T, dir string) (updated, inserted int64) {
	t.Helper()
	before := referenceMarts(t, dir)
	var partly, unpaid *orderRow
	for i := range before.Orders {
		o := &before.Orders[i]
		switch {
		case partly == nil && o.AmountPaid > 0 && o.AmountPaid < o.OrderTotal:
			partly = o
		case unpaid == nil && o.AmountPaid == 0 && o.OrderTotal > 0:
			unpaid = o
		}
	}
	if partly == nil || unpaid == nil {
		t.Fatal("seeds have no partly paid or no unpaid order left to pay")
	}

	seeds := filepath.Join(dir, "seeds")
	var lastID int64
	var lastAt time.Time
	for _, r := range readSeed(t, seeds, "raw_payments") {
		lastID = max(lastID, r.int("id"))
		if at := r.timestamp("created_at"); at.After(lastAt) {
			lastAt = at
		}
	}
	at := lastAt.Add(time.Hour).Format(time.DateTime)

	path := filepath.Join(seeds, "raw_payments.csv")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll([][]string{
		{strconv.FormatInt(lastID+1, 10), strconv.FormatInt(partly.OrderID, 10), "credit_card", "success",
			strconv.FormatInt(int64(partly.OrderTotal-partly.AmountPaid), 10), at},
		{strconv.FormatInt(lastID+2, 10), strconv.FormatInt(unpaid.OrderID, 10), "gift_card", "success",
			strconv.FormatInt(int64(unpaid.OrderTotal), 10), at},
	})
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return partly.OrderID, unpaid.OrderID
}
