package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testShop writes a project with a test of every kind and models
// downstream of each tested model; good says whether its data passes.
func testShop(t *testing.T, good bool) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "kiln.yml", "name: shop\nmodels:\n  +materialized: table\n")
	write(t, dir, "models/customers.sql", `select id as customer_id, name, country from {{ ref "raw_customers" }}`)
	write(t, dir, "models/orders.sql", `select id as order_id, customer_id, status, amount from {{ ref "raw_orders" }}`)
	write(t, dir, "models/customer_names.sql", `select customer_id, upper(name) as name from {{ ref "customers" }}`)
	write(t, dir, "models/order_totals.sql", `select status, sum(amount) as total from {{ ref "orders" }} group by status`)
	write(t, dir, "models/revenue.sql", `select sum(total) as revenue from {{ ref "order_totals" }}`)
	write(t, dir, "tests/no_huge_orders.sql", `select * from {{ ref "orders" }} where amount > 1000`)
	write(t, dir, "models/schema.yml", `models:
  - name: customers
    columns:
      - name: customer_id
        tests: [unique, not_null]
      - name: country
        tests:
          - not_null: { config: { severity: warn } }
  - name: orders
    columns:
      - name: status
        tests:
          - accepted_values: { values: [placed, shipped] }
      - name: customer_id
        tests:
          - relationships: { to: ref customers, field: customer_id }
    tests:
      - expression: "amount >= 0"
unit_tests:
  - name: totals_by_status
    model: order_totals
    given:
      - input: ref orders
        rows:
          - { status: placed, amount: 3 }
          - { status: placed, amount: 4 }
          - { status: shipped, amount: 5 }
    expect:
      rows:
        - { status: placed, total: 7 }
        - { status: shipped, total: 5 }
`)
	if good {
		write(t, dir, "seeds/raw_customers.csv", "id,name,country\n1,ann,FR\n2,bob,\n3,cy,DE\n")
		write(t, dir, "seeds/raw_orders.csv", "id,customer_id,status,amount\n1,1,placed,10\n2,2,shipped,20\n3,3,placed,5\n")
	} else {
		bad(t, dir)
	}
	return dir
}

// bad breaks every data test by a known number of rows.
func bad(t *testing.T, dir string) {
	write(t, dir, "seeds/raw_customers.csv", "id,name,country\n1,ann,FR\n2,bob,\n2,bob,\n3,cy,DE\n3,cy,\n3,cy,\n,nobody,\n")
	write(t, dir, "seeds/raw_orders.csv", "id,customer_id,status,amount\n1,1,placed,10\n2,7,lost,20\n3,8,gone,-5\n4,9,placed,5000\n")
}

