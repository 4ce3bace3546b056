package materialize_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/dialects/postgres"
	"github.com/kiln-sql/kiln/materialize"
)

// shop writes a small project with every materialization: a seed, a view,
// an ephemeral model, a table, an incremental model, a materialized view
// with a unique key, and a table with hooks.
func shop(p *project) {
	p.write(
		"seeds/raw_orders.csv", "id,customer,amount,day\n1,ann,10.5,2024-01-01\n2,bob,20,2024-01-02\n3,ann,5,2024-01-03\n",
		"models/stg_orders.sql", `select id, customer, amount, day from {{ ref "raw_orders" }}`,
		"models/big_orders.sql", `{{ config "materialized" "ephemeral" }}
select * from {{ ref "stg_orders" }} where amount > 6`,
		"models/orders.sql", `{{ config "materialized" "table" }}
select id, customer, amount from {{ ref "big_orders" }}`,
		"models/orders_inc.sql", `{{ config "materialized" "incremental" "unique_key" "id" }}
select id, customer, amount from {{ ref "stg_orders" }}
{{ if is_incremental }}where id >= (select max(id) from {{ this }}){{ end }}`,
		"models/customer_totals.sql", `{{ config "materialized" "materialized_view" "unique_key" "customer" }}
select customer, sum(amount) as total from {{ ref "stg_orders" }} group by customer`,
		"models/hooked.sql", fmt.Sprintf("{{ config \"materialized\" \"table\" \"pre_hook\" `create table if not exists %[1]s.hook_log (n bigint)` \"post_hook\" `insert into %[1]s.hook_log select count(*) from %[2]s` }}\nselect 1 as id",
			p.engine.QuoteIdent(p.schema), p.rel("hooked")),
	)
}

func TestEveryMaterialization(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		shop(p)
		r := p.ok(runOptions{})
		mv := dialects.KindTable
		if p.postgres() {
			mv = dialects.KindMaterializedView
		}
		want := map[string]dialects.RelationKind{
			"raw_orders": dialects.KindTable, "stg_orders": dialects.KindView, "orders": dialects.KindTable,
			"orders_inc": dialects.KindTable, "customer_totals": mv, "hooked": dialects.KindTable, "hook_log": dialects.KindTable,
		}
		if diff := cmp.Diff(want, p.kinds()); diff != "" {
			t.Errorf("relations after the first run (-want +got):\n%s", diff)
		}
		if got := p.rows(`select id, customer from {s}.orders order by id`); !slices.Equal(got, []string{"1|ann", "2|bob"}) {
			t.Errorf("orders = %v", got)
		}
		if got := p.rows(`select customer, total from {s}.customer_totals order by 1`); !slices.Equal(got, []string{"ann|15.5", "bob|20"}) {
			t.Errorf("customer_totals = %v", got)
		}
		if r.results["big_orders"].Message != "ephemeral: inlined into the models that ref it" {
			t.Errorf("ephemeral: %q", r.results["big_orders"].Message)
		}
		notices := r.results["customer_totals"].Notices
		if p.postgres() != (len(notices) == 0) {
			t.Errorf("materialized view notices = %q", notices)
		}
		if p.postgres() && !r.ran("customer_totals", "create unique index", "customer_totals__kiln_uidx") {
			t.Errorf("no unique index for the materialized view:\n%s", strings.Join(r.results["customer_totals"].Statements, "\n"))
		}

		p.write("seeds/raw_orders.csv", "id,customer,amount,day\n1,ann,10.5,2024-01-01\n2,bob,20,2024-01-02\n3,ann,7,2024-01-03\n4,cy,1,2024-01-04\n")
		r = p.ok(runOptions{})
		if !r.results["orders_inc"].Step.Incremental {
			t.Error("the second run did not build orders_inc incrementally")
		}
		if got := p.rows(`select id, amount from {s}.orders_inc order by id`); !slices.Equal(got, []string{"1|10.5", "2|20", "3|7", "4|1"}) {
			t.Errorf("orders_inc = %v", got)
		}
		if got := p.rows(`select customer, total from {s}.customer_totals order by 1`); !slices.Equal(got, []string{"ann|17.5", "bob|20", "cy|1"}) {
			t.Errorf("customer_totals = %v", got)
		}
		if p.postgres() {
			if !r.ran("customer_totals", "refresh materialized view concurrently") || r.ran("customer_totals", "drop materialized view") {
				t.Errorf("unchanged materialized view not refreshed concurrently:\n%s", strings.Join(r.results["customer_totals"].Statements, "\n"))
			}
		}
		if got := p.rows(`select n from {s}.hook_log`); !slices.Equal(got, []string{"1", "1"}) {
			t.Errorf("hook_log = %v, want a row per run", got)
		}
	})
}

