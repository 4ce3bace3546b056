package duckdb

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/models"
)

// A file another process holds says so before DuckDB's own words, which
// stay (they name the process).
func TestOpenErrorNamesTheLock(t *testing.T) {
	e := New()
	target := models.Target{Name: "dev", Type: "duckdb", Path: "target/dev.duckdb"}
	lock := errors.New(`IO Error: Could not set lock on file "/p/target/dev.duckdb": Conflicting lock is held in duckdb (PID 7)`)
	got := e.openError("/p", target, lock).Error()
	if !strings.HasPrefix(got, "opening duckdb database target/dev.duckdb: another process has it open") || !strings.Contains(got, "PID 7") {
		t.Errorf("lock error = %q", got)
	}
	other := e.openError("/p", target, errors.New("disk full")).Error()
	if other != "opening duckdb database target/dev.duckdb: disk full" {
		t.Errorf("other error = %q", other)
	}
}
