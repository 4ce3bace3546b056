package materialize_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/materialize"
	"github.com/kiln-sql/kiln/models"
)

// build plans and runs kiln build on every node of the project: seeds,
// models and tests in one walk, with an in-memory DuckDB for unit tests.
func (p *project) build(storeFailures bool) *run {
	p.t.Helper()
	res := p.compile(nil)
	ctx := context.Background()
	existing, err := p.engine.Relations(ctx, p.db, materialize.Schemas(res.Project))
	if err != nil {
		p.t.Fatal(err)
	}
	opts := materialize.Options{Threads: 4, ProjectDir: p.dir, StoreFailures: storeFailures}
	plan, err := materialize.NewBuildPlan(res, res.Graph.Vertices(), existing, opts)
	if err != nil {
		p.t.Fatal(err)
	}
	x := &materialize.Executor{Engine: p.engine, DB: p.db, Compiled: res, Options: opts, UnitDB: unitDB(p.t)}
	if p.postgres() {
		failures := p.engine.QuoteIdent(materialize.FailuresSchema(p.schema))
		p.t.Cleanup(func() { p.db.Exec("drop schema if exists " + failures + " cascade") })
	}
	results, err := x.Run(ctx, plan)
	r := &run{p: p, results: map[string]*materialize.NodeResult{}, err: err}
	for _, res := range results {
		r.results[res.Step.Name] = res
	}
	return r
}