func TestMaterializedViewRebuiltWhenSQLChanges(t *testing.T) {
	p := newProject(t, "postgres")
	shop(p)
	p.ok(runOptions{})
	p.exec(`create view {s}.ann_total as select total from {s}.customer_totals where customer = 'ann'`)

	// Same SQL, no unique key: a plain refresh.
	p.write("models/customer_totals.sql", `{{ config "materialized" "materialized_view" }}
select customer, sum(amount) as total from {{ ref "stg_orders" }} group by customer`)
	r := p.ok(runOptions{})
	if !r.ran("customer_totals", "drop materialized view") {
		t.Error("dropping the unique key did not rebuild the view (its index would stay)")
	}
	r = p.ok(runOptions{})
	if !r.ran("customer_totals", "refresh materialized view") || r.ran("customer_totals", "concurrently") || r.ran("customer_totals", "drop") {
		t.Errorf("unchanged view without unique key:\n%s", strings.Join(r.results["customer_totals"].Statements, "\n"))
	}

	// New SQL: rebuilt, and the view that reads it survives.
	p.write("models/customer_totals.sql", `{{ config "materialized" "materialized_view" }}
select customer, sum(amount) * 2 as total from {{ ref "stg_orders" }} group by customer`)
	r = p.ok(runOptions{})
	if !r.ran("customer_totals", "drop materialized view") || r.results["customer_totals"].Message != "materialized view rebuilt" {
		t.Errorf("changed view not rebuilt:\n%s", strings.Join(r.results["customer_totals"].Statements, "\n"))
	}
	if got := p.rows(`select total from {s}.ann_total`); !slices.Equal(got, []string{"31"}) {
		t.Errorf("ann_total = %v, want the rebuilt view's 31", got)
	}
	r = p.ok(runOptions{})
	if r.results["customer_totals"].Message != "materialized view refreshed" {
		t.Errorf("second run after the change: %s", r.results["customer_totals"].Message)
	}
}

// incrementalCase is one incremental configuration; v2 of the source
// changes the last rows of v1 and adds new ones.
type incrementalCase struct {
	name   string
	config string
	filter string
	v2     string
}

const (
	sourceV1 = "id,part,v\n1,a,10\n2,a,20\n3,a,30\n"
	// v2 adds rows to v1 for append; for a key it also changes the last row
	// of v1, and for two keys it adds a row with the last id.
	sourceV2Append  = "id,part,v\n1,a,10\n2,a,20\n3,a,30\n4,a,40\n5,b,50\n"
	sourceV2OneKey  = "id,part,v\n1,a,10\n2,a,20\n3,a,33\n4,a,40\n5,b,50\n"
	sourceV2TwoKeys = "id,part,v\n1,a,10\n2,a,20\n3,a,33\n3,b,34\n4,a,40\n"
	fromLastID      = `where id >= (select max(id) from {{ this }})`
)

