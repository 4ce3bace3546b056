package cli

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/internal/pgtest"
)

// The init project runs on a PostgreSQL target through kiln.yml's profile,
// and the password from the environment appears in nothing kiln prints or
// writes.
func TestPostgresTargetKeepsSecrets(t *testing.T) {
	_, db, schema := pgtest.Open(t)
	u, err := url.Parse(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	const password = "s3cret-Pa55word"
	u.User = url.UserPassword(u.User.Username(), password) // trust auth ignores it
	t.Setenv("KILN_TEST_SECRET_DSN", u.String())

	dir := newProject(t)
	write(t, dir, "kiln.yml", `name: shop
vars: { currency: EUR }
profile:
  target: dev
  targets:
    dev:  { type: duckdb }
    prod: { type: postgres, dsn: "${env:KILN_TEST_SECRET_DSN}", schema: `+schema+`, threads: 4 }
models:
  +materialized: view
  marts: { +materialized: table }
`)
	var printed strings.Builder
	for _, args := range [][]string{{"--target", "prod", "seed"}, {"--target", "prod", "run"}, {"--target", "prod", "run"}} {
		r := mustKiln(t, dir, args...)
		printed.WriteString(r.stdout + r.stderr)
	}
	var n int
	var ltv string
	if err := db.QueryRow(`select count(*), sum(lifetime_value)::text from "`+schema+`"."customers"`).Scan(&n, &ltv); err != nil {
		t.Fatal(err)
	}
	if n != 4 || ltv != "41.48" {
		t.Errorf("customers on PostgreSQL: %d rows, lifetime value %s; want 4 rows, 41.48", n, ltv)
	}

	// A failing connection names the server, not the password.
	u.Host = "127.0.0.1:1"
	t.Setenv("KILN_TEST_SECRET_DSN", u.String())
	r := kiln(t, context.Background(), dir, "--target", "prod", "run")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "127.0.0.1") {
		t.Errorf("connection failure: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	printed.WriteString(r.stdout + r.stderr)

	if strings.Contains(printed.String(), password) {
		t.Errorf("the password was printed:\n%s", printed.String())
	}
	err = filepath.Walk(filepath.Join(dir, "target"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasSuffix(path, ".duckdb") {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), password) {
			t.Errorf("the password is in %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
