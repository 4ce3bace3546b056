package compiler_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/internal/projectgen"
	"github.com/kiln-sql/kiln/models"
)

// TestInferredTypesMatchBinding compiles projects twice: once as kiln
// does, typing what its analysis can and binding the rest with DuckDB, and
// once with DuckDB binding every model. Every model must get the same
// columns, names and types, both ways: a type kiln infers is one DuckDB
// would have bound.
func TestInferredTypesMatchBinding(t *testing.T) {
	gen := t.TempDir()
	if err := projectgen.Generate(gen, projectgen.Options{Models: 400, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir string
		// minInferred is the share of models kiln must type without DuckDB.
		minInferred float64
	}{
		{"generated", gen, 0.95},
		{"jaffle_shop", "../examples/jaffle_shop", 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compile := func(bindAll bool) *compiler.Result {
				dir := t.TempDir()
				if err := os.CopyFS(dir, os.DirFS(tc.dir)); err != nil {
					t.Fatal(err)
				}
				os.RemoveAll(filepath.Join(dir, "target"))
				return compileClean(t, compiler.Options{Dir: dir, BindAll: bindAll})
			}
			bound, inferred := compile(true), compile(false)
			typed, total := 0, 0
			for _, m := range inferred.Project.Models {
				want, got := bound.Analysis(m.Name), inferred.Analysis(m.Name)
				if want == nil || got == nil {
					if (want == nil) != (got == nil) {
						t.Errorf("%s: analysed in one compile only", m.Name)
					}
					continue
				}
				total++
				if diff := cmp.Diff(columnsOf(want), columnsOf(got)); diff != "" {
					t.Errorf("%s: columns differ (-DuckDB +kiln):\n%s", m.Name, diff)
				}
				if diff := cmp.Diff(want.Lineage, got.Lineage); diff != "" {
					t.Errorf("%s: lineage differs (-DuckDB +kiln):\n%s", m.Name, diff)
				}
				if got.TypesBound && !want.TypesBound {
					t.Errorf("%s: kiln typed a model DuckDB cannot bind", m.Name)
				}
				if got.TypesInferred {
					typed++
				}
			}
			share := float64(typed) / float64(max(total, 1))
			t.Logf("%d of %d models typed without DuckDB (%.0f%%)", typed, total, 100*share)
			if share < tc.minInferred {
				t.Errorf("only %.0f%% of the models were typed without DuckDB, want at least %.0f%%", 100*share, 100*tc.minInferred)
			}
		})
	}
}

func columnsOf(a *compiler.ModelAnalysis) []models.Column {
	if a.Columns == nil {
		return nil
	}
	out := make([]models.Column, len(a.Columns))
	for i, c := range a.Columns {
		out[i] = models.Column{Name: c.Name, DataType: c.DataType}
	}
	return out
}

// TestBindReadsTypedParents: a model kiln cannot type is bound by DuckDB,
// which must first be given the models it reads, even when kiln typed
// those itself (cold) or took them from the cache (after an edit).
func TestBindReadsTypedParents(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"kiln.yml":           "name: p\ndialect: duckdb\n",
		"models/sources.yml": rawOrdersSource,
		"models/a.sql":       "select id, amount * 2 as amount from {{ source \"raw\" \"orders\" }}\n",
		"models/e.sql":       "{{ config \"materialized\" \"ephemeral\" }}select id, amount + 1 as amount from {{ ref \"a\" }}\n",
		// kiln does not type gcd (DuckDB: BIGINT), so DuckDB binds b.
		"models/b.sql": "select e.id, gcd(e.id, 6) as h, e.amount from {{ ref \"e\" }} as e\n",
		// And c reads the source itself.
		"models/c.sql": "select gcd(id, 6) as g from {{ source \"raw\" \"orders\" }}\n",
	})
	check := func(when string) {
		res := compileClean(t, compiler.Options{Dir: dir})
		for _, name := range []string{"a", "e"} {
			if a := res.Analysis(name); !a.TypesInferred {
				t.Errorf("%s: model %s was not typed by kiln", when, name)
			}
		}
		b := res.Analysis("b")
		if b.TypesInferred || !b.TypesBound {
			t.Fatalf("%s: model b: inferred %t, bound %t; want DuckDB to bind it", when, b.TypesInferred, b.TypesBound)
		}
		want := []models.Column{{Name: "id", DataType: "INTEGER"}, {Name: "h", DataType: "BIGINT"}, {Name: "amount", DataType: "DECIMAL(18,2)"}}
		if diff := cmp.Diff(want, columnsOf(b)); diff != "" {
			t.Errorf("%s: model b's columns (-want +got):\n%s", when, diff)
		}
		if diff := cmp.Diff([]models.Column{{Name: "g", DataType: "BIGINT"}}, columnsOf(res.Analysis("c"))); diff != "" {
			t.Errorf("%s: model c's columns (-want +got):\n%s", when, diff)
		}
	}
	check("cold")
	// Only b changes: a and e come from the cache and must be created
	// for DuckDB from their cached columns.
	if err := os.WriteFile(filepath.Join(dir, "models", "b.sql"), []byte("select e.id, gcd(e.id, 6) as h, e.amount from {{ ref \"e\" }} as e -- edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("after an edit")
}

// TestUpstreamTypesInvalidateCache: the cached analysis of a model is not
// used once a source's declared types or a seed's file change.
func TestUpstreamTypesInvalidateCache(t *testing.T) {
	sources := func(typ string) string {
		return "sources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: orders\n        columns:\n          - { name: id, data_type: " + typ + " }\n"
	}
	dir := writeProject(t, map[string]string{
		"kiln.yml":           "name: p\ndialect: duckdb\n",
		"models/sources.yml": sources("integer"),
		"seeds/rates.csv":    "id,rate\n1,2\n",
		"models/m.sql":       "select o.id * 2 as twice, r.rate from {{ source \"raw\" \"orders\" }} as o join {{ ref \"rates\" }} as r using (id)\n",
	})
	types := func(when string) []models.Column {
		t.Helper()
		return columnsOf(compileClean(t, compiler.Options{Dir: dir}).Analysis("m"))
	}
	want := func(when string, got []models.Column, twice, rate string) {
		t.Helper()
		if diff := cmp.Diff([]models.Column{{Name: "twice", DataType: twice}, {Name: "rate", DataType: rate}}, got); diff != "" {
			t.Errorf("%s: columns (-want +got):\n%s", when, diff)
		}
	}
	want("first", types("first"), "INTEGER", "BIGINT")
	if err := os.WriteFile(filepath.Join(dir, "models", "sources.yml"), []byte(sources("bigint")), 0o644); err != nil {
		t.Fatal(err)
	}
	want("source type changed", types("source type changed"), "BIGINT", "BIGINT")
	if err := os.WriteFile(filepath.Join(dir, "seeds", "rates.csv"), []byte("id,rate\n1,2.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want("seed changed", types("seed changed"), "BIGINT", "DOUBLE")
}