var incrementalCases = []incrementalCase{
	{"append", `"incremental_strategy" "append"`, `where id > (select max(id) from {{ this }})`, sourceV2Append},
	{"merge one key", `"incremental_strategy" "merge" "unique_key" "id"`, fromLastID, sourceV2OneKey},
	{"merge two keys", `"unique_key" (list "id" "part")`, fromLastID, sourceV2TwoKeys},
	{"delete+insert one key", `"incremental_strategy" "delete+insert" "unique_key" "id"`, fromLastID, sourceV2OneKey},
	{"delete+insert two keys", `"incremental_strategy" "delete+insert" "unique_key" (list "id" "part")`, fromLastID, sourceV2TwoKeys},
}

func TestIncrementalMatchesFullRefresh(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		cases := incrementalCases
		if p.postgres() {
			cases = append(cases, incrementalCase{"merge on PostgreSQL 14", `"unique_key" (list "id" "part")`, fromLastID, sourceV2TwoKeys})
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if pg, ok := p.engine.(*postgres.Engine); ok && c.name == "merge on PostgreSQL 14" {
					v := pg.ServerVersion()
					pg.SetServerVersion(140000)
					defer pg.SetServerVersion(v)
				}
				src, model := fmt.Sprintf("src_%d", i), fmt.Sprintf("inc_%d", i)
				p.write("models/"+model+".sql", fmt.Sprintf(`{{ config "materialized" "incremental" %s }}
select id, part, v from {{ ref %q }}
{{ if is_incremental }}%s{{ end }}`, c.config, src, c.filter))
				dump := func() []string { return p.rows(`select id, part, v from ` + p.rel(model) + ` order by 1, 2, 3`) }

				p.write("seeds/"+src+".csv", sourceV1)
				p.ok(runOptions{})
				p.write("seeds/"+src+".csv", c.v2)
				r := p.ok(runOptions{})
				if !r.results[model].Step.Incremental {
					t.Fatal("second run was not incremental")
				}
				strategy := r.results[model].Message
				switch {
				case c.name == "merge on PostgreSQL 14":
					if strategy != "incremental: delete+insert" || r.ran(model, "merge into") {
						t.Errorf("PostgreSQL 14 ran %s:\n%s", strategy, strings.Join(r.results[model].Statements, "\n"))
					}
				case strings.HasPrefix(c.name, "merge"):
					if !r.ran(model, "merge into") {
						t.Errorf("no merge statement:\n%s", strings.Join(r.results[model].Statements, "\n"))
					}
				case strings.HasPrefix(c.name, "delete+insert"):
					if !r.ran(model, "delete from") {
						t.Errorf("no delete statement:\n%s", strings.Join(r.results[model].Statements, "\n"))
					}
				}
				incremental := dump()
				p.ok(runOptions{})
				if again := dump(); !slices.Equal(again, incremental) {
					t.Errorf("a second incremental run changed the table:\n%v\nthen\n%v", incremental, again)
				}
				p.ok(runOptions{fullRefresh: true})
				if full := dump(); !slices.Equal(full, incremental) {
					t.Errorf("incremental result differs from a full refresh:\nincremental %v\nfull        %v", incremental, full)
				}
				p.remove("models/"+model+".sql", "seeds/"+src+".csv")
			})
		}
	})
}

