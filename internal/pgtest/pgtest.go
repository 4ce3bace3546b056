// Package pgtest gives tests a PostgreSQL server to run against: the one in
// KILN_TEST_PG_DSN (scripts/test.sh starts a throwaway server and sets it),
// with a fresh schema per test that is dropped when the test ends.
//
// Without KILN_TEST_PG_DSN a test is skipped, unless KILN_TEST_REQUIRE_PG
// is "1": then, as when the server cannot be reached, it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/kiln-sql/kiln/dialects/postgres"
	"github.com/kiln-sql/kiln/models"
)

// The environment variables this package reads.
const (
	DSNVar     = "KILN_TEST_PG_DSN"
	RequireVar = "KILN_TEST_REQUIRE_PG"
)

// DSN returns the test server's DSN, or skips the test when none is
// configured and none is required.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DSNVar)
	if dsn == "" {
		if os.Getenv(RequireVar) == "1" {
			t.Fatalf("%s=1 but %s is not set", RequireVar, DSNVar)
		}
		t.Skipf("no PostgreSQL: set %s (scripts/test.sh starts a throwaway server and sets it)", DSNVar)
	}
	return dsn
}

// Open connects to the test server with kiln's engine, creates a schema
// with a random name, and drops it (with everything in it) and closes the
// connection when the test ends.
func Open(t testing.TB) (*postgres.Engine, *sql.DB, string) {
	t.Helper()
	dsn := DSN(t)
	eng := postgres.New()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := eng.Open(ctx, "", models.Target{Type: "postgres", DSN: dsn})
	if err != nil {
		t.Fatalf("PostgreSQL from %s is unreachable: %v", DSNVar, err)
	}
	schema := Schema()
	if _, err := db.ExecContext(ctx, "create schema "+eng.QuoteIdent(schema)); err != nil {
		db.Close()
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "drop schema "+eng.QuoteIdent(schema)+" cascade"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
		db.Close()
	})
	return eng, db, schema
}

// Schema returns a fresh schema name: kiln_test_ and 12 random hex digits.
func Schema() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "kiln_test_" + hex.EncodeToString(b)
}