// runResults reads target/run_results.json as id → status and failures.
func runResults(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			Status   string `json:"status"`
			Failures *int64 `json:"failures"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &rr); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rr.Results {
		s := r.Status
		if r.Failures != nil {
			s += " " + strconv.FormatInt(*r.Failures, 10)
		}
		out[r.UniqueID] = s
	}
	return out
}

// TestBuildWithBadData builds a project whose data breaks every kind of
// test: each fails with dbt's count, what is downstream is skipped and
// keeps its previous version, warnings block nothing, and kiln exits 1.
func TestBuildWithBadData(t *testing.T) {
	dir := testShop(t, true)
	r := mustKiln(t, dir, "build")
	if !strings.Contains(r.stdout, "PASS=14 WARN=1 ERROR=0 SKIP=0 TOTAL=15") {
		t.Fatalf("good build:\n%s\n%s", r.stdout, r.stderr)
	}
	before := dump(t, dir)

	bad(t, dir)
	r = kiln(t, context.Background(), dir, "build", "--store-failures")
	if r.code != ExitFailure {
		t.Fatalf("bad build: exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	want := map[string]string{
		"seed.shop.raw_customers":                                  "success",
		"seed.shop.raw_orders":                                     "success",
		"model.shop.customers":                                     "success",
		"model.shop.orders":                                        "success",
		"model.shop.customer_names":                                "skipped",
		"model.shop.order_totals":                                  "skipped",
		"model.shop.revenue":                                       "skipped",
		"test.shop.unique_customers_customer_id":                   "fail 2", // the values 2 and 3
		"test.shop.not_null_customers_customer_id":                 "fail 1",
		"test.shop.not_null_customers_country":                     "warn 5",
		"test.shop.accepted_values_orders_status__placed__shipped": "fail 2", // lost, gone
		"test.shop.relationships_orders_customer_id__customer_id__ref_customers_": "fail 3",
		"test.shop.expression_orders_amount_0":                                    "fail 1",
		"test.shop.no_huge_orders":                                                "fail 1",
		// The unit test runs on its given rows: bad data does not touch it.
		"unit_test.shop.order_totals.totals_by_status": "pass 0",
	}
	if diff := cmp.Diff(want, runResults(t, dir)); diff != "" {
		t.Errorf("run_results.json (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.stdout, "PASS=5 WARN=1 ERROR=6 SKIP=3 TOTAL=15") {
		t.Errorf("summary:\n%s", r.stdout)
	}
	for _, s := range []string{
		"FAIL  unique_customers_customer_id (models/schema.yml): 2 failing rows (fails when != 0)",
		"unique_field | n_records",
		"every failing row is stored in main_kiln_test_failures.unique_customers_customer_id",
		"compiled SQL: target/compiled/models/schema.yml/unique_customers_customer_id.sql",
		"WARN  not_null_customers_country (models/schema.yml): 5 failing rows (warns when != 0)",
		"SKIP  order_totals: skipped: depends on ",
	} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("output lacks %q:\n%s", s, r.stderr)
		}
	}
	// The skipped models keep their previous version.
	after := dump(t, dir)
	for _, rel := range []string{"table customer_names", "table order_totals", "table revenue"} {
		if after[rel] != before[rel] {
			t.Errorf("%s changed although it was skipped:\n%s\nwas\n%s", rel, after[rel], before[rel])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "compiled", "models", "schema.yml", "unique_customers_customer_id.sql")); err != nil {
		t.Errorf("compiled test SQL: %v", err)
	}

	// kiln test alone runs every test; nothing is skipped.
	r = kiln(t, context.Background(), dir, "test")
	if r.code != ExitFailure || !strings.Contains(r.stdout, "PASS=1 WARN=1 ERROR=6 SKIP=0 TOTAL=8") {
		t.Errorf("kiln test: exit %d\n%s", r.code, r.stdout)
	}
	// Selecting a model selects its tests.
	r = kiln(t, context.Background(), dir, "test", "--select", "customers", "--exclude", "test_type:unit")
	if !strings.Contains(r.stdout, "TOTAL=4") {
		t.Errorf("kiln test --select customers:\n%s", r.stdout)
	}
}

// TestWarningsDoNotBlock: a build whose only failing test warns exits 0.
func TestWarningsDoNotBlock(t *testing.T) {
	dir := testShop(t, true)
	r := mustKiln(t, dir, "build")
	if !strings.Contains(r.stderr, "WARN  not_null_customers_country") || !strings.Contains(r.stdout, "WARN=1 ERROR=0") {
		t.Errorf("build:\n%s\n%s", r.stdout, r.stderr)
	}
	r = mustKiln(t, dir, "test", "--select", "test_type:generic")
	if !strings.Contains(r.stdout, "PASS=5 WARN=1 ERROR=0 SKIP=0 TOTAL=6") {
		t.Errorf("test_type:generic:\n%s", r.stdout)
	}
}

// TestContractStopsTheSwap: a model that breaks its contract fails naming
// each column and why, and its table keeps the previous rows. On DuckDB the
// analysis binds the types, so this is caught at compile time; the check
// before the swap, for what compile cannot know, is tested in materialize.
func TestContractStopsTheSwap(t *testing.T) {
	dir := testShop(t, true)
	write(t, dir, "models/contracts.yml", `models:
  - name: customer_names
    contract: { enforced: true }
    columns:
      - { name: customer_id, data_type: bigint }
      - { name: name, data_type: varchar }
`)
	mustKiln(t, dir, "build")
	before := dump(t, dir)["table customer_names"]
	write(t, dir, "models/customer_names.sql", `select cast(customer_id as varchar) as customer_id, 1 as name_length from {{ ref "customers" }}`)
	r := kiln(t, context.Background(), dir, "run")
	if r.code != ExitFailure {
		t.Fatalf("run: exit %d\n%s", r.code, r.stdout)
	}
	for _, s := range []string{
		`models/contracts.yml:2:5: model "customer_names" breaks its contract`,
		`column "customer_id" has the wrong type: the contract declares bigint, the query returns VARCHAR`,
		`column "name" is missing`,
		`column "name_length" is extra`,
	} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("output lacks %q:\n%s", s, r.stderr)
		}
	}
	if after := dump(t, dir)["table customer_names"]; after != before {
		t.Errorf("customer_names changed:\n%s\nwas\n%s", after, before)
	}
}

// TestUnitTestShowsDiff: a unit test with a wrong expectation fails with
// the rows that differ, -expected +actual, and needs no database.
func TestUnitTestShowsDiff(t *testing.T) {
	dir := testShop(t, true)
	data, err := os.ReadFile(filepath.Join(dir, "models", "schema.yml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "models/schema.yml", strings.Replace(string(data), "{ status: placed, total: 7 }", "{ status: placed, total: 8 }", 1))
	r := kiln(t, context.Background(), dir, "test", "--select", "test_type:unit")
	if r.code != ExitFailure {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	wantDiff := `FAIL  totals_by_status (models/schema.yml): the model's rows differ from the expected rows (2 rows; -expected +actual)
          | status | total
        --+--------+------
        - | placed | 8
        + | placed | 7`
	if !strings.Contains(r.stderr, wantDiff) {
		t.Errorf("output lacks the diff:\n%s\nin:\n%s", wantDiff, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "dev.duckdb")); err == nil {
		t.Error("kiln test --select test_type:unit opened the target database")
	}
}