func TestOnSchemaChange(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		for _, policy := range []string{"ignore", "append_new_columns", "fail"} {
			t.Run(policy, func(t *testing.T) {
				model := "osc_" + policy
				src := "osc_src_" + policy
				write := func(extra string) {
					p.write("models/"+model+".sql", fmt.Sprintf(`{{ config "materialized" "incremental" "on_schema_change" %q }}
select id, v%s from {{ ref %q }}
{{ if is_incremental }}where id > (select max(id) from {{ this }}){{ end }}`, policy, extra, src),
						"models/"+model+"_view.sql", fmt.Sprintf(`select id from {{ ref %q }}`, model))
				}
				p.write("seeds/"+src+".csv", "id,v\n1,10\n2,20\n")
				write("")
				p.ok(runOptions{})
				p.write("seeds/"+src+".csv", "id,v\n1,10\n2,20\n3,30\n")
				write(", v * 10 as w")
				r := p.run(runOptions{})
				rows := p.rows(`select * from ` + p.rel(model) + ` order by id`)
				switch policy {
				case "ignore":
					r.expect(materialize.StatusSuccess)
					if cols := p.columns(model); !slices.Equal(cols, []string{"id", "v"}) || len(rows) != 3 {
						t.Errorf("columns %v, rows %v; want id, v and 3 rows", cols, rows)
					}
				case "append_new_columns":
					r.expect(materialize.StatusSuccess)
					if !slices.Equal(rows, []string{"1|10|NULL", "2|20|NULL", "3|30|300"}) {
						t.Errorf("rows = %v", rows)
					}
				case "fail":
					r.expect(materialize.StatusError, model)
					r.expect(materialize.StatusSkipped, model+"_view")
					if msg := r.results[model].Message; !strings.Contains(msg, "added: w") || !strings.Contains(msg, "--full-refresh") {
						t.Errorf("message = %q", msg)
					}
					if !slices.Equal(rows, []string{"1|10", "2|20"}) {
						t.Errorf("failed run changed the table: %v", rows)
					}
					p.ok(runOptions{fullRefresh: true})
					if got := p.rows(`select * from ` + p.rel(model) + ` order by id`); !slices.Equal(got, []string{"1|10|100", "2|20|200", "3|30|300"}) {
						t.Errorf("after --full-refresh: %v", got)
					}
				}
				p.remove("models/"+model+".sql", "models/"+model+"_view.sql", "seeds/"+src+".csv")
			})
		}
	})
}

// A column whose type changes is a schema change for on_schema_change:
// fail, as dbt does, rather than casting 0.7 to 1.
func TestOnSchemaChangeFailsOnRetypedColumn(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		model := func(v string) {
			p.write("models/retyped.sql", `{{ config "materialized" "incremental" "unique_key" "id" "on_schema_change" "fail" }}
select 1 as id, `+v+` as v`)
		}
		model("1")
		p.ok(runOptions{})
		model("1.7")
		r := p.run(runOptions{})
		r.expect(materialize.StatusError, "retyped")
		if msg := r.results["retyped"].Message; !strings.Contains(msg, "retyped: v ") {
			t.Errorf("message = %q", msg)
		}
	})
}

// New rows that repeat a unique_key fail a merge instead of doubling rows.
func TestMergeRefusesRepeatedKeys(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		model := func(rows string) {
			p.write("models/dups.sql", `{{ config "materialized" "incremental" "unique_key" "id" }}
select id, v from (`+rows+`) as t(id, v)`)
		}
		model("values (0, 1), (1, 1)")
		p.ok(runOptions{})
		model("values (0, 2), (0, 2), (1, 3)")
		r := p.run(runOptions{})
		r.expect(materialize.StatusError, "dups")
		if msg := r.results["dups"].Message; !strings.Contains(msg, "the new rows repeat 1 value of unique_key id") {
			t.Errorf("message = %q", msg)
		}
		if got := p.rows(`select id, v from ` + p.rel("dups") + ` order by id`); !slices.Equal(got, []string{"0|1", "1|1"}) {
			t.Errorf("the failed merge changed the table: %v", got)
		}
		// delete+insert replaces every row of a key, as a partition: allowed.
		p.write("models/dups.sql", `{{ config "materialized" "incremental" "unique_key" "id" "incremental_strategy" "delete+insert" }}
select id, v from (values (0, 2), (0, 2), (1, 3)) as t(id, v)`)
		p.ok(runOptions{})
		if got := p.rows(`select id, v from ` + p.rel("dups") + ` order by id, v`); !slices.Equal(got, []string{"0|2", "0|2", "1|3"}) {
			t.Errorf("delete+insert: %v", got)
		}
	})
}

