package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/internal/pgtest"
	"github.com/kiln-sql/kiln/models"
)

// The project the kill test rebuilds. Every relation's rows carry the
// version of the run that wrote them, and a complete version of each has a
// known number of rows, so a half-built relation cannot pass for a whole one.
const killModels = `
-- models/big_table.sql --
{{ config "materialized" "table" }}
select {{ var "v" }} as version, i, md5(i::varchar) as h from range({{ var "rows" }}) t(i)
-- models/big_view.sql --
select version, count(*) as n from {{ ref "big_table" }} group by version
-- models/events.sql --
{{ config "materialized" "incremental" "unique_key" (list "version" "i") "incremental_strategy" "delete+insert" }}
select {{ var "v" }} as version, i from range(5000) t(i)
-- models/summary.sql --
{{ config "materialized" "materialized_view" }}
select version, count(*) as n, sum(i) as s from {{ ref "big_table" }} group by version
`

// killRows is how many rows big_table has in every version.
const killRows = 1000000

// buildKiln compiles the kiln binary once per test run.
func buildKiln(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kiln")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/kiln")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building kiln: %v\n%s", err, out)
	}
	return bin
}

// writeTxt writes the -- name -- sections of a txtar-like string.
func writeTxt(t *testing.T, dir, text string) {
	t.Helper()
	parts := strings.Split(text, "\n-- ")
	for _, p := range parts[1:] {
		name, body, _ := strings.Cut(p, " --\n")
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runKiln runs the binary to completion.
func runKiln(t *testing.T, bin, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--project-dir", dir, "--quiet", "--no-color"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kiln %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// killDuring starts kiln run and kills it with SIGKILL after delay. It
// reports whether the run finished on its own first.
func killDuring(t *testing.T, bin, dir string, delay time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--project-dir", dir, "--quiet", "--no-color"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("kiln run failed before it was killed: %v\n%s", err, out.String())
		}
		return true
	case <-time.After(delay):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return false
	}
}

// state is what a relation holds: rows per version.
type state map[int]int

// checkComplete fails unless every relation holds one complete version
// (old or new), and the incremental model every version up to one of them.
func checkComplete(t *testing.T, q func(string) (state, error), prev, next int) {
	t.Helper()
	oneOf := func(rel string, st state, perVersion int) {
		if len(st) != 1 {
			t.Errorf("after a kill, %s holds versions %v: half-built", rel, st)
			return
		}
		for v, n := range st {
			if (v != prev && v != next) || n != perVersion {
				t.Errorf("after a kill, %s holds %d rows of version %d; want %d rows of version %d or %d", rel, n, v, perVersion, prev, next)
			}
		}
	}
	for _, rel := range []string{"big_table", "big_view_rows", "summary"} {
		st, err := q(rel)
		if err != nil {
			t.Errorf("after a kill, %s cannot be read: %v", rel, err)
			continue
		}
		oneOf(rel, st, killRows)
	}
	st, err := q("events")
	if err != nil {
		t.Errorf("after a kill, events cannot be read: %v", err)
		return
	}
	last := 0
	for v, n := range st {
		if n != 5000 {
			t.Errorf("after a kill, events holds %d rows of version %d; want 5000", n, v)
		}
		last = max(last, v)
	}
	if last != prev && last != next || len(st) != last {
		t.Errorf("after a kill, events holds versions %v; want 1..%d or 1..%d", st, prev, next)
	}
}

// killLoop runs version 1 to completion, then kills runs of versions 2, 3,
// … at random moments and checks the relations after each kill.
func killLoop(t *testing.T, bin, dir string, target []string, q func(string) (state, error)) {
	vars := func(v int) []string {
		return append(append([]string(nil), target...), "--vars", fmt.Sprintf("{v: %d, rows: %d}", v, killRows), "run")
	}
	start := time.Now()
	runKiln(t, bin, dir, vars(1)...)
	full := time.Since(start)
	checkComplete(t, q, 1, 1)

	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	current, kills := 1, 0
	for attempt := 2; attempt <= 12; attempt++ {
		delay := time.Duration(rng.Int64N(int64(full) + 1))
		finished := killDuring(t, bin, dir, delay, vars(attempt)...)
		// Every relation holds the last complete version or this one.
		checkComplete(t, q, current, attempt)
		if t.Failed() {
			t.Fatalf("killed at %v of a %v run (attempt %d)", delay, full, attempt)
		}
		if !finished {
			kills++
		}
		// The incremental model may be ahead of the table: bring every
		// relation to this version before the next attempt.
		runKiln(t, bin, dir, vars(attempt)...)
		current = attempt
	}
	t.Logf("killed %d runs at random moments of a %v run; every relation stayed whole", kills, full)
}

func TestKillDuckDB(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	bin := buildKiln(t)
	dir := t.TempDir()
	writeTxt(t, dir, "\n-- kiln.yml --\nname: killtest\n"+killModels)
	e := duckdb.New()
	q := func(rel string) (state, error) {
		db, err := e.Open(context.Background(), dir, models.Target{Name: "dev", Type: "duckdb"})
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return versions(db, `"main"`, rel)
	}
	killLoop(t, bin, dir, nil, q)
}

func TestKillPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	_, db, schema := pgtest.Open(t)
	bin := buildKiln(t)
	dir := t.TempDir()
	t.Setenv("KILN_KILL_DSN", pgtest.DSN(t))
	writeTxt(t, dir, "\n-- kiln.yml --\nname: killtest\nprofile:\n  target: pg\n  targets:\n    pg: { type: postgres, dsn: \"${env:KILN_KILL_DSN}\", schema: "+schema+" }\n"+
		strings.ReplaceAll(strings.ReplaceAll(killModels, "range({{ var \"rows\" }}) t(i)", "generate_series(0, {{ var \"rows\" }} - 1) t(i)"), "range(5000) t(i)", "generate_series(0, 4999) t(i)"))
	killLoop(t, bin, dir, nil, func(rel string) (state, error) { return versions(db, `"`+schema+`"`, rel) })
}

// versions counts a relation's rows per version. big_view_rows reads the
// view, which reports the counts itself.
func versions(db *sql.DB, schema, rel string) (state, error) {
	query := fmt.Sprintf(`select version, count(*) from %s.%q group by version`, schema, rel)
	switch rel {
	case "big_view_rows":
		query = fmt.Sprintf(`select version, n from %s."big_view"`, schema)
	case "summary":
		query = fmt.Sprintf(`select version, n from %s."summary"`, schema)
	}
	rows, err := db.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := state{}
	for rows.Next() {
		var v, n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, err
		}
		st[v] = n
	}
	return st, rows.Err()
}
