package compiler_test

import (
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/compiler"
)

// TestSingularTestsAreTranspiled: a project written for DuckDB and run on
// PostgreSQL gets its singular tests, like its models, in PostgreSQL's
// dialect, or an error naming what cannot be carried over.
func TestSingularTestsAreTranspiled(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"kiln.yml": `name: p
dialect: duckdb
profile:
  target: pg
  targets:
    pg: { type: postgres, dsn: "postgres://127.0.0.1/x", schema: main }
`,
		"models/orders.sql":        "select 1 as id, 7 as amount\n",
		"tests/amount_halves.sql":  "select id from {{ ref \"orders\" }} where amount // 2 <> 3 qualify row_number() over (order by id) = 1\n",
		"tests/untranslatable.sql": "select id from {{ ref \"orders\" }} where list_sort([amount])[1] > 100\n",
	})
	res := compileAnalysed(t, compiler.Options{Dir: dir})
	var errs []string
	for _, d := range res.Diagnostics.Errors() {
		errs = append(errs, d.Error())
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "tests/untranslatable.sql:1:1: test untranslatable cannot be carried over to postgres") {
		t.Fatalf("errors = %q, want one for tests/untranslatable.sql", errs)
	}
	sql := res.CompiledTests["test.p.amount_halves"]
	for _, bad := range []string{"//", " qualify "} {
		if strings.Contains(strings.ToLower(sql), bad) {
			t.Errorf("compiled test still has %q:\n%s", bad, sql)
		}
	}
	if sql == "" {
		t.Errorf("no compiled SQL for the test; have %v", res.CompiledTests)
	}
}