func TestFailureLeavesOldRelations(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write(
			"models/a.sql", `{{ config "materialized" "table" }} select 1 as id`,
			"models/b.sql", `{{ config "materialized" "table" }} select id, 'old' as version from {{ ref "a" }}`,
			"models/c.sql", `select * from {{ ref "b" }}`,
			"models/d.sql", `{{ config "materialized" "table" }} select 'd' as name`,
			"models/e.sql", `{{ config "materialized" "table" }} select 'old' as version`,
			"models/f.sql", `{{ config "materialized" "incremental" "unique_key" "id" }} select id, 'old' as version from {{ ref "a" }}`,
		)
		p.ok(runOptions{})
		p.write(
			"models/b.sql", `{{ config "materialized" "table" }} select id, no_such_column from {{ ref "a" }}`,
			"models/e.sql", `{{ config "materialized" "table" "post_hook" "select * from no_such_table" }} select 'new' as version`,
			"models/f.sql", `{{ config "materialized" "incremental" "unique_key" "id" }} select id, 'new' as version, 1/0 as boom from {{ ref "a" }}`,
		)
		r := p.run(runOptions{})
		r.expect(materialize.StatusSuccess, "a", "d")
		r.expect(materialize.StatusError, "b", "e")
		r.expect(materialize.StatusSkipped, "c")
		if msg := r.results["c"].Message; msg != "skipped: depends on b, which failed" {
			t.Errorf("c: %q", msg)
		}
		if got := p.rows(`select version from {s}.c`); !slices.Equal(got, []string{"old"}) {
			t.Errorf("c reads %v, want the old b", got)
		}
		if got := p.rows(`select version from {s}.e`); !slices.Equal(got, []string{"old"}) {
			t.Errorf("e = %v, want the old table after its post_hook failed", got)
		}
		if r.results["f"].Status == materialize.StatusError { // DuckDB divides by zero into NULL
			if got := p.rows(`select version from {s}.f`); !slices.Equal(got, []string{"old"}) {
				t.Errorf("f = %v, want the old rows", got)
			}
		}
		for name := range p.kinds() {
			if strings.Contains(name, "__kiln") {
				t.Errorf("a failed run left %s behind", name)
			}
		}
	})
}

func TestDependentViewsSurviveTableSwap(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write("models/t.sql", `{{ config "materialized" "table" }} select 1 as id, 10 as v`)
		p.ok(runOptions{})
		p.exec(
			`create view {s}.v1 as select id, v from {s}.t`,
			`create view {s}.v2 as select sum(v) as total from {s}.v1`,
		)
		if p.postgres() {
			p.exec(
				`create materialized view {s}.mv as select id, v * 2 as doubled from {s}.v1`,
				`create unique index mv_id on {s}.mv (id)`,
				`comment on view {s}.v2 is 'the total'`,
			)
		}
		p.write("models/t.sql", `{{ config "materialized" "table" }} select 2 as id, 20 as v union all select 3, 30`)
		r := p.ok(runOptions{})
		if got := p.rows(`select total from {s}.v2`); !slices.Equal(got, []string{"50"}) {
			t.Errorf("v2 = %v, want the new table's 50", got)
		}
		if p.postgres() {
			if !r.ran("t", `drop view if exists`, `"v2"`) || r.ran("t", "cascade") {
				t.Errorf("statements:\n%s", strings.Join(r.results["t"].Statements, "\n"))
			}
			if got := p.rows(`select doubled from {s}.mv order by 1`); !slices.Equal(got, []string{"40", "60"}) {
				t.Errorf("mv = %v", got)
			}
			if got := p.rows(`select obj_description('{s}.v2'::regclass, 'pg_class'), (select count(*) from pg_indexes where schemaname = '` + p.schema + `' and indexname = 'mv_id')`); !slices.Equal(got, []string{"the total|1"}) {
				t.Errorf("comment and index after the swap: %v", got)
			}
		}
		// A new column: the table is swapped again and the views still read it.
		p.write("models/t.sql", `{{ config "materialized" "table" }} select 4 as id, 40 as v, 'x' as extra`)
		p.ok(runOptions{})
		if got := p.rows(`select total from {s}.v2`); !slices.Equal(got, []string{"40"}) {
			t.Errorf("v2 = %v, want 40", got)
		}
		// A column the views read is gone: the model fails and nothing changes.
		p.write("models/t.sql", `{{ config "materialized" "table" }} select 5 as id`)
		r = p.run(runOptions{})
		if p.postgres() {
			r.expect(materialize.StatusError, "t")
			if got := p.rows(`select total from {s}.v2`); !slices.Equal(got, []string{"40"}) {
				t.Errorf("v2 = %v after a failed swap, want 40", got)
			}
		}
	})
}