// unitDB opens an in-memory DuckDB for unit tests.
func unitDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := duckdb.New().Open(context.Background(), "", models.Target{Type: "duckdb", Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// failures returns a test's status and failure count.
func (r *run) failures(name string) (string, int64) {
	res, ok := r.results[name]
	if !ok {
		r.p.t.Fatalf("%s did not run", name)
	}
	if res.Test == nil {
		return res.Status, -1
	}
	return res.Status, res.Test.Failures
}

// badShop is a project whose data breaks every kind of test, each by a
// known number of rows, with models downstream of each tested model.
func badShop(p *project) {
	p.write(
		"seeds/raw_customers.csv", "id,name\n1,ann\n2,bob\n2,bob again\n3,cy\n3,cy again\n4,\n",
		"seeds/raw_orders.csv", "id,customer_id,status,amount\n1,1,placed,10\n2,9,placed,5\n3,8,lost,-1\n4,1,weird,-2\n5,2,shipped,3\n6,,placed,0\n",
		"models/customers.sql", `select id as customer_id, name from {{ ref "raw_customers" }}`,
		"models/orders.sql", `{{ config "materialized" "table" }}
select id as order_id, customer_id, status, amount from {{ ref "raw_orders" }}`,
		"models/customer_report.sql", `{{ config "materialized" "table" }}
select customer_id, count(*) as n from {{ ref "customers" }} group by customer_id`,
		"models/order_report.sql", `{{ config "materialized" "table" }}
select status, sum(amount) as total from {{ ref "orders" }} group by status`,
		"models/order_summary.sql", `select count(*) as n from {{ ref "order_report" }}`,
		"models/schema.yml", `models:
  - name: customers
    columns:
      - name: customer_id
        tests: [unique]
      - name: name
        tests:
          - not_null: { config: { severity: warn } }
  - name: orders
    columns:
      - name: status
        tests:
          - accepted_values: { values: [placed, shipped] }
          - accepted_values: { values: [placed, shipped, lost], name: status_known, config: { error_if: ">1" } }
      - name: customer_id
        tests:
          - relationships: { to: ref customers, field: customer_id, config: { severity: warn } }
          - not_null: { config: { severity: warn, where: "status <> 'placed'" } }
    tests:
      - expression: { expression: "amount >= 0", config: { limit: 1, severity: warn } }
`,
		"tests/no_big_orders.sql", `select * from {{ ref "orders" }} where amount > 100`,
		"tests/negative_amounts.sql", "{{ config \"severity\" \"warn\" \"store_failures\" true }}\nselect order_id, amount from {{ ref \"orders\" }} where amount < 0",
	)
}

// TestDataTestsInBuild runs every kind of data test in kiln build on data
// that breaks them: each reports dbt's failure count, errors skip what is
// downstream of the tested model, warnings block nothing.
func TestDataTestsInBuild(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		badShop(p)
		r := p.build(false)
		for _, c := range []struct {
			name   string
			status string
			n      int64
		}{
			// unique counts duplicated values: 2 and 3, not the 4 rows.
			{"unique_customers_customer_id", materialize.StatusFail, 2},
			{"not_null_customers_name", materialize.StatusWarn, 1},
			// accepted_values counts distinct unexpected values.
			{"accepted_values_orders_status__placed__shipped", materialize.StatusFail, 2},
			// one unexpected value, and error_if >1: neither error nor warning.
			{"status_known", materialize.StatusWarn, 1},
			// orders of customers 8 and 9; the null customer does not count.
			{"relationships_orders_customer_id__customer_id__ref_customers_", materialize.StatusWarn, 2},
			// where: only orders that are not placed; none has a null customer.
			{"not_null_orders_customer_id", materialize.StatusPass, 0},
			// two negative amounts, limit 1.
			{"expression_orders_amount_0", materialize.StatusWarn, 1},
			{"no_big_orders", materialize.StatusPass, 0},
			{"negative_amounts", materialize.StatusWarn, 2},
		} {
			status, n := r.failures(c.name)
			if status != c.status || n != c.n {
				t.Errorf("%s: %s with %d failures, want %s with %d (%s)", c.name, status, n, c.status, c.n, r.results[c.name].Message)
			}
		}
		// The failing unique test skips what reads customers; the failing
		// accepted_values test what reads orders, transitively.
		r.expect(materialize.StatusSkipped, "customer_report", "order_report", "order_summary")
		r.expect(materialize.StatusSuccess, "customers", "orders", "raw_customers", "raw_orders")
		if msg := r.results["customer_report"].Message; !strings.Contains(msg, "unique_customers_customer_id") {
			t.Errorf("customer_report skipped for: %q", msg)
		}
		// A sample of the failing rows is kept to show.
		sample := r.results["unique_customers_customer_id"].Test.Sample
		if sample == nil || !slices.Equal(sample.Columns, []string{"unique_field", "n_records"}) || len(sample.Rows) != 2 {
			t.Errorf("sample = %+v", sample)
		}
		if table := sample.Table("", 20); !strings.Contains(table, "unique_field | n_records") {
			t.Errorf("sample table:\n%s", table)
		}
		// store_failures keeps the failing rows of negative_amounts.
		if got := p.rows(`select order_id, amount from "` + materialize.FailuresSchema(p.schema) + `".negative_amounts order by 1`); !slices.Equal(got, []string{"3|-1", "4|-2"}) {
			t.Errorf("stored failures = %v", got)
		}
		if !errors.Is(r.results["unique_customers_customer_id"].Err, materialize.ErrTestFailed) {
			t.Errorf("a failed test's error: %v", r.results["unique_customers_customer_id"].Err)
		}

		// Fixed data: everything passes and the skipped models are built.
		p.write("seeds/raw_customers.csv", "id,name\n1,ann\n2,bob\n3,cy\n8,dan\n9,eve\n",
			"seeds/raw_orders.csv", "id,customer_id,status,amount\n1,1,placed,10\n2,9,placed,5\n5,2,shipped,3\n")
		r = p.build(true)
		for name, res := range r.results {
			if res.Status != materialize.StatusSuccess && res.Status != materialize.StatusPass {
				t.Errorf("%s: %s (%s)", name, res.Status, res.Message)
			}
		}
		if got := p.rows(`select n from {s}.order_summary`); !slices.Equal(got, []string{"2"}) {
			t.Errorf("order_summary = %v", got)
		}
		// --store-failures stores every test, passing ones as empty tables.
		if got := p.rows(`select count(*) from "` + materialize.FailuresSchema(p.schema) + `".unique_customers_customer_id`); !slices.Equal(got, []string{"0"}) {
			t.Errorf("stored failures of a passing test = %v", got)
		}
	})
}

