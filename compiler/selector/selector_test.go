package selector

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kiln-sql/kiln/compiler/dag"
)

// fixture is a small jaffle shop:
//
//	raw.orders    → stg_orders    → int_order_payments → orders → customers
//	raw.payments  → stg_payments  ↗                      orders → finance_summary
//	raw.customers → stg_customers → customers ← country_codes
//	holidays → calendar;  audit_log (package audit) stands alone
//
// with tests on stg_orders, stg_payments, orders and customers.
func fixture() Universe {
	u := Universe{Nodes: map[string]Node{}, Graph: dag.New[string]()}
	add := func(n Node, parents ...string) {
		u.Nodes[n.ID] = n
		u.Graph.Add(n.ID)
		for _, p := range parents {
			u.Graph.Connect(p, n.ID)
		}
	}
	source := func(table string) Node {
		return Node{
			ID: "source.jaffle_shop.raw." + table, Name: table, ResourceType: "source", Package: "jaffle_shop",
			Path: "models/staging/sources.yml", FQN: []string{"jaffle_shop", "raw", table}, SourceName: "raw",
			Tags: []string{"raw"},
		}
	}
	model := func(path string, tags []string, materialized string) Node {
		folders := strings.Split(strings.TrimSuffix(strings.TrimPrefix(path, "models/"), ".sql"), "/")
		name := folders[len(folders)-1]
		return Node{
			ID: "model.jaffle_shop." + name, Name: name, ResourceType: "model", Package: "jaffle_shop", Path: path,
			FQN: append([]string{"jaffle_shop"}, folders...), Tags: tags,
			Config: map[string][]string{"materialized": {materialized}, "tags": tags},
		}
	}
	test := func(name, typ, path string, fqn []string, attached ...string) Node {
		return Node{
			ID: "test.jaffle_shop." + name, Name: name, ResourceType: "test", Package: "jaffle_shop", Path: path,
			FQN: append([]string{"jaffle_shop"}, fqn...), TestType: typ, AttachedTo: attached,
			Config: map[string][]string{"severity": {"error"}},
		}
	}
	const (
		stgOrders    = "model.jaffle_shop.stg_orders"
		stgPayments  = "model.jaffle_shop.stg_payments"
		stgCustomers = "model.jaffle_shop.stg_customers"
		orders       = "model.jaffle_shop.orders"
		customers    = "model.jaffle_shop.customers"
	)
	add(source("orders"))
	add(source("customers"))
	add(source("payments"))
	add(Node{ID: "seed.jaffle_shop.holidays", Name: "holidays", ResourceType: "seed", Package: "jaffle_shop",
		Path: "seeds/holidays.csv", FQN: []string{"jaffle_shop", "holidays"}})
	add(Node{ID: "seed.jaffle_shop.country_codes", Name: "country_codes", ResourceType: "seed", Package: "jaffle_shop",
		Path: "seeds/lookups/country_codes.csv", FQN: []string{"jaffle_shop", "lookups", "country_codes"}, Tags: []string{"lookup"}})
	add(model("models/staging/stg_orders.sql", []string{"staging"}, "view"), "source.jaffle_shop.raw.orders")
	add(model("models/staging/stg_customers.sql", []string{"staging"}, "view"), "source.jaffle_shop.raw.customers")
	add(model("models/staging/stg_payments.sql", []string{"staging"}, "view"), "source.jaffle_shop.raw.payments")
	add(model("models/intermediate/int_order_payments.sql", nil, "ephemeral"), stgOrders, stgPayments)
	add(model("models/marts/orders.sql", []string{"nightly", "finance"}, "table"), "model.jaffle_shop.int_order_payments")
	add(model("models/marts/customers.sql", []string{"nightly"}, "table"), orders, stgCustomers, "seed.jaffle_shop.country_codes")
	add(model("models/marts/finance/finance_summary.sql", []string{"finance"}, "incremental"), orders)
	calendar := model("models/calendar.sql", nil, "table")
	calendar.Config["enabled"] = []string{"True"}
	add(calendar, "seed.jaffle_shop.holidays")
	add(Node{ID: "model.audit.audit_log", Name: "audit_log", ResourceType: "model", Package: "audit",
		Path: "models/audit_log.sql", FQN: []string{"audit", "audit_log"}, Config: map[string][]string{"materialized": {"view"}}})
	add(test("not_null_stg_orders_order_id", "generic", "models/staging/schema.yml",
		[]string{"staging", "not_null_stg_orders_order_id"}, stgOrders), stgOrders)
	add(test("unique_customers_customer_id", "generic", "models/marts/schema.yml",
		[]string{"marts", "unique_customers_customer_id"}, customers), customers)
	add(test("relationships_orders_customer_id", "generic", "models/marts/schema.yml",
		[]string{"marts", "relationships_orders_customer_id"}, orders, customers), orders, customers)
	add(test("assert_positive_payments", "singular", "tests/assert_positive_payments.sql",
		[]string{"assert_positive_payments"}, stgPayments), stgPayments)
	add(test("test_orders_totals", "unit", "models/marts/unit_tests.yml",
		[]string{"marts", "orders", "test_orders_totals"}, orders), orders)
	return u
}