// Tables swapped at once that one view reads both (each swap recreates the
// view) must not fail: on PostgreSQL they deadlocked, or read a catalog row
// the other had just dropped, most runs with 4 threads.
func TestParallelSwapsShareADependentView(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write(
			"models/ta.sql", `{{ config "materialized" "table" }} select 1 as id`,
			"models/tb.sql", `{{ config "materialized" "table" }} select 1 as id`,
			"models/tc.sql", `{{ config "materialized" "table" }} select 1 as id`,
			"models/v_abc.sql", `select a.id from {{ ref "ta" }} a join {{ ref "tb" }} b using (id) join {{ ref "tc" }} c using (id)`,
		)
		for range 8 {
			p.ok(runOptions{})
		}
		if got := p.rows(`select count(*) from {s}.v_abc`); !slices.Equal(got, []string{"1"}) {
			t.Errorf("v_abc = %v", got)
		}
	})
}

func TestViewColumnsChange(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write("models/vm.sql", `select 1 as id, 10 as v, 'a' as label`)
		p.ok(runOptions{})
		p.exec(`create view {s}.dep as select id, v from {s}.vm`)
		var before int64
		if p.postgres() {
			before = p.oid("dep")
		}

		// A new last column: create or replace keeps the dependent view.
		p.write("models/vm.sql", `select 1 as id, 10 as v, 'a' as label, true as flag`)
		r := p.ok(runOptions{})
		if p.postgres() {
			if p.oid("dep") != before || r.ran("vm", "drop view") {
				t.Errorf("adding a column recreated the dependent view:\n%s", strings.Join(r.results["vm"].Statements, "\n"))
			}
		}
		// A dropped and a retyped column: dropped and recreated, with dep.
		p.write("models/vm.sql", `select 2 as id, 'twenty' as v`)
		r = p.ok(runOptions{})
		if got := p.rows(`select id, v from {s}.dep`); !slices.Equal(got, []string{"2|twenty"}) {
			t.Errorf("dep = %v", got)
		}
		if cols := p.columns("vm"); !slices.Equal(cols, []string{"id", "v"}) {
			t.Errorf("vm columns = %v", cols)
		}
		if p.postgres() && (!r.ran("vm", "rollback to savepoint") || !r.ran("vm", `drop view if exists`, `"dep"`)) {
			t.Errorf("statements:\n%s", strings.Join(r.results["vm"].Statements, "\n"))
		}
		// A view where a table was, and back.
		p.write("models/vm.sql", `{{ config "materialized" "table" }} select 3 as id, 'thirty' as v`)
		p.ok(runOptions{})
		p.write("models/vm.sql", `select 4 as id, 'forty' as v`)
		p.ok(runOptions{})
		if got := p.rows(`select id, v from {s}.dep`); !slices.Equal(got, []string{"4|forty"}) {
			t.Errorf("dep = %v", got)
		}
		if k := p.kinds()["vm"]; k != dialects.KindView {
			t.Errorf("vm is a %s", k)
		}
	})
}