// TestTestOnlyPlan runs the tests alone (kiln test): they do not depend on
// each other, so a failing test skips nothing.
func TestTestOnlyPlan(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		badShop(p)
		res := p.compile(nil)
		var tests, built []string
		for _, id := range res.Graph.Vertices() {
			switch res.Node(id).(type) {
			case *models.Test:
				tests = append(tests, id)
			case *models.Model, *models.Seed:
				built = append(built, id)
			}
		}
		first, err := materialize.NewPlan(res, built, nil, materialize.Options{ProjectDir: p.dir})
		if err != nil {
			t.Fatal(err)
		}
		x0 := &materialize.Executor{Engine: p.engine, DB: p.db, Compiled: res, Options: materialize.Options{Threads: 2, ProjectDir: p.dir}}
		if _, err := x0.Run(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		plan, err := materialize.NewPlan(res, tests, nil, materialize.Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		x := &materialize.Executor{Engine: p.engine, DB: p.db, Compiled: res, Options: materialize.Options{Threads: 2}}
		results, _ := x.Run(context.Background(), plan)
		if len(results) != len(tests) {
			t.Fatalf("%d results for %d tests", len(results), len(tests))
		}
		for _, r := range results {
			if r.Status == materialize.StatusSkipped || r.Status == materialize.StatusError {
				t.Errorf("%s: %s (%s)", r.Step.Name, r.Status, r.Message)
			}
		}
	})
}

// TestContractStopsSwap breaks a table's and a view's contract: the build
// fails naming each column and why, and the previous relations stay.
func TestContractStopsSwap(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write(
			"models/customers.sql", "{{ config \"materialized\" \"table\" }}\nselect cast(1 as integer) as id, cast('ann' as varchar(20)) as name",
			"models/names.sql", "select cast('ann' as varchar) as name",
			"models/schema.yml", `models:
  - name: customers
    contract: { enforced: true }
    columns:
      - { name: id, data_type: int }
      - { name: name, data_type: text }
  - name: names
    contract: { enforced: true }
    columns:
      - { name: name, data_type: string }
`)
		p.ok(runOptions{})

		p.write(
			"models/customers.sql", "{{ config \"materialized\" \"table\" }}\nselect cast(2 as bigint) as id, 'x' as nickname",
			"models/names.sql", "select 1 as name",
		)
		r := p.run(runOptions{})
		r.expect(materialize.StatusError, "customers", "names")
		msg := r.results["customers"].Message
		for _, want := range []string{`column "id" has the wrong type: the contract declares int, the query returns`, `column "name" is missing`, `column "nickname" is extra`, "previous version is kept"} {
			if !strings.Contains(msg, want) {
				t.Errorf("customers: message lacks %q:\n%s", want, msg)
			}
		}
		if !errors.Is(r.results["customers"].Err, materialize.ErrContract) {
			t.Errorf("customers: error is not ErrContract: %v", r.results["customers"].Err)
		}
		if r.ran("customers", "rename") {
			t.Errorf("customers was swapped in despite its contract:\n%s", strings.Join(r.results["customers"].Statements, "\n"))
		}
		if diff := cmp.Diff([]string{"1|ann"}, p.rows(`select id, name from {s}.customers`)); diff != "" {
			t.Errorf("the old customers table changed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"ann"}, p.rows(`select name from {s}.names`)); diff != "" {
			t.Errorf("the old names view changed (-want +got):\n%s", diff)
		}
	})
}

