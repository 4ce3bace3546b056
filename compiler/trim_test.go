package compiler_test

import (
	"testing"

	"github.com/kiln-sql/kiln/compiler"
)

func TestTrimStatement(t *testing.T) {
	for in, want := range map[string]string{
		"select 1 as a;\n":                      "select 1 as a",
		"select 1 as a; -- done":                "select 1 as a",
		"select 1 as a -- done\n-- more\n;;\n":  "select 1 as a",
		"select '--' as a; -- done":             "select '--' as a",
		"select \"a--b\" from t -- x":           "select \"a--b\" from t",
		"select 1 as a\n/* block */":            "select 1 as a\n/* block */",
		"-- only a comment":                     "",
		"select 'it''s -- not' as a -- comment": "select 'it''s -- not' as a",
	} {
		if got := compiler.TrimStatement(in); got != want {
			t.Errorf("TrimStatement(%q) = %q, want %q", in, got, want)
		}
	}
}