func TestSeedReload(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write("seeds/people.csv", "id,name\n1,ann\n2,bob\n")
		p.ok(runOptions{})
		p.exec(`create view {s}.people_names as select name from {s}.people`)
		var before int64
		if p.postgres() {
			before = p.oid("people")
		}

		p.write("seeds/people.csv", "id,name\n1,ann\n2,bob\n3,cy\n")
		r := p.ok(runOptions{})
		if got := p.rows(`select name from {s}.people_names order by 1`); !slices.Equal(got, []string{"ann", "bob", "cy"}) {
			t.Errorf("people_names = %v", got)
		}
		if r.results["people"].RowsAffected != 3 {
			t.Errorf("rows affected = %d, want 3", r.results["people"].RowsAffected)
		}
		if p.postgres() {
			if p.oid("people") != before || !r.ran("people", "truncate table") {
				t.Errorf("same columns: the table was not truncated and refilled:\n%s", strings.Join(r.results["people"].Statements, "\n"))
			}
		}

		// Other columns: swapped, and the view recreated.
		p.write("seeds/people.csv", "id,name,age\n1,ann,30\n")
		r = p.ok(runOptions{})
		if got := p.rows(`select name from {s}.people_names`); !slices.Equal(got, []string{"ann"}) {
			t.Errorf("people_names = %v", got)
		}
		if cols := p.columns("people"); !slices.Equal(cols, []string{"id", "name", "age"}) {
			t.Errorf("people columns = %v", cols)
		}
		if p.postgres() && (p.oid("people") == before || r.ran("people", "truncate")) {
			t.Errorf("changed columns: the table was not swapped:\n%s", strings.Join(r.results["people"].Statements, "\n"))
		}
	})
}

func TestCancelKeepsOldRelation(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		slow := `select 1 as id from (select count(*) as c from range(1000000) a, range(1000000) b where a.range * b.range = -1) s`
		if p.postgres() {
			slow = `select 1 as id from (select pg_sleep(10)) s`
		}
		p.write("models/slow.sql", `{{ config "materialized" "table" }}
{{ if eq (var "slow" "no") "yes" }}`+slow+`{{ else }}select 0 as id{{ end }}`,
			"models/after.sql", `select * from {{ ref "slow" }}`)
		p.ok(runOptions{})

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { time.Sleep(500 * time.Millisecond); cancel() }()
		start := time.Now()
		r := p.run(runOptions{ctx: ctx, vars: map[string]any{"slow": "yes"}})
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the run took %v after being cancelled", d)
		}
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", r.err)
		}
		r.expect(materialize.StatusError, "slow")
		r.expect(materialize.StatusSkipped, "after")
		if msg := r.results["slow"].Message; !strings.HasPrefix(msg, "cancelled: ") {
			t.Errorf("message = %q", msg)
		}
		if got := p.rows(`select id from {s}.slow`); !slices.Equal(got, []string{"0"}) {
			t.Errorf("slow = %v, want the old table", got)
		}
		for name := range p.kinds() {
			if strings.Contains(name, "__kiln") {
				t.Errorf("the cancelled run left %s behind", name)
			}
		}
	})
}

