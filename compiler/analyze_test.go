package compiler_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects/duckdb"
)

// writeProject writes files (path → content) under a new directory.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// compileAnalysed compiles opts.Dir with DuckDB's parser wired in, as
// cmd/kiln does. Problems in the project are left to the caller; failing
// to read it fails the test.
func compileAnalysed(tb testing.TB, opts compiler.Options) *compiler.Result {
	tb.Helper()
	p := duckdb.NewParser()
	defer p.Close()
	opts.Analyzer = p
	res, err := compiler.Compile(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// compileClean is compileAnalysed of a project that must have no errors.
func compileClean(tb testing.TB, opts compiler.Options) *compiler.Result {
	tb.Helper()
	res := compileAnalysed(tb, opts)
	if res.Diagnostics.HasErrors() {
		tb.Fatal(res.Diagnostics)
	}
	return res
}

// rawOrdersSource declares raw.orders with typed columns.
const rawOrdersSource = `sources:
  - name: raw
    schema: raw
    tables:
      - name: orders
        columns:
          - { name: id, data_type: integer }
          - { name: amount, data_type: "decimal(10,2)" }
`

const directHint = `use {{ ref "…" }} or declare it as a source and use {{ source "…" "…" }}, so that kiln knows the dependency`

// TestAnalysisAcrossBatches analyses a project of more models than one
// parse batch holds, with a syntax error in the middle of a batch, models
// that do not bind and models downstream of them, and checks what each
// model gets (the same as kiln did before parsing, analysing and binding
// overlapped); then compiles again from the cache and expects the same.
func TestAnalysisAcrossBatches(t *testing.T) {
	files := map[string]string{
		"kiln.yml":           "name: p\ndialect: duckdb\n",
		"models/sources.yml": rawOrdersSource,
		"models/m000.sql":    "select id, amount from {{ source \"raw\" \"orders\" }}\n",
	}
	// Mostly a chain m000 → m001 → …, except that m040 has a syntax error
	// and m041 reads it; m042 reads a column m039 lacks; m043 goes on from
	// m039; m070 reads a table directly; m071 goes on from m069 and has a
	// WITH query nothing uses that reads that table too.
	const n = 100
	for i := 1; i < n; i++ {
		parent := fmt.Sprintf("m%03d", i-1)
		sql := "select id, amount + %d as amount from {{ ref %q }}\n"
		switch i {
		case 40:
			sql = "select id, amount + %d as amount from {{ ref %q }} where\n"
		case 42, 43:
			parent = "m039"
			if i == 42 {
				sql = "select id, amount + %d as amount, amout from {{ ref %q }}\n"
			}
		case 70:
			sql = "select id, amount + %d as amount from {{ ref %q }} join other using (id)\n"
		case 71:
			parent = "m069"
			sql = "with unused as (select * from other) select id, amount + %d as amount from {{ ref %q }}\n"
		}
		files[fmt.Sprintf("models/m%03d.sql", i)] = fmt.Sprintf(sql, i, parent)
	}
	dir := writeProject(t, files)
	compile := func() (*compiler.Result, []string) {
		t.Helper()
		res := compileAnalysed(t, compiler.Options{Dir: dir})
		var diags []string
		for _, d := range res.Diagnostics {
			diags = append(diags, d.Error())
		}
		return res, diags
	}
	cold, coldDiags := compile()
	wantDiags := []string{
		"models/m040.sql:1:1: syntax error: at end of input",
		"models/m042.sql:1:35: column \"amout\" is not produced by any upstream model or source\n\thint: did you mean \"amount\"?",
		"models/m070.sql:1:61: warning: table other is read directly, not through ref or source\n\thint: " + directHint,
		"models/m071.sql:1:31: warning: table other is read directly, not through ref or source\n\thint: " + directHint,
	}
	if diff := cmp.Diff(wantDiags, coldDiags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}

	types := func(name string) string {
		a := cold.Analysis(name)
		if a == nil {
			return "no analysis"
		}
		var out []string
		for _, c := range a.Columns {
			out = append(out, c.Name+" "+c.DataType)
		}
		return fmt.Sprintf("%s bound=%t", strings.Join(out, ", "), a.TypesBound)
	}
	for name, want := range map[string]string{
		"m000": "id INTEGER, amount DECIMAL(10,2) bound=true",
		"m039": "id INTEGER, amount DECIMAL(18,2) bound=true",
		"m040": " bound=false",             // not analysed
		"m041": "id , amount  bound=false", // reads m040
		"m042": "id , amount , amout  bound=false",
		"m043": "id INTEGER, amount DECIMAL(18,2) bound=true",
		"m070": "id , amount  bound=false", // reads a table the scratch database lacks
		"m071": "id INTEGER, amount DECIMAL(18,2) bound=true",
		"m099": "id INTEGER, amount DECIMAL(18,2) bound=true",
	} {
		if got := types(name); got != want {
			t.Errorf("%s: columns %q, want %q", name, got, want)
		}
	}
	if got := cold.Analysis("m040").NotAnalysed; !strings.Contains(got, "syntax error") {
		t.Errorf("m040: NotAnalysed = %q", got)
	}
	if got := cold.Analysis("m071").Lineage["amount"]; len(got) != 1 || got[0].Column != "amount" || got[0].Relation != "model.p.m069" {
		t.Errorf("m071: lineage of amount = %v", got)
	}

	warm, warmDiags := compile()
	if diff := cmp.Diff(coldDiags, warmDiags); diff != "" {
		t.Errorf("diagnostics from the cache (-cold +warm):\n%s", diff)
	}
	for i := range n {
		name := fmt.Sprintf("m%03d", i)
		if diff := cmp.Diff(cold.Analysis(name), warm.Analysis(name)); diff != "" {
			t.Errorf("%s from the cache (-cold +warm):\n%s", name, diff)
		}
	}
}