// short maps the fixture's ids to short names: sources as raw.<table>,
// everything else by name.
func short(u Universe, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		n := u.Nodes[id]
		if n.ResourceType == "source" {
			out = append(out, n.SourceName+"."+n.Name)
		} else {
			out = append(out, n.Name)
		}
	}
	slices.Sort(out)
	return out
}

// names sorts its arguments, for the want column.
func names(s ...string) []string {
	slices.Sort(s)
	return s
}

var (
	sources    = []string{"raw.customers", "raw.orders", "raw.payments"}
	seeds      = []string{"country_codes", "holidays"}
	models     = []string{"audit_log", "calendar", "customers", "finance_summary", "int_order_payments", "orders", "stg_customers", "stg_orders", "stg_payments"}
	dataTests  = []string{"assert_positive_payments", "not_null_stg_orders_order_id", "relationships_orders_customer_id", "unique_customers_customer_id"}
	unitTests  = []string{"test_orders_totals"}
	allNodes   = names(slices.Concat(sources, seeds, models, dataTests, unitTests)...)
	nonSources = names(slices.Concat(seeds, models, dataTests, unitTests)...)
)

func TestSelect(t *testing.T) {
	tests := []struct {
		name     string
		selects  []string
		excludes []string
		opts     Options
		want     []string
	}{
		// Default method: names and FQN.
		{name: "name", selects: []string{"stg_orders"}, want: names("stg_orders")},
		{name: "seed by name", selects: []string{"holidays"}, want: names("holidays")},
		{name: "bare wildcard matches nested names", selects: []string{"stg_*"}, want: names("stg_customers", "stg_orders", "stg_payments")},
		{name: "question mark and class", selects: []string{"[co]*s"}, want: names("customers", "orders", "country_codes")},
		{name: "star selects every non-source node", selects: []string{"*"}, want: nonSources},
		{name: "folder", selects: []string{"staging"}, want: names("stg_customers", "stg_orders", "stg_payments", "not_null_stg_orders_order_id")},
		{name: "package and folder", selects: []string{"jaffle_shop.marts"}, want: names("orders", "customers", "finance_summary", "unique_customers_customer_id", "relationships_orders_customer_id", "test_orders_totals")},
		{name: "sub-folder without package", selects: []string{"marts.finance"}, want: names("finance_summary")},
		{name: "fqn wildcard in last part", selects: []string{"jaffle_shop.staging.stg_o*"}, want: names("stg_orders")},
		{name: "fqn method with leading wildcard", selects: []string{"fqn:*.finance_summary"}, want: names("finance_summary")},
		{name: "package name as fqn", selects: []string{"audit"}, want: names("audit_log")},

		// Graph operators.
		{name: "ancestors", selects: []string{"+orders"}, want: names("orders", "int_order_payments", "stg_orders", "stg_payments", "raw.orders", "raw.payments")},
		{name: "descendants", selects: []string{"orders+"}, want: names("orders", "customers", "finance_summary", "relationships_orders_customer_id", "unique_customers_customer_id", "test_orders_totals")},
		{name: "ancestors two deep", selects: []string{"2+orders"}, want: names("orders", "int_order_payments", "stg_orders", "stg_payments")},
		{name: "parents only", selects: []string{"1+orders"}, want: names("orders", "int_order_payments")},
		{name: "children only", selects: []string{"stg_orders+1"}, want: names("stg_orders", "int_order_payments", "not_null_stg_orders_order_id")},
		{name: "both ways", selects: []string{"+int_order_payments+"}, want: names("int_order_payments", "stg_orders", "stg_payments", "raw.orders", "raw.payments", "orders", "customers", "finance_summary", "relationships_orders_customer_id", "unique_customers_customer_id", "test_orders_totals")},
		{name: "both ways with depths", selects: []string{"2+orders+1"}, want: names("orders", "int_order_payments", "stg_orders", "stg_payments", "customers", "finance_summary", "relationships_orders_customer_id", "test_orders_totals")},
		{name: "at: descendants and their ancestors", selects: []string{"@stg_customers"}, want: names("stg_customers", "customers", "unique_customers_customer_id", "relationships_orders_customer_id", "raw.customers", "orders", "int_order_payments", "stg_orders", "stg_payments", "raw.orders", "raw.payments", "country_codes")},
		{name: "depth zero adds nothing", selects: []string{"0+orders+0"}, want: names("orders")},

		// Methods.
		{name: "tag", selects: []string{"tag:nightly"}, want: names("orders", "customers")},
		{name: "tag wildcard", selects: []string{"tag:fin*"}, want: names("orders", "finance_summary")},
		{name: "tag selects sources", selects: []string{"tag:raw"}, want: sources},
		{name: "path directory", selects: []string{"path:models/staging"}, want: names("stg_customers", "stg_orders", "stg_payments", "not_null_stg_orders_order_id", "raw.customers", "raw.orders", "raw.payments")},
		{name: "path directory with slash", selects: []string{"path:models/staging/"}, want: names("stg_customers", "stg_orders", "stg_payments", "not_null_stg_orders_order_id", "raw.customers", "raw.orders", "raw.payments")},
		{name: "path file by default", selects: []string{"models/marts/orders.sql"}, want: names("orders")},
		{name: "path dot slash", selects: []string{"./models/marts/finance"}, want: names("finance_summary")},
		{name: "path glob in a segment", selects: []string{"path:models/*/stg_*.sql"}, want: names("stg_customers", "stg_orders", "stg_payments")},
		{name: "path double star", selects: []string{"path:models/**/*.sql"}, want: models},
		{name: "path of seeds", selects: []string{"path:seeds"}, want: seeds},
		{name: "seed folder", selects: []string{"lookups"}, want: names("country_codes")},
		{name: "file name by default", selects: []string{"stg_orders.sql"}, want: names("stg_orders")},
		{name: "seed file name", selects: []string{"country_codes.csv"}, want: names("country_codes")},
		{name: "file stem", selects: []string{"file:assert_positive_payments"}, want: names("assert_positive_payments")},
		{name: "file glob", selects: []string{"file:*.yml"}, want: names("raw.customers", "raw.orders", "raw.payments", "not_null_stg_orders_order_id", "unique_customers_customer_id", "relationships_orders_customer_id", "test_orders_totals")},
		{name: "config", selects: []string{"config.materialized:table"}, want: names("orders", "customers", "calendar")},
		{name: "config list value", selects: []string{"config.tags:finance"}, want: names("orders", "finance_summary")},
		{name: "config boolean ignores case", selects: []string{"config.enabled:true"}, want: names("calendar")},
		{name: "config severity ignores case", selects: []string{"config.severity:ERROR"}, want: names(slices.Concat(dataTests, unitTests)...)},
		{name: "source", selects: []string{"source:raw"}, want: sources},
		{name: "source table", selects: []string{"source:raw.orders"}, want: names("raw.orders")},
		{name: "source with package and wildcard", selects: []string{"source:jaffle_shop.raw.*o*"}, want: names("raw.orders", "raw.customers")},
		{name: "source descendants", selects: []string{"source:raw.orders+"}, want: names("raw.orders", "stg_orders", "int_order_payments", "orders", "customers", "finance_summary", "not_null_stg_orders_order_id", "relationships_orders_customer_id", "unique_customers_customer_id", "test_orders_totals")},
		{name: "resource type seed", selects: []string{"resource_type:seed"}, want: seeds},
		{name: "resource type source", selects: []string{"resource_type:source"}, want: sources},
		{name: "resource type test means data tests", selects: []string{"resource_type:test"}, want: dataTests},
		{name: "resource type unit test", selects: []string{"resource_type:unit_test"}, want: unitTests},
		{name: "test type generic", selects: []string{"test_type:generic"}, want: names("not_null_stg_orders_order_id", "relationships_orders_customer_id", "unique_customers_customer_id")},
		{name: "test type schema is generic", selects: []string{"test_type:schema"}, want: names("not_null_stg_orders_order_id", "relationships_orders_customer_id", "unique_customers_customer_id")},
		{name: "test type singular", selects: []string{"test_type:singular"}, want: names("assert_positive_payments")},
		{name: "test type data", selects: []string{"test_type:data"}, want: dataTests},
		{name: "test type unit", selects: []string{"test_type:unit"}, want: unitTests},
		{name: "package", selects: []string{"package:audit"}, want: names("audit_log")},
		{name: "package wildcard", selects: []string{"package:jaffle_*"}, want: names(slices.DeleteFunc(slices.Clone(allNodes), func(s string) bool { return s == "audit_log" })...)},

		// Set operations.
		{name: "no selects means everything", want: allNodes},
		{name: "union in one value", selects: []string{"stg_orders stg_customers"}, want: names("stg_orders", "stg_customers")},
		{name: "union across values", selects: []string{"stg_orders", "tag:nightly"}, want: names("stg_orders", "orders", "customers")},
		{name: "extra spaces", selects: []string{"  stg_orders \t stg_customers "}, want: names("stg_orders", "stg_customers")},
		{name: "intersection", selects: []string{"tag:nightly,config.materialized:table"}, want: names("orders", "customers")},
		{name: "intersection narrows", selects: []string{"tag:finance,config.materialized:table"}, want: names("orders")},
		{name: "intersection after graph operators", selects: []string{"+customers,tag:nightly"}, want: names("orders", "customers")},
		{name: "union of intersections", selects: []string{"tag:finance,config.materialized:table stg_orders"}, want: names("orders", "stg_orders")},
		{name: "exclude after graph operators", selects: []string{"+orders"}, excludes: []string{"stg_payments+"}, want: names("stg_orders", "raw.orders", "raw.payments")},
		{name: "exclude from everything", excludes: []string{"package:jaffle_shop"}, want: names("audit_log")},
		{name: "exclude union", selects: []string{"staging"}, excludes: []string{"stg_orders stg_customers"}, want: names("stg_payments")},

		// Indirect selection of tests.
		{name: "indirect tests of a model", selects: []string{"orders"}, opts: Options{IndirectTests: true}, want: names("orders", "relationships_orders_customer_id", "test_orders_totals")},
		{name: "indirect test with any parent selected", selects: []string{"customers"}, opts: Options{IndirectTests: true}, want: names("customers", "unique_customers_customer_id", "relationships_orders_customer_id")},
		{name: "indirect singular test", selects: []string{"stg_payments"}, opts: Options{IndirectTests: true}, want: names("stg_payments", "assert_positive_payments")},
		{name: "no indirect tests by default", selects: []string{"orders"}, want: names("orders")},
		{name: "indirect tests after graph operators", selects: []string{"+stg_orders"}, opts: Options{IndirectTests: true}, want: names("raw.orders", "stg_orders", "not_null_stg_orders_order_id")},
		{name: "tests of an excluded node are excluded", selects: []string{"orders customers"}, excludes: []string{"customers"}, opts: Options{IndirectTests: true}, want: names("orders", "test_orders_totals")},
		{name: "exclude drops attached tests without indirect selection", selects: []string{"orders+"}, excludes: []string{"customers"}, want: names("orders", "finance_summary", "test_orders_totals")},
		{name: "tests of a model by intersection", selects: []string{"resource_type:test,stg_orders"}, opts: Options{IndirectTests: true}, want: names("not_null_stg_orders_order_id")},

		// Resource types of the command.
		{name: "keep models", selects: []string{"+orders"}, opts: Options{ResourceTypes: []string{"model"}}, want: names("orders", "int_order_payments", "stg_orders", "stg_payments")},
		{name: "keep models and seeds of everything", opts: Options{ResourceTypes: []string{"model", "seed"}}, want: names(slices.Concat(models, seeds)...)},
		{name: "keep tests with indirect selection", selects: []string{"orders+"}, opts: Options{ResourceTypes: []string{"test"}, IndirectTests: true}, want: names("relationships_orders_customer_id", "unique_customers_customer_id", "test_orders_totals")},
		{name: "nothing of the kept type is not an error", selects: []string{"source:raw"}, opts: Options{ResourceTypes: []string{"model"}}, want: []string{}},
	}
	u := fixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(u, tt.selects, tt.excludes, tt.opts)
			if err != nil {
				t.Fatalf("Select(%q, %q) error: %v", tt.selects, tt.excludes, err)
			}
			if !slices.IsSorted(got) {
				t.Errorf("result not sorted: %q", got)
			}
			if diff := cmp.Diff(tt.want, short(u, got)); diff != "" {
				t.Errorf("Select(%q, %q) (-want +got):\n%s", tt.selects, tt.excludes, diff)
			}
		})
	}
}

