package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/dialects/postgres"
	"github.com/kiln-sql/kiln/internal/pgtest"
	"github.com/kiln-sql/kiln/models"
)

// mustExec runs statements, failing the test on the first error. %[1]s in
// a statement is the test's schema, quoted.
func mustExec(t *testing.T, q dialects.Querier, schema string, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		s = strings.ReplaceAll(s, "%[1]s", dialects.QuoteDouble(schema))
		if _, err := q.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestRelationsAndColumns(t *testing.T) {
	eng, db, schema := pgtest.Open(t)
	ctx := context.Background()
	mustExec(t, db, schema,
		`create table %[1]s.orders (id integer, amount numeric(10,2), note varchar(20), at timestamp)`,
		`alter table %[1]s.orders drop column note`,
		`create table %[1]s.events (id bigint, day date) partition by range (day)`,
		`create view %[1]s.big_orders as select id, amount from %[1]s.orders where amount > 100`,
		`create materialized view %[1]s.totals as select sum(amount) as total from %[1]s.orders`,
		`create sequence %[1]s.ids`,
	)
	got, err := eng.Relations(ctx, db, []string{schema, "no_such_schema"})
	if err != nil {
		t.Fatal(err)
	}
	rel := func(name string) models.Relation { return models.Relation{Schema: schema, Name: name} }
	want := []dialects.Existing{
		{Relation: rel("big_orders"), Kind: dialects.KindView},
		{Relation: rel("events"), Kind: dialects.KindTable},
		{Relation: rel("orders"), Kind: dialects.KindTable},
		{Relation: rel("totals"), Kind: dialects.KindMaterializedView},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Relations (-want +got):\n%s", diff)
	}

	cols, err := eng.Columns(ctx, db, rel("orders"))
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []dialects.Column{{Name: "id", Type: "integer"}, {Name: "amount", Type: "numeric(10,2)"}, {Name: "at", Type: "timestamp without time zone"}}
	if diff := cmp.Diff(wantCols, cols); diff != "" {
		t.Errorf("Columns(orders) (-want +got):\n%s", diff)
	}
	cols, err = eng.Columns(ctx, db, rel("totals"))
	if err != nil || len(cols) != 1 || cols[0].Name != "total" {
		t.Errorf("Columns(totals) = %v, %v; want the materialized view's one column", cols, err)
	}
	cols, err = eng.Columns(ctx, db, rel("missing"))
	if err != nil || len(cols) != 0 {
		t.Errorf("Columns(missing) = %v, %v; want none", cols, err)
	}
}

func TestColumnsOfTemporaryTable(t *testing.T) {
	eng, db, schema := pgtest.Open(t)
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// A permanent table of the same name must not be mistaken for it.
	mustExec(t, tx, schema,
		`create table %[1]s.t__kiln_new (other text)`,
		`set local search_path = %[1]s`,
		eng.CreateTableAs(models.Relation{Name: "t__kiln_new"}, "select 1 as id, 'x'::text as name", true),
	)
	cols, err := eng.Columns(ctx, tx, models.Relation{Name: "t__kiln_new"})
	if err != nil {
		t.Fatal(err)
	}
	want := []dialects.Column{{Name: "id", Type: "integer"}, {Name: "name", Type: "text"}}
	if diff := cmp.Diff(want, cols); diff != "" {
		t.Errorf("Columns of the temporary table (-want +got):\n%s", diff)
	}
	mustExec(t, tx, schema, eng.Drop(models.Relation{Name: "t__kiln_new"}, dialects.KindTable))
	if cols, _ := eng.Columns(ctx, tx, models.Relation{Schema: schema, Name: "t__kiln_new"}); len(cols) != 1 {
		t.Errorf("dropping the temporary table touched the permanent one: %v", cols)
	}
}

func TestComment(t *testing.T) {
	eng, db, schema := pgtest.Open(t)
	ctx := context.Background()
	rel := models.Relation{Schema: schema, Name: "m"}
	mustExec(t, db, schema, `create materialized view %[1]s.m as select 1 as id`)
	if c, err := eng.Comment(ctx, db, rel); c != "" || err != nil {
		t.Errorf("Comment before = %q, %v; want none", c, err)
	}
	mustExec(t, db, schema, eng.SetComment(rel, dialects.KindMaterializedView, "kiln:sha256:ab'c"))
	if c, err := eng.Comment(ctx, db, rel); c != "kiln:sha256:ab'c" || err != nil {
		t.Errorf("Comment = %q, %v", c, err)
	}
	if c, err := eng.Comment(ctx, db, models.Relation{Schema: schema, Name: "missing"}); c != "" || err != nil {
		t.Errorf("Comment of a missing relation = %q, %v", c, err)
	}
}

// catalogState describes the views of a schema as the catalog holds them:
// definition, comments, options, privileges and indexes, but not oids.
func catalogState(t *testing.T, db *sql.DB, schema string) []string {
	t.Helper()
	rows, err := db.Query(`select c.relname, c.relkind::text, pg_get_viewdef(c.oid, true),
	coalesce(obj_description(c.oid, 'pg_class'), ''),
	coalesce(array_to_string(c.reloptions, ','), ''),
	coalesce((select string_agg(pg_get_indexdef(i.indexrelid), '; ' order by 1) from pg_index i where i.indrelid = c.oid), ''),
	coalesce((select string_agg(a.attname || '=' || col_description(c.oid, a.attnum), ',' order by a.attnum)
	          from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and col_description(c.oid, a.attnum) is not null), ''),
	coalesce((select string_agg(x.privilege_type || ' to ' || x.grantee::regrole::text, ',' order by 2, 1)
	          from aclexplode(c.relacl) x where x.grantee <> c.relowner), '')
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('v', 'm')
order by 1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f [8]string
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(f[:], " | "))
	}
	return out
}

func TestDependentViews(t *testing.T) {
	eng, db, schema := pgtest.Open(t)
	ctx := context.Background()
	role := pgtest.Schema() // a fresh name, for a role to grant to
	if _, err := db.Exec("create role " + role); err != nil {
		t.Logf("no grants checked: %v", err)
		role = ""
	} else {
		t.Cleanup(func() { db.Exec("drop owned by " + role); db.Exec("drop role " + role) })
	}
	other := pgtest.Schema()
	mustExec(t, db, schema,
		`create table %[1]s.t (id int, amount numeric, kind text)`,
		`insert into %[1]s.t values (1, 10, 'a'), (2, 20, 'b')`,
		`create view %[1]s.v1 as select id, amount from %[1]s.t where kind = 'a'`,
		`create view %[1]s.v2 with (security_barrier = true) as select v1.id, t.kind from %[1]s.v1 join %[1]s.t using (id)`,
		`create materialized view %[1]s.m as select id, amount * 2 as doubled from %[1]s.v1`,
		`create unique index m_id on %[1]s.m (id)`,
		`comment on materialized view %[1]s.m is 'doubled amounts'`,
		`comment on column %[1]s.v2.kind is 'the kind'`,
		`create view %[1]s.v3 as select * from %[1]s.v2 where id > 0 with local check option`,
		`create view %[1]s.unrelated as select 1 as one`,
		`create schema `+other,
		`create view `+other+`.elsewhere as select count(*) as n from %[1]s.v1`,
	)
	t.Cleanup(func() { db.Exec("drop schema " + other + " cascade") })
	if role != "" {
		mustExec(t, db, schema, `grant select on %[1]s.v2 to `+role, `grant select, insert on %[1]s.v1 to `+role+` with grant option`)
	}

	deps, err := eng.DependentViews(ctx, db, models.Relation{Schema: schema, Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	pos := map[string]int{}
	for i, d := range deps {
		names = append(names, d.Relation.Name)
		pos[d.Relation.Name] = i
		if strings.HasSuffix(d.Definition, ";") {
			t.Errorf("definition of %s ends with a semicolon: %q", d.Relation, d.Definition)
		}
	}
	if len(deps) != 5 || slices.Contains(names, "unrelated") {
		t.Fatalf("DependentViews(t) = %v, want v1, v2, v3, m and elsewhere", names)
	}
	for _, edge := range [][2]string{{"v1", "v2"}, {"v2", "v3"}, {"v1", "m"}, {"v1", "elsewhere"}} {
		if pos[edge[0]] > pos[edge[1]] {
			t.Errorf("%s comes after %s, which reads it: %v", edge[0], edge[1], names)
		}
	}
	if m := deps[pos["m"]]; m.Kind != dialects.KindMaterializedView {
		t.Errorf("m is a %s", m.Kind)
	}
	if deps, err := eng.DependentViews(ctx, db, models.Relation{Schema: schema, Name: "v3"}); err != nil || len(deps) != 0 {
		t.Errorf("DependentViews(v3) = %v, %v; want none", deps, err)
	}
	if deps, err := eng.DependentViews(ctx, db, models.Relation{Schema: schema, Name: "missing"}); err != nil || len(deps) != 0 {
		t.Errorf("DependentViews(missing) = %v, %v; want none", deps, err)
	}

	// Replacing t by a new table with the views dropped and recreated from
	// what DependentViews returned leaves the catalog as it was.
	before := append(catalogState(t, db, schema), catalogState(t, db, other)...)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, d := range slices.Backward(deps) {
		mustExec(t, tx, schema, eng.Drop(d.Relation, d.Kind))
	}
	mustExec(t, tx, schema,
		`drop table %[1]s.t`,
		`create table %[1]s.t as select 3 as id, 30::numeric as amount, 'a'::text as kind`)
	for _, d := range deps {
		stmt := eng.CreateView(d.Relation, d.Definition, false)
		if d.Kind == dialects.KindMaterializedView {
			stmt = eng.CreateMaterializedView(d.Relation, d.Definition)
		}
		for _, s := range append([]string{stmt}, d.Restore...) {
			mustExec(t, tx, schema, s)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	after := append(catalogState(t, db, schema), catalogState(t, db, other)...)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("catalog after recreating the views (-before +after):\n%s", diff)
	}
	var doubled int
	if err := db.QueryRow(fmt.Sprintf("select doubled from %s.m", dialects.QuoteDouble(schema))).Scan(&doubled); err != nil || doubled != 60 {
		t.Errorf("m = %d, %v; want 60, from the new table", doubled, err)
	}
}

func TestDDLText(t *testing.T) {
	eng := postgres.New()
	tmp := models.Relation{Name: "orders__kiln_new"}
	dst := models.Relation{Schema: "analytics", Name: "orders"}
	tests := []struct{ name, got, want string }{
		{"temporary table", eng.CreateTableAs(tmp, "select 1", true), "create temporary table \"pg_temp\".\"orders__kiln_new\" as (\nselect 1\n)"},
		{"drop temporary", eng.Drop(tmp, dialects.KindTable), `drop table if exists "pg_temp"."orders__kiln_new"`},
		{"delete one key", eng.DeleteMatching(dst, tmp, []string{"id"}),
			"delete from \"analytics\".\"orders\"\nwhere \"id\" in (select \"id\" from \"pg_temp\".\"orders__kiln_new\")"},
		{"delete two keys", eng.DeleteMatching(dst, tmp, []string{"id", "day"}),
			"delete from \"analytics\".\"orders\"\nwhere (\"id\", \"day\") in (select \"id\", \"day\" from \"pg_temp\".\"orders__kiln_new\")"},
		{"comment", eng.SetComment(dst, dialects.KindMaterializedView, "it's"), `comment on materialized view "analytics"."orders" is 'it''s'`},
		{"truncate", eng.Truncate(dst), `truncate table "analytics"."orders"`},
		{"quote", eng.QuoteRelation(models.Relation{Schema: "A", Name: `we"ird`}), `"A"."we""ird"`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, tt.got, tt.want)
		}
	}
}
