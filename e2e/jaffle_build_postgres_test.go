package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/internal/pgtest"
)

// TestJaffleShopBuildPostgres runs kiln build on the example against the
// PostgreSQL server of KILN_TEST_PG_DSN, in a schema of its own: the data
// tests run there (their SQL quoted for PostgreSQL), the contract of
// customers is checked against PostgreSQL's types, the unit tests still run
// on the in-memory DuckDB, and only the deliberate warning is reported.
// Skipped without a server, unless KILN_TEST_REQUIRE_PG=1.
func TestJaffleShopBuildPostgres(t *testing.T) {
	_, db, schema := pgtest.Open(t)
	failures := schema + "_kiln_test_failures"
	t.Cleanup(func() { db.Exec(`drop schema if exists "` + failures + `" cascade`) })

	dir := copyProject(t, filepath.Join("..", "examples", "jaffle_shop"))
	file := filepath.Join(dir, "kiln.yml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	profile := fmt.Sprintf("dialect: duckdb\nprofile:\n  target: pg\n  targets:\n    pg: { type: postgres, dsn: \"${env:%s}\", schema: %s }\n", pgtest.DSNVar, schema)
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), "dialect: duckdb\n", profile, 1)), 0o644); err != nil {
		t.Fatal(err)
	}

	out := kiln(t, dir, "build", "--store-failures")
	checkTestSummary(t, "kiln build on PostgreSQL", out)
	results := readRunResults(t, dir)
	r := results["test.jaffle_shop.not_null_customers_email"]
	if r.Status != "warn" || r.Failures == nil || *r.Failures == 0 {
		t.Fatalf("not_null_customers_email = %+v, want a warning with failures", r)
	}
	var stored int64
	if err := db.QueryRow(`select count(*) from "` + failures + `".not_null_customers_email`).Scan(&stored); err != nil || stored != *r.Failures {
		t.Errorf("stored failures: %d rows (want %d), %v", stored, *r.Failures, err)
	}
}
