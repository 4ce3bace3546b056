package compiler

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/models"
)

// testIndex is a relation index of a project on the target schema schema
// with a model stg_orders, a model orders in the custom schema "marts",
// and a source raw.payments in the schema "landing".
func testIndex(schema string) *relationIndex {
	mf := &Manifest{
		Metadata: ManifestMetadata{TargetSchema: schema},
		Nodes: map[string]ManifestNode{
			"model.p.stg_orders": {Relation: models.Relation{Schema: schema, Name: "stg_orders"}, Config: models.Config{Materialized: models.View}},
			"model.p.orders":     {Relation: models.Relation{Schema: schema + "_marts", Name: "orders"}, Config: models.Config{Materialized: models.Table}},
		},
		Sources: map[string]ManifestSource{
			"source.p.raw.payments": {Relation: models.Relation{Schema: "landing", Name: "payments"}},
		},
	}
	return newRelationIndex(mf)
}

func TestNormalizeSQLSame(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"whitespace", "select a,b from t where x=1", "select\n    a,\n    b\nfrom t\nwhere x = 1\n"},
		{"comments", "select a -- the id\nfrom t /* all rows */", "select a from t"},
		{"nested block comment", "select /* a /* b */ c */ 1", "select 1"},
		{"keyword case", "SELECT a FROM t WHERE a IS NOT NULL", "select a from t where a is not null"},
		{"final semicolon", "select 1;\n", "select 1"},
		{"crlf", "select a,\r\n  b\r\nfrom t", "select a, b from t"},
		{"target schema", `select * from "prod"."stg_orders"`, `select * from "dev"."stg_orders"`},
		{"custom schema", `select * from "prod_marts"."orders" o`, `select * from "dev_marts"."orders" o`},
		{"unquoted relation", `select * from prod.stg_orders`, `select * from "dev"."stg_orders"`},
		{"relation-qualified column", `select "prod"."stg_orders".id from "prod"."stg_orders"`, `select "dev"."stg_orders".id from "dev"."stg_orders"`},
		{"schema outside a ref", `select * from prod.lookup`, `select * from dev.lookup`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := normalizeSQL(tt.a, testIndex("prod")), normalizeSQL(tt.b, testIndex("dev"))
			if a != b {
				t.Errorf("normalised forms differ:\n%s\n%s", a, b)
			}
		})
	}
}

func TestNormalizeSQLDifferent(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"string literal spacing", "select 'a  b'", "select 'a b'"},
		{"comment marker inside a string", "select '--x' as c", "select '' as c"},
		{"string literal case", "select 'A'", "select 'a'"},
		{"quoted identifier case", `select "Amount" from t`, `select "amount" from t`},
		{"alias case", `select x as Amount from t`, `select x as amount from t`},
		{"dollar-quoted string", "select $$a  b$$", "select $$a b$$"},
		{"escaped quote", `select 'it''s'`, `select 'its'`},
		{"e-string", `select E'a\' b'`, `select E'a\' c'`},
		{"number", "select 1.0", "select 1.00"},
		{"operator", "select a <= b", "select a < b"},
		{"another relation", `select * from "prod"."stg_orders"`, `select * from "dev"."orders"`},
		{"another source schema", `select * from "landing"."payments"`, `select * from "landing2"."payments"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := normalizeSQL(tt.a, testIndex("prod")), normalizeSQL(tt.b, testIndex("prod"))
			if a == b {
				t.Errorf("normalised forms are equal: %s", a)
			}
		})
	}
}

func TestNormalizeSQLForm(t *testing.T) {
	got := normalizeSQL("SELECT a::INT,\n  'x -- y' AS \"Q\" -- c\nFROM \"prod\".\"stg_orders\" /* z */;", testIndex("prod"))
	want := `select a :: INT , 'x -- y' as "Q" from {{model.p.stg_orders}}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRewriteRelations(t *testing.T) {
	head := "select *\nfrom \"dev\".\"stg_orders\" -- \"dev\".\"stg_orders\" stays in comments\njoin \"dev_marts\".\"orders\" using (id)\njoin dev.lookup using (id)\nwhere s = '\"dev\".\"stg_orders\"'"
	names := map[string]string{"model.p.stg_orders": `"prod"."stg_orders"`, "model.p.orders": `"prod_marts"."orders"`}
	got := rewriteRelations(head, testIndex("dev"), names, "prod")
	want := "select *\nfrom \"prod\".\"stg_orders\" -- \"dev\".\"stg_orders\" stays in comments\njoin \"prod_marts\".\"orders\" using (id)\njoin prod.lookup using (id)\nwhere s = '\"dev\".\"stg_orders\"'"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCompareQueries(t *testing.T) {
	const base = `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`
	tests := []struct {
		name, head string
		want       []sqlReason
	}{
		{"column added", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total, c.email
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"column email added", false}}},
		{"column removed", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"column name removed", true}}},
		{"column expression changed", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, upper(c.name) as name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"column name changed", true}}},
		{"filter in a CTE", `with orders as (
    select id, customer_id, amount from src where status not in ('test', 'void')
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"WHERE changed (filter) in CTE orders", true}}},
		{"grain", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id, id
)
select c.id, c.name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"GROUP BY changed (grain) in CTE totals", true}}},
		{"join", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total
from customers c
inner join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"FROM/JOIN changed", true}}},
		{"order without limit", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.name`, []sqlReason{{"ORDER BY changed", false}}},
		{"new CTE and a join to it", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
),
regions as (select id, region from addresses)
select c.id, c.name, t.total, r.region
from customers c
left join totals t on t.customer_id = c.id
left join regions r on r.id = c.id
where c.active
order by c.id`, []sqlReason{{"FROM/JOIN changed", true}, {"column region added", false}, {"CTE regions added", false}}},
		{"subquery filter", `with orders as (
    select id, customer_id, amount from src where status <> 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active and c.id in (select id from vip where since > 2020)
order by c.id`, []sqlReason{{"WHERE changed (filter)", true}, {"subquery 1 added", false}}},
		{"is distinct from stays in the filter", `with orders as (
    select id, customer_id, amount from src where status is distinct from 'test'
),
totals as (
    select customer_id, sum(amount) as total from orders group by customer_id
)
select c.id, c.name, t.total
from customers c
left join totals t on t.customer_id = c.id
where c.active
order by c.id`, []sqlReason{{"WHERE changed (filter) in CTE orders", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compareQueries(normalTokens(base, nil), normalTokens(tt.head, nil))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(sqlReason{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectItemNames(t *testing.T) {
	got := []string{}
	for _, it := range selectItems(normalTokens(`a, t.b, "C", count(*) as n, sum(x) total, x::int as y, case when a then 1 end, *, t.*, 'lit' z, 1`, nil)) {
		got = append(got, it.name)
	}
	want := []string{"a", "b", "C", "n", "total", "y", "case when a then 1 end", "*", "t . *", "z", "1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
