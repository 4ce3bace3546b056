package materialize_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/dialects/postgres"
	"github.com/kiln-sql/kiln/internal/pgtest"
	"github.com/kiln-sql/kiln/materialize"
	"github.com/kiln-sql/kiln/models"
)

// project is a kiln project in a temporary directory with a database to
// run it on: an embedded DuckDB file, or a fresh schema on the PostgreSQL
// server of KILN_TEST_PG_DSN.
type project struct {
	t      *testing.T
	engine dialects.Engine
	db     *sql.DB
	dir    string
	schema string
}

// engineNames are the engines every materialization test runs on.
var engineNames = []string{"duckdb", "postgres"}

// onEachEngine runs f as a subtest per engine, each with a new project.
func onEachEngine(t *testing.T, f func(t *testing.T, p *project)) {
	for _, name := range engineNames {
		t.Run(name, func(t *testing.T) { f(t, newProject(t, name)) })
	}
}

// newProject writes kiln.yml for the engine and opens its database.
func newProject(t *testing.T, engine string) *project {
	t.Helper()
	p := &project{t: t, dir: t.TempDir()}
	var target string
	switch engine {
	case "duckdb":
		p.schema = "main"
		eng := duckdb.New()
		db, err := eng.Open(context.Background(), p.dir, models.Target{Name: "dev", Type: "duckdb", Path: "target/dev.duckdb"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		p.engine, p.db = eng, db
		target = "{ type: duckdb, path: target/dev.duckdb, schema: main, threads: 4 }"
	case "postgres":
		p.engine, p.db, p.schema = pgtest.Open(t)
		target = fmt.Sprintf(`{ type: postgres, dsn: "${env:%s}", schema: %s, threads: 4 }`, pgtest.DSNVar, p.schema)
	}
	p.write("kiln.yml", fmt.Sprintf("name: shop\nprofile:\n  target: dev\n  targets:\n    dev: %s\n", target))
	return p
}

// write writes files into the project: name, text, name, text, …
func (p *project) write(nameText ...string) {
	p.t.Helper()
	for i := 0; i < len(nameText); i += 2 {
		path := filepath.Join(p.dir, filepath.FromSlash(nameText[i]))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			p.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(nameText[i+1]), 0o644); err != nil {
			p.t.Fatal(err)
		}
	}
}

// remove deletes files from the project.
func (p *project) remove(names ...string) {
	p.t.Helper()
	for _, n := range names {
		if err := os.Remove(filepath.Join(p.dir, filepath.FromSlash(n))); err != nil {
			p.t.Fatal(err)
		}
	}
}

// runOptions steer one run.
type runOptions struct {
	fullRefresh bool
	vars        map[string]any
	ctx         context.Context
}

// run is one kiln run: its results by node name and Run's error.
type run struct {
	p       *project
	results map[string]*materialize.NodeResult
	err     error
}

// compile compiles the project, failing the test on any diagnostic.
func (p *project) compile(vars map[string]any) *compiler.Result {
	p.t.Helper()
	res, err := compiler.Compile(compiler.Options{Dir: p.dir, Vars: vars,
		Dialects: map[string]compiler.Dialect{"duckdb": duckdb.New(), "postgres": postgres.New()}})
	if err != nil {
		p.t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		p.t.Fatalf("compile:\n%v", res.Diagnostics)
	}
	return res
}

// plan compiles the project and plans a run of every model and seed.
func (p *project) plan(o runOptions) (*compiler.Result, *materialize.Plan, *materialize.Executor) {
	p.t.Helper()
	res := p.compile(o.vars)
	ctx := context.Background()
	existing, err := p.engine.Relations(ctx, p.db, materialize.Schemas(res.Project))
	if err != nil {
		p.t.Fatal(err)
	}
	opts := materialize.Options{Threads: 4, FullRefresh: o.fullRefresh, ProjectDir: p.dir}
	plan, err := materialize.NewPlan(res, res.Graph.Vertices(), existing, opts)
	if err != nil {
		p.t.Fatal(err)
	}
	return res, plan, &materialize.Executor{Engine: p.engine, DB: p.db, Compiled: res, Options: opts}
}

// run compiles the project and runs every model and seed.
func (p *project) run(o runOptions) *run {
	p.t.Helper()
	_, plan, x := p.plan(o)
	ctx := o.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	results, err := x.Run(ctx, plan)
	r := &run{p: p, results: map[string]*materialize.NodeResult{}, err: err}
	for _, res := range results {
		r.results[res.Step.Name] = res
	}
	return r
}

// ok runs the project and fails the test unless every step succeeded.
func (p *project) ok(o runOptions) *run {
	p.t.Helper()
	r := p.run(o)
	r.expect(materialize.StatusSuccess)
	return r
}

// expect fails the test unless every named step (all of them when none is
// named) has the status.
func (r *run) expect(status string, names ...string) {
	r.p.t.Helper()
	if len(names) == 0 {
		for n := range r.results {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	for _, n := range names {
		res, ok := r.results[n]
		switch {
		case !ok:
			r.p.t.Errorf("%s: no result", n)
		case res.Status != status:
			r.p.t.Errorf("%s: %s (%s), want %s\nstatements:\n%s", n, res.Status, res.Message, status, strings.Join(res.Statements, ";\n"))
		}
	}
}

// ran says whether a step ran a statement that contains all the parts.
func (r *run) ran(name string, parts ...string) bool {
	for _, s := range r.results[name].Statements {
		all := true
		for _, part := range parts {
			all = all && strings.Contains(s, part)
		}
		if all {
			return true
		}
	}
	return false
}

// rel is a relation of the project's schema, quoted.
func (p *project) rel(name string) string {
	return p.engine.QuoteRelation(models.Relation{Schema: p.schema, Name: name})
}

// exec runs statements; {s} stands for the project's schema, quoted.
func (p *project) exec(stmts ...string) {
	p.t.Helper()
	for _, s := range stmts {
		s = strings.ReplaceAll(s, "{s}", p.engine.QuoteIdent(p.schema))
		if _, err := p.db.Exec(s); err != nil {
			p.t.Fatalf("%s: %v", s, err)
		}
	}
}

// rows runs a query ({s} is the schema) and returns each row as its
// values, as text, joined by "|"; NULL is "NULL".
func (p *project) rows(query string) []string {
	p.t.Helper()
	query = strings.ReplaceAll(query, "{s}", p.engine.QuoteIdent(p.schema))
	rows, err := p.db.Query(query)
	if err != nil {
		p.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			p.t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				parts[i] = "NULL"
			case []byte:
				parts[i] = string(v)
			case time.Time:
				parts[i] = v.Format("2006-01-02 15:04:05")
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// kinds lists the relations of the project's schema as name:kind.
func (p *project) kinds() map[string]dialects.RelationKind {
	p.t.Helper()
	rels, err := p.engine.Relations(context.Background(), p.db, []string{p.schema})
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]dialects.RelationKind{}
	for _, r := range rels {
		out[r.Relation.Name] = r.Kind
	}
	return out
}

// columns lists a relation's column names.
func (p *project) columns(name string) []string {
	p.t.Helper()
	cols, err := p.engine.Columns(context.Background(), p.db, models.Relation{Schema: p.schema, Name: name})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []string
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return out
}

// oid returns a PostgreSQL relation's oid, which changes when the relation
// is dropped and created again.
func (p *project) oid(name string) int64 {
	p.t.Helper()
	var oid int64
	if err := p.db.QueryRow("select $1::regclass::oid", p.rel(name)).Scan(&oid); err != nil {
		p.t.Fatal(err)
	}
	return oid
}

func (p *project) postgres() bool { return p.engine.Name() == "postgres" }