func TestStatements(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		shop(p)
		p.exec(`create table {s}.dep_src (id int)`) // a relation kiln does not manage
		statements := func() map[string]string {
			_, plan, x := p.plan(runOptions{})
			out := map[string]string{}
			for _, st := range plan.Steps {
				stmts, err := x.Statements(context.Background(), st)
				if err != nil {
					t.Fatalf("%s: %v", st.Name, err)
				}
				out[st.Name] = strings.Join(stmts, ";\n")
			}
			return out
		}
		before := p.kinds()
		first := statements()
		if diff := cmp.Diff(before, p.kinds()); diff != "" {
			t.Errorf("Statements changed the database (-before +after):\n%s", diff)
		}
		mustHave := map[string][]string{
			"raw_orders":      {"-- load seeds/raw_orders.csv into", `rename to "raw_orders"`},
			"stg_orders":      {"create view"},
			"orders":          {`create table ` + p.rel("orders__kiln_tmp"), `rename to "orders"`},
			"orders_inc":      {`create table ` + p.rel("orders_inc__kiln_tmp")},
			"customer_totals": {"customer_totals"},
			"hooked":          {"create table if not exists", "insert into"},
			"big_orders":      {},
		}
		if p.postgres() {
			mustHave["customer_totals"] = []string{"create materialized view", "comment on materialized view", "kiln:sha256:", "create unique index"}
		}
		for name, parts := range mustHave {
			for _, part := range parts {
				if !strings.Contains(first[name], part) {
					t.Errorf("%s before the first run: no %q in\n%s", name, part, first[name])
				}
			}
		}

		p.ok(runOptions{})
		p.exec(`create view {s}.reader as select * from {s}.orders`)
		second := statements()
		mustHave = map[string][]string{
			"raw_orders": {"-- load seeds/raw_orders.csv into"},
			"stg_orders": {"create or replace view"},
			"orders":     {`rename to "orders"`},
			"orders_inc": {"-- the columns written are those of the new rows", "merge into"},
		}
		if p.postgres() {
			mustHave["raw_orders"] = append(mustHave["raw_orders"], "truncate table", "insert into")
			mustHave["stg_orders"] = append(mustHave["stg_orders"], "savepoint")
			mustHave["orders"] = append(mustHave["orders"], `drop view if exists `+p.rel("reader"), `create view `+p.rel("reader"))
			mustHave["customer_totals"] = []string{"refresh materialized view concurrently"}
		}
		for name, parts := range mustHave {
			for _, part := range parts {
				if !strings.Contains(second[name], part) {
					t.Errorf("%s before the second run: no %q in\n%s", name, part, second[name])
				}
			}
		}
		// Without a database, what depends on the catalog is a comment.
		_, plan, x := p.plan(runOptions{})
		x.DB = nil
		for _, st := range plan.Steps {
			if _, err := x.Statements(context.Background(), st); err != nil {
				t.Errorf("%s without a database: %v", st.Name, err)
			}
		}
	})
}

// TestViewChainRename renames a column through two view models and a
// materialized view model in one run: the upstream view's replacement
// cannot recreate the downstream ones from their old definitions, so it
// creates them from their models.
func TestViewChainRename(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		p.write(
			"models/stg.sql", `select 1 as id, 'a' as old_name, 10 as dropped`,
			"models/mart.sql", `select id, old_name from {{ ref "stg" }}`,
			"models/mart_mv.sql", `{{ config "materialized" "materialized_view" "unique_key" "old_name" }} select id, old_name from {{ ref "mart" }}`,
		)
		p.ok(runOptions{})
		p.exec(`create view {s}.report as select id from {s}.mart`)
		p.write(
			"models/stg.sql", `select 1 as id, 'b' as new_name`,
			"models/mart.sql", `select id, new_name from {{ ref "stg" }}`,
			"models/mart_mv.sql", `{{ config "materialized" "materialized_view" "unique_key" "new_name" }} select id, new_name from {{ ref "mart" }}`,
		)
		r := p.ok(runOptions{})
		if got := p.rows(`select id, new_name from {s}.mart_mv`); !slices.Equal(got, []string{"1|b"}) {
			t.Errorf("mart_mv = %v", got)
		}
		if got := p.rows(`select id from {s}.report`); !slices.Equal(got, []string{"1"}) {
			t.Errorf("report = %v", got)
		}
		if p.postgres() {
			if !r.ran("stg", "creating it from model mart") || !r.ran("stg", "not restored", "old_name") {
				t.Errorf("stg statements:\n%s", strings.Join(r.results["stg"].Statements, "\n"))
			}
			if got := p.rows(`select indexdef from pg_indexes where schemaname = '` + p.schema + `' and tablename = 'mart_mv'`); len(got) != 1 || !strings.Contains(got[0], "(new_name)") {
				t.Errorf("indexes of mart_mv = %v, want the new unique key's", got)
			}
		}
	})
}