func TestSelectErrors(t *testing.T) {
	tests := []struct {
		name     string
		selects  []string
		excludes []string
		opts     Options
		want     string // err.Error()
		hint     string
	}{
		{name: "misspelt name", selects: []string{"stg_ordrs"},
			want: `--select "stg_ordrs": no node matches "stg_ordrs"`, hint: `did you mean "stg_orders"?`},
		{name: "misspelt name with operators", selects: []string{"+stg_ordrs+"},
			want: `--select "+stg_ordrs+": no node matches "stg_ordrs"`, hint: `did you mean "stg_orders"?`},
		{name: "misspelt folder", selects: []string{"jaffle_shop.mart"},
			want: `--select "jaffle_shop.mart": no node matches "jaffle_shop.mart"`, hint: `did you mean "jaffle_shop.marts" or "jaffle_shop" or "jaffle_shop.marts.orders"?`},
		{name: "source table written as a model", selects: []string{"payments"},
			want: `--select "payments": no node matches "payments"`, hint: `did you mean "source:raw.payments"?`},
		{name: "wildcard matching nothing", selects: []string{"xyz_*"},
			want: `--select "xyz_*": no node matches "xyz_*"`, hint: "kiln ls --output name lists every node"},
		{name: "tag far from every tag", selects: []string{"tag:zzzzzz"},
			want: `--select "tag:zzzzzz": no node matches "tag:zzzzzz"`, hint: `the project has "finance", "lookup", "nightly", "raw" and "staging"`},
		{name: "misspelt in exclude", selects: []string{"orders"}, excludes: []string{"stg_ordrs"},
			want: `--exclude "stg_ordrs": no node matches "stg_ordrs"`, hint: `did you mean "stg_orders"?`},
		{name: "misspelt tag", selects: []string{"tag:nightyl"},
			want: `--select "tag:nightyl": no node matches "tag:nightyl"`, hint: `did you mean "nightly"?`},
		{name: "misspelt path", selects: []string{"path:models/stagin"},
			want: `--select "path:models/stagin": no node matches "path:models/stagin"`, hint: `did you mean "models/staging" or "models/staging/schema.yml" or "models/staging/sources.yml"?`},
		{name: "path not relative to the project", selects: []string{"staging/stg_orders.sql"},
			want: `--select "staging/stg_orders.sql": no node matches "staging/stg_orders.sql"`, hint: `did you mean "models/staging/stg_orders.sql"?`},
		{name: "absolute path", selects: []string{"path:/models"},
			want: `--select "path:/models": path "/models" must be relative to the project directory`},
		{name: "misspelt file", selects: []string{"stg_order.sql"},
			want: `--select "stg_order.sql": no node matches "stg_order.sql"`, hint: `did you mean "stg_orders.sql"?`},
		{name: "misspelt config key", selects: []string{"config.materialzed:table"},
			want: `--select "config.materialzed:table": no node matches "config.materialzed:table"`, hint: `did you mean "materialized"?`},
		{name: "misspelt config value", selects: []string{"config.materialized:tabel"},
			want: `--select "config.materialized:tabel": no node matches "config.materialized:tabel"`, hint: `did you mean "table"?`},
		{name: "config without key", selects: []string{"config:table"},
			want: `--select "config:table": selector method "config" needs a key`, hint: `write it as in "config.materialized:table"`},
		{name: "argument on another method", selects: []string{"tag.x:nightly"},
			want: `--select "tag.x:nightly": selector method "tag" takes no argument after a dot`},
		{name: "misspelt source", selects: []string{"source:raw.ordrs"},
			want: `--select "source:raw.ordrs": no node matches "source:raw.ordrs"`, hint: `did you mean "raw.orders"?`},
		{name: "source with too many parts", selects: []string{"source:a.b.c.d"},
			want: `--select "source:a.b.c.d": invalid source selector "a.b.c.d"`, hint: `write "source:name", "source:name.table" or "source:package.name.table"`},
		{name: "misspelt resource type", selects: []string{"resource_type:modle"},
			want: `--select "resource_type:modle": unknown resource type "modle"`, hint: `did you mean "model"?`},
		{name: "resource type kiln lacks", selects: []string{"resource_type:snapshot"},
			want: `--select "resource_type:snapshot": unknown resource type "snapshot"`, hint: `expected "model", "seed", "source", "test" or "unit_test"`},
		{name: "misspelt test type", selects: []string{"test_type:generc"},
			want: `--select "test_type:generc": unknown test type "generc"`, hint: `did you mean "generic"?`},
		{name: "misspelt package", selects: []string{"package:jaffle_shoop"},
			want: `--select "package:jaffle_shoop": no node matches "package:jaffle_shoop"`, hint: `did you mean "jaffle_shop"?`},
		{name: "misspelt method", selects: []string{"tagg:nightly"},
			want: `--select "tagg:nightly": unknown selector method "tagg"`, hint: `did you mean "tag"?`},
		{name: "unknown method", selects: []string{"colour:red"},
			want: `--select "colour:red": unknown selector method "colour"`,
			hint: `selector methods are "config", "file", "fqn", "package", "path", "resource_type", "result", "source", "state", "tag" and "test_type"`},
		{name: "state needs --state", selects: []string{"state:modified+"},
			want: `--select "state:modified+": selector method "state" needs --state DIR`,
			hint: `pass the directory of another run's manifest.json, e.g. --state prod-artifacts/`},
		{name: "result needs --state", selects: []string{"result:error"},
			want: `--select "result:error": selector method "result" needs --state DIR`,
			hint: `pass the directory of another run's manifest.json, e.g. --state prod-artifacts/`},
		{name: "dbt method kiln lacks", selects: []string{"exposure:weekly"},
			want: `--select "exposure:weekly": selector method "exposure" is not supported by kiln`,
			hint: `kiln's selector methods are "config", "file", "fqn", "package", "path", "resource_type", "result", "source", "state", "tag" and "test_type"`},
		{name: "at and plus", selects: []string{"@+orders"},
			want: `--select "@+orders": the "@" and "+" prefixes cannot be combined`, hint: `"@name" already selects the ancestors of name's descendants`},
		{name: "empty value", selects: []string{""},
			want: `--select "": empty selector`},
		{name: "blank value", selects: []string{"  "},
			want: `--select "  ": empty selector`},
		{name: "operators only", selects: []string{"+"},
			want: `--select "+": empty selector`},
		{name: "method without value", selects: []string{"tag:"},
			want: `--select "tag:": missing value after "tag:"`},
		{name: "empty part of an intersection", selects: []string{"orders,,tag:nightly"},
			want: `--select "orders,,tag:nightly": empty selector between commas`},
		{name: "depth out of range", selects: []string{"99999999999999999999+orders"},
			want: `--select "99999999999999999999+orders": depth 99999999999999999999 is too large`},
		{name: "empty intersection", selects: []string{"tag:nightly,config.materialized:view"},
			want: `--select "tag:nightly,config.materialized:view": no node matches every part of the intersection`,
			hint: "each part matches nodes on its own, but none in common"},
		{name: "intersection needs indirect tests", selects: []string{"resource_type:test,stg_orders"},
			want: `--select "resource_type:test,stg_orders": no node matches every part of the intersection`,
			hint: "each part matches nodes on its own, but none in common"},
	}
	u := fixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(u, tt.selects, tt.excludes, tt.opts)
			if err == nil {
				t.Fatalf("Select(%q, %q) = %q, want an error", tt.selects, tt.excludes, got)
			}
			if got != nil {
				t.Errorf("Select returned %q with its error, want nil", got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if diff := cmp.Diff(tt.want, e.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.hint, e.Hint); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectReportsEveryError(t *testing.T) {
	_, err := Select(fixture(), []string{"stg_ordrs orders", "tag:nightyl"}, []string{"bogus:x"}, Options{})
	want := strings.Join([]string{
		`--select "stg_ordrs": no node matches "stg_ordrs"`,
		`--select "tag:nightyl": no node matches "tag:nightyl"`,
		`--exclude "bogus:x": unknown selector method "bogus"`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want\n%s", err, want)
	}
}

func TestSelectWithoutGraph(t *testing.T) {
	u := fixture()
	u.Graph = nil
	got, err := Select(u, []string{"+orders+"}, nil, Options{IndirectTests: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names("orders", "relationships_orders_customer_id", "test_orders_totals"), short(u, got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A method whose values are a fixed list selects nothing without an error
// when no node has the value: a project without unit tests is not a typo.
func TestEnumeratedMethodsMayBeEmpty(t *testing.T) {
	u := Universe{Nodes: map[string]Node{
		"model.p.a": {ID: "model.p.a", Name: "a", ResourceType: "model", Package: "p", FQN: []string{"p", "a"}},
	}, Graph: dag.New[string]()}
	u.Graph.Add("model.p.a")
	for _, tt := range []struct{ selects, excludes []string }{
		{selects: []string{"test_type:unit"}},
		{selects: []string{"resource_type:unit_test"}},
		{selects: []string{"resource_type:seed"}},
		{excludes: []string{"test_type:unit"}},
	} {
		got, err := Select(u, tt.selects, tt.excludes, Options{})
		if err != nil {
			t.Errorf("Select(%q, %q): %v", tt.selects, tt.excludes, err)
		}
		if len(tt.excludes) > 0 && len(got) != 1 {
			t.Errorf("Select(%q, %q) = %q, want the model", tt.selects, tt.excludes, got)
		}
	}
}
