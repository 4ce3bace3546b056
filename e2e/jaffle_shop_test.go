package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/cmd/kiln/cli"
)

// TestJaffleShop builds examples/jaffle_shop with the real CLI on the
// embedded DuckDB and checks every mart against referenceMarts, which
// recomputes them from the seed CSVs in plain Go. It then checks that a
// second run and a full refresh change nothing, that the project's data tests
// pass, and that the incremental order_payments merges late payments.
func TestJaffleShop(t *testing.T) {
	dir := copyProject(t, filepath.Join("..", "examples", "jaffle_shop"))
	dbPath := filepath.Join(dir, "target", "dev.duckdb")

	kiln(t, dir, "seed")
	kiln(t, dir, "run")
	first := readDatabase(t, dbPath)
	checkRelations(t, first.Relations)
	checkMarts(t, "first run", referenceMarts(t, dir), first.Marts)

	// A second run rebuilds the tables and takes the incremental branch of
	// order_payments with nothing new to merge: nothing may change.
	kiln(t, dir, "run")
	sameTables(t, "second run", first.Dump, readDatabase(t, dbPath).Dump)

	kiln(t, dir, "run", "--full-refresh")
	sameTables(t, "run --full-refresh", first.Dump, readDatabase(t, dbPath).Dump)

	// Late payments: one completes a partly paid order (a merge that updates
	// a row of order_payments), one pays an order that had none (an insert).
	updated, inserted := addLatePayments(t, dir)
	kiln(t, dir, "seed")
	kiln(t, dir, "run")
	after := readDatabase(t, dbPath)
	want := referenceMarts(t, dir)
	checkMarts(t, "run after late payments", want, after.Marts)
	for _, id := range []int64{updated, inserted} {
		if !paidInFull(want.Orders, id) {
			t.Errorf("reference: order %d should be fully paid after the late payments", id)
		}
	}
}

// kiln runs the CLI in-process on the project in dir and fails the test
// unless it exits 0. It returns the standard output.
func kiln(t *testing.T, dir string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	argv := append([]string{"--project-dir", dir}, args...)
	if code := cli.Run(t.Context(), argv, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("kiln %s: exit status %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// copyProject copies the example project into a fresh temporary directory,
// leaving out any target/ a developer may have built in the source tree.
func copyProject(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "target")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkRelations checks which relations the build left in the main schema:
// seeds and marts are tables, staging and intermediate models are views,
// the ephemeral model is not materialized, and no temporary relation is left.
func checkRelations(t *testing.T, got map[string]string) {
	t.Helper()
	const table, view = "BASE TABLE", "VIEW"
	want := map[string]string{
		"raw_customers":              table,
		"raw_order_items":            table,
		"raw_orders":                 table,
		"raw_payments":               table,
		"raw_products":               table,
		"raw_stores":                 table,
		"stg_customers":              view,
		"stg_order_items":            view,
		"stg_orders":                 view,
		"stg_payments":               view,
		"stg_products":               view,
		"stg_stores":                 view,
		"int_order_payments_pivoted": view,
		"customers":                  table,
		"daily_revenue":              table,
		"order_payments":             table,
		"orders":                     table,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relations in schema main (-want +got):\n%s", diff)
	}
}

// checkMarts compares each mart with the reference, table by table.
func checkMarts(t *testing.T, step string, want, got marts) {
	t.Helper()
	if diff := cmp.Diff(want.Customers, got.Customers); diff != "" {
		t.Errorf("%s: customers (-want +got):\n%s", step, diff)
	}
	if diff := cmp.Diff(want.Orders, got.Orders); diff != "" {
		t.Errorf("%s: orders (-want +got):\n%s", step, diff)
	}
	if diff := cmp.Diff(want.DailyRevenue, got.DailyRevenue); diff != "" {
		t.Errorf("%s: daily_revenue (-want +got):\n%s", step, diff)
	}
	if diff := cmp.Diff(want.OrderPayments, got.OrderPayments); diff != "" {
		t.Errorf("%s: order_payments (-want +got):\n%s", step, diff)
	}
}

// sameTables checks that every mart, with its column types, is unchanged.
func sameTables(t *testing.T, step string, want, got map[string][]string) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s changed the marts (-before +after):\n%s", step, diff)
	}
}

func paidInFull(orders []orderRow, id int64) bool {
	for _, o := range orders {
		if o.OrderID == id {
			return o.IsFullyPaid
		}
	}
	return false
}