// TestUnitTests runs unit tests on the in-memory DuckDB whatever the target,
// without building anything: one passes; one with a wrong expectation fails
// with the rows that differ; a failing unit test skips its model in build.
func TestUnitTests(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write(
			"seeds/raw_orders.csv", "id,customer,amount,day\n1,ann,10,2024-01-01\n",
			"models/stg_orders.sql", `select id as order_id, customer, amount, day from {{ ref "raw_orders" }}`,
			"models/customer_totals.sql", `{{ config "materialized" "table" }}
select customer, sum(amount) as total, min(day) as first_day, count(*) as orders
from {{ ref "stg_orders" }}
where day >= date '{{ var "start" "2000-01-01" }}'
group by customer`,
			"models/schema.yml", `unit_tests:
  - name: sums_per_customer
    model: customer_totals
    overrides: { vars: { start: "2024-01-02" } }
    given:
      - input: ref('stg_orders')
        rows:
          - { order_id: 1, customer: ann, amount: 10.5, day: 2024-01-01 }
          - { order_id: 2, customer: ann, amount: 2, day: 2024-01-03 }
          - { order_id: 3, customer: bob, amount: 4, day: 2024-01-05 }
          - { order_id: 4, customer: bob, amount: 1, day: 2024-01-06 }
    expect:
      rows:
        - { customer: bob, total: 5, first_day: 2024-01-05 }
        - { customer: ann, total: 2, first_day: 2024-01-03 }
  - name: wrong_total
    model: customer_totals
    given:
      - input: ref stg_orders
        format: csv
        rows: |
          order_id,customer,amount,day
          1,ann,10,2024-01-01
          2,ann,5,2024-01-02
          3,cy,1,2024-01-02
    expect:
      rows:
        - { customer: ann, total: 16, orders: 2 }
        - { customer: cy, total: 1, orders: 1 }
`)
		res := p.compile(nil)
		var units []string
		for _, u := range res.Project.UnitTests {
			units = append(units, u.UniqueID(res.Project.Name))
		}
		plan, err := materialize.NewPlan(res, units, nil, materialize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// No target database: unit tests need none.
		x := &materialize.Executor{Engine: p.engine, Compiled: res, UnitDB: unitDB(t), Options: materialize.Options{Threads: 2}}
		results, err := x.Run(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*materialize.NodeResult{}
		for _, r := range results {
			got[r.Step.Name] = r
		}
		if r := got["sums_per_customer"]; r.Status != materialize.StatusPass {
			t.Errorf("sums_per_customer: %s: %s\n%s", r.Status, r.Message, strings.Join(r.Statements, ";\n"))
		}
		r := got["wrong_total"]
		if r.Status != materialize.StatusFail || r.Test.Failures != 2 {
			t.Fatalf("wrong_total: %s with %d failures: %s", r.Status, r.Test.Failures, r.Message)
		}
		wantDiff := `  | customer | total | orders
--+----------+-------+-------
- | ann      | 16    | 2
+ | ann      | 15    | 2
`
		if diff := cmp.Diff(wantDiff, r.Test.Diff.Table("", 40)); diff != "" {
			t.Errorf("wrong_total diff (-want +got):\n%s", diff)
		}

		// In build, the failing unit test runs first and skips its model.
		b := p.build(false)
		b.expect(materialize.StatusSkipped, "customer_totals")
		b.expect(materialize.StatusSuccess, "stg_orders", "raw_orders")
		if _, ok := p.kinds()["customer_totals"]; ok {
			t.Error("customer_totals was built although its unit test failed")
		}
	})
}

// TestUnitTestErrors: an expect column the model does not return, and
// given rows that do not fit the declared types, are errors that say so.
func TestUnitTestErrors(t *testing.T) {
	p := newProject(t, "duckdb")
	p.write(
		"models/m.sql", `select id, id * 2 as double_id from {{ ref "src" }}`,
		"models/src.sql", `select 1 as id`,
		"models/schema.yml", `models:
  - name: src
    columns: [{ name: id, data_type: integer }]
unit_tests:
  - name: unknown_column
    model: m
    given: [{ input: ref src, rows: [{ id: 1 }] }]
    expect: { rows: [{ triple_id: 3 }] }
  - name: bad_type
    model: m
    given: [{ input: ref src, rows: [{ id: "one" }] }]
    expect: { rows: [{ id: 1 }] }
  - name: no_rows_expected
    model: m
    given: [{ input: ref src, rows: [{ id: 1 }] }]
    expect: { rows: [] }
`)
	res := p.compile(nil)
	var units []string
	for _, u := range res.Project.UnitTests {
		units = append(units, u.UniqueID(res.Project.Name))
	}
	plan, err := materialize.NewPlan(res, units, nil, materialize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := &materialize.Executor{Engine: p.engine, Compiled: res, UnitDB: unitDB(t)}
	results, _ := x.Run(context.Background(), plan)
	for _, r := range results {
		switch r.Step.Name {
		case "unknown_column":
			if r.Status != materialize.StatusError || !strings.Contains(r.Message, `expect names column "triple_id", which model m does not return (it returns id, double_id)`) {
				t.Errorf("unknown_column: %s: %s", r.Status, r.Message)
			}
		case "bad_type":
			if r.Status != materialize.StatusError || !strings.Contains(r.Message, "loading the rows of ref src") {
				t.Errorf("bad_type: %s: %s", r.Status, r.Message)
			}
		case "no_rows_expected":
			if r.Status != materialize.StatusFail || r.Test.Failures != 1 || r.Test.Diff.Rows[0][0] != "+" {
				t.Errorf("no_rows_expected: %s: %s %+v", r.Status, r.Message, r.Test.Diff)
			}
		}
	}
}
