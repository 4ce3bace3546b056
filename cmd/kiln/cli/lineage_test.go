package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateLineage = flag.Bool("update-lineage", false, "rewrite testdata/lineage_jaffle_shop.golden")

// copyDir copies the example project, without its target/.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			if rel == "target" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLineageJaffleShop compares kiln lineage on the example project with
// a golden file.
func TestLineageJaffleShop(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "jaffle_shop")
	copyDir(t, "../../../examples/jaffle_shop", dir)
	var b strings.Builder
	for _, arg := range []string{"customers.lifetime_value", "stg_payments.amount_cents", "orders.order_total", "daily_revenue"} {
		r := mustKiln(t, dir, "lineage", arg)
		b.WriteString("$ kiln lineage " + arg + "\n" + r.stdout + "\n")
	}
	golden := filepath.Join("testdata", "lineage_jaffle_shop.golden")
	if *updateLineage {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestLineageJaffleShop -update-lineage)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("lineage differs (-want +got):\n%s", diff)
	}
}

// TestCompileColumnErrors shows a misspelt column with its position and a
// hint, and a table read without ref as a warning.
func TestCompileColumnErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	write(t, dir, "kiln.yml", "name: p\n")
	write(t, dir, "seeds/raw.csv", "id,name,amount\n1,a,10\n")
	write(t, dir, "models/a.sql", "-- a\n{{ $c := \"name\" }}select id, {{ $c }}, amout\nfrom {{ ref \"raw\" }}\n")
	write(t, dir, "models/b.sql", "select * from {{ ref \"a\" }} join other o on o.id = a.id\n")
	r := kiln(t, t.Context(), dir, "compile")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		`models/a.sql:2:40: column "amout" is not produced by any upstream model or source`,
		`did you mean "amount"?`,
		`models/b.sql:1:34: warning: table other is read directly, not through ref or source`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
