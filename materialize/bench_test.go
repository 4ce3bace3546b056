package materialize

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/selector"
	"github.com/kiln-sql/kiln/internal/pgtest"
	"github.com/kiln-sql/kiln/internal/projectgen"
	"github.com/kiln-sql/kiln/models"
)

// BenchmarkRunPostgres1000 builds a generated 1,000-model project on
// PostgreSQL with 8 threads, over empty raw tables, so that the database
// does as little as it can and kiln's own work shows. It reports kiln's
// overhead per model: the time each step spent outside the database
// (rendering, planning, bookkeeping, waiting for nothing), and the fixed
// cost of compiling and planning spread over the models.
//
//	./scripts/test.sh -run '^$' -bench RunPostgres1000 -benchtime 3x ./materialize/
func BenchmarkRunPostgres1000(b *testing.B) {
	eng, db, schema := pgtest.Open(b)
	ctx := context.Background()
	rawSchema := schema + "_raw"
	if _, err := db.ExecContext(ctx, "create schema "+eng.QuoteIdent(rawSchema)); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.ExecContext(context.Background(), "drop schema "+eng.QuoteIdent(rawSchema)+" cascade") })

	dir := filepath.Join(b.TempDir(), "bench")
	if err := projectgen.Generate(dir, projectgen.Options{Models: 1000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	sources, err := os.ReadFile(filepath.Join(dir, "models", "sources.yml"))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "models", "sources.yml"), []byte(strings.ReplaceAll(string(sources), "schema: raw\n", "schema: "+rawSchema+"\n")), 0o644); err != nil {
		b.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "kiln.yml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(f, "profile:\n  target: pg\n  targets:\n    pg: { type: postgres, dsn: %q, schema: %s, threads: 8 }\n", pgtest.DSN(b), schema)
	f.Close()

	compile := func() *compiler.Result {
		res, err := compiler.Compile(compiler.Options{Dir: dir, Dialects: map[string]compiler.Dialect{"postgres": eng}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Diagnostics.HasErrors() {
			b.Fatal(res.Diagnostics.Errors())
		}
		return res
	}
	// The raw tables, empty, with the declared column types.
	for _, s := range compile().Project.Sources {
		cols := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			cols[i] = eng.QuoteIdent(c.Name) + " " + c.DataType
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("create table %s (%s)", eng.QuoteRelation(s.Relation), strings.Join(cols, ", "))); err != nil {
			b.Fatal(err)
		}
	}

	var wall, fixed, inDB, outside time.Duration
	steps := 0
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		res := compile()
		ids, err := res.Select(nil, nil, selector.Options{ResourceTypes: []string{"model"}})
		if err != nil {
			b.Fatal(err)
		}
		existing, err := eng.Relations(ctx, db, Schemas(res.Project))
		if err != nil {
			b.Fatal(err)
		}
		opts := Options{Threads: 8, ProjectDir: dir}
		plan, err := NewPlan(res, ids, existing, opts)
		if err != nil {
			b.Fatal(err)
		}
		fixed += time.Since(start)
		x := &Executor{Engine: eng, DB: db, Compiled: res, Options: opts}
		results, err := x.Run(ctx, plan)
		if err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		for _, r := range results {
			if r.Status != StatusSuccess {
				b.Fatalf("%s: %s", r.Step.ID, r.Message)
			}
			if r.Step.ResourceType == models.ResourceModel {
				inDB += r.DBTime
				outside += r.Duration - r.DBTime
			}
		}
		steps += len(results)
	}
	n := float64(steps)
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/run")
	b.ReportMetric(float64(outside.Microseconds())/1000/n, "kiln-step-ms/model")
	b.ReportMetric(float64(fixed.Microseconds())/1000/n, "kiln-fixed-ms/model")
	b.ReportMetric(float64(inDB.Microseconds())/1000/n, "db-ms/model")
}
