package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTestIdentifier(t *testing.T) {
	for _, c := range []struct {
		test, target string
		kwargs       map[string]any
		want         string
	}{
		{"not_null", "orders", map[string]any{"column_name": "order_id"}, "not_null_orders_order_id"},
		{"accepted_values", "orders", map[string]any{"column_name": "status", "values": []any{"placed", "shipped"}}, "accepted_values_orders_status__placed__shipped"},
		{"relationships", "orders", map[string]any{"column_name": "customer_id", "to": "ref('customers')", "field": "id"}, "relationships_orders_customer_id__id__ref_customers_"},
		{"accepted_values", "orders", map[string]any{"column_name": "ok", "values": []any{true}, "quote": false}, "accepted_values_orders_ok__False__True"},
		{"expression", "orders", map[string]any{"expression": "amount >= 0"}, "expression_orders_amount_0"},
		{"source_unique", "raw_orders", map[string]any{"column_name": "id"}, "source_unique_raw_orders_id"},
	} {
		if got := testIdentifier(c.test, c.target, c.kwargs); got != c.want {
			t.Errorf("testIdentifier(%s, %s, %v) = %q, want %q", c.test, c.target, c.kwargs, got, c.want)
		}
	}
	long := testIdentifier("accepted_values", "stg_payments", map[string]any{"column_name": "payment_method", "values": []any{"credit_card", "coupon", "bank_transfer"}})
	if len(long) >= 64 || !strings.HasPrefix(long, "accepted_values_stg_payments_") {
		t.Errorf("a long name is cut to 30 characters and a hash: %q", long)
	}
}

func TestParseCondition(t *testing.T) {
	for _, c := range []struct {
		s        string
		failures int64
		holds    bool
	}{
		{"!=0", 0, false}, {"!=0", 3, true}, {">10", 10, false}, {"> 10", 11, true},
		{">=5", 5, true}, {"<5", 4, true}, {"<=5", 6, false}, {"=0", 0, true}, {"==2", 2, true}, {"<>1", 2, true},
	} {
		k, err := ParseCondition(c.s)
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", c.s, err)
			continue
		}
		if got := k.Holds(c.failures); got != c.holds {
			t.Errorf("%q holds for %d = %v, want %v", c.s, c.failures, got, c.holds)
		}
	}
	for _, bad := range []string{"", "10", "> ten", "between 1 and 2"} {
		if _, err := ParseCondition(bad); err == nil {
			t.Errorf("ParseCondition(%q) = nil error", bad)
		}
	}
}

// TestBuildGraph checks the order kiln build walks in: each data test
// after what it tests and before that node's children, each unit test
// before its model, and no cycle from a relationships test whose parent
// is downstream of the tested model.
func TestBuildGraph(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"kiln.yml":          "name: shop\n",
		"models/a.sql":      "select 1 as id",
		"models/b.sql":      `select * from {{ ref "a" }}`,
		"models/c.sql":      `select * from {{ ref "b" }}`,
		"tests/a_and_c.sql": `select * from {{ ref "a" }}, {{ ref "c" }} where false`,
		"models/schema.yml": `models:
  - name: a
    columns:
      - name: id
        tests: [unique, { relationships: { to: ref c, field: id } }]
unit_tests:
  - name: u
    model: b
    given: [{ input: ref a, rows: [{ id: 1 }] }]
    expect: { rows: [{ id: 1 }] }
`,
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Compile(Options{Dir: dir})
	if err != nil || res.Diagnostics.HasErrors() {
		t.Fatalf("compile: %v %v", err, res.Diagnostics)
	}
	g := res.BuildGraph()
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, v := range g.Vertices() {
		b.WriteString(v + " <- " + strings.Join(g.Parents(v), ", ") + "\n")
	}
	want := `model.shop.a <- 
model.shop.b <- model.shop.a, test.shop.unique_a_id, unit_test.shop.b.u
model.shop.c <- model.shop.b
test.shop.a_and_c <- model.shop.a, model.shop.c
test.shop.relationships_a_id__id__ref_c_ <- model.shop.a, model.shop.c
test.shop.unique_a_id <- model.shop.a
unit_test.shop.b.u <- 
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("build graph (-want +got):\n%s", diff)
	}
	// The project's own graph keeps tests as leaves, unit tests after their
	// model, as the manifest shows them.
	if got := res.Graph.Parents("unit_test.shop.b.u"); !cmp.Equal(got, []string{"model.shop.b"}) {
		t.Errorf("unit test parents in the project graph: %v", got)
	}
}
