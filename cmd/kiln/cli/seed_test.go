package cli

import (
	"context"
	"strings"
	"testing"
)

// A malformed seed fails with its line, and the table loaded before stays.
func TestMalformedSeed(t *testing.T) {
	dir := newProject(t)
	mustKiln(t, dir, "seed")
	before := dump(t, dir)["table raw_customers"]
	good := readFile(t, dir, "seeds/raw_customers.csv")
	for _, tt := range []struct{ csv, want string }{
		{good + "9,Alan,Turing,2024-05-01,extra\n", "seeds/raw_customers.csv:6: the row has 5 fields, the header 4"},
		{good + "9,\"Alan,Turing,2024-05-01\n", "seeds/raw_customers.csv:6: a quoted field is never closed"},
		{"id,id,x,y\n1,2,3,4\n", `seeds/raw_customers.csv:1: the header names column "id" twice`},
	} {
		write(t, dir, "seeds/raw_customers.csv", tt.csv)
		r := kiln(t, context.Background(), dir, "seed", "--select", "raw_customers")
		if r.code != 1 || !strings.Contains(r.stdout+r.stderr, tt.want) {
			t.Errorf("exit %d, want 1 and %q:\n%s%s", r.code, tt.want, r.stdout, r.stderr)
		}
		if after := dump(t, dir)["table raw_customers"]; after != before {
			t.Errorf("the failed load changed raw_customers:\n%s", after)
		}
	}
	// It stops that seed, not the others.
	r := mustKiln(t, dir, "seed", "--select", "raw_orders")
	if !strings.Contains(r.stderr, "seeds/raw_customers.csv:1: warning: the header names") {
		t.Errorf("seed --select raw_orders does not warn of the broken seed:\n%s", r.stderr)
	}
}

// A test on a column the model does not return is an error at the test,
// before any database, and it stops that test only.
func TestTestOnMissingColumn(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/schema.yml", readFile(t, dir, "models/schema.yml")+`  - name: stg_orders
    columns:
      - name: order_idd
        tests: [not_null]
`)
	r := kiln(t, context.Background(), dir, "compile")
	want := `models/schema.yml:11:17: test not_null_stg_orders_order_idd checks column "order_idd", which model "stg_orders" does not return`
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, `did you mean "order_id"?`) {
		t.Errorf("compile: exit %d, want 1 and %q:\n%s", r.code, want, r.stderr)
	}
	mustKiln(t, dir, "seed")
	if r := mustKiln(t, dir, "run"); !strings.Contains(r.stderr, "warning: test not_null_stg_orders_order_idd") {
		t.Errorf("run does not warn:\n%s", r.stderr)
	}
}

// A unit test's expected rows may only name columns the model returns.
func TestUnitTestUnknownExpectColumn(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/unit.yml", `unit_tests:
  - name: names
    model: stg_customers
    given:
      - input: ref('raw_customers')
        rows:
          - { id: 1, first_name: Ada, last_name: Lovelace, signed_up_on: 2024-01-01 }
    expect:
      rows:
        - { customer_id: 1, full_nme: Ada Lovelace }
`)
	r := kiln(t, context.Background(), dir, "test", "--select", "test_type:unit")
	want := `models/unit.yml:9:7: unit test "names": model "stg_customers" has no column "full_nme"`
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, `did you mean "full_name"?`) {
		t.Errorf("exit %d, want 1 and %q:\n%s%s", r.code, want, r.stdout, r.stderr)
	}
}

// Running models before their seeds are loaded says so.
func TestRunBeforeSeed(t *testing.T) {
	dir := newProject(t)
	r := kiln(t, context.Background(), dir, "run")
	want := "models/staging/stg_orders.sql:7:6: Catalog Error: Table with name raw_orders does not exist!\n\thint: raw_orders is a seed: load it with kiln seed"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, want 1 and %q:\n%s", r.code, want, r.stderr)
	}
}

// A model saved in Latin-1 is an error at its first byte that is not
// UTF-8, not a failure of the whole analysis.
func TestModelNotUTF8(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/latin1.sql", "-- caf\xe9\nselect 1 as a\n")
	r := kiln(t, context.Background(), dir, "compile")
	want := "models/latin1.sql:1:7: the file is not UTF-8 (byte 0xe9)"
	if r.code != 1 || !strings.Contains(r.stderr, want) || strings.Count(r.stderr, "\n") > 3 {
		t.Errorf("exit %d, want 1 and only %q:\n%s", r.code, want, r.stderr)
	}
}

// An incremental model's unique_key must be one of its columns.
func TestUniqueKeyNotAColumn(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/inc.sql", `{{ config "materialized" "incremental" "unique_key" "customer_idd" }}select customer_id, full_name from {{ ref "stg_customers" }}`)
	r := kiln(t, context.Background(), dir, "compile")
	want := `models/inc.sql:1:1: unique_key "customer_idd" is not a column of model inc`
	if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, `did you mean "customer_id"?`) {
		t.Errorf("exit %d, want 1 and %q:\n%s", r.code, want, r.stderr)
	}
}
