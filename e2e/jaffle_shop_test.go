package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/cmd/kiln/cli"
)

// TestJaffleShop builds examples/jaffle_shop with the real CLI on the
// embedded DuckDB and checks every mart against referenceMarts, which
// recomputes them from the seed CSVs in plain Go. It then checks that a
// second run and a full refresh change nothing, that the project's data tests
// and unit tests pass (one warns on purpose), and that the incremental order_payments merges late payments.
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

	// Every data test and unit test passes but not_null_customers_email,
	// which warns on purpose (some customers left no e-mail): a warning
	// does not fail the command.
	out := kiln(t, dir, "test")
	checkTestSummary(t, "kiln test", out)
	results := readRunResults(t, dir)
	if r := results["test.jaffle_shop.not_null_customers_email"]; r.Status != "warn" || r.Failures == nil || *r.Failures == 0 {
		t.Errorf("kiln test: not_null_customers_email = %+v, want a warning with failures", r)
	}

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

// TestJaffleShopBuild builds the example with kiln build alone: seeds,
// models and tests in one walk, each test right after what it tests. The
// marts match the reference and only the deliberate warning is reported.
func TestJaffleShopBuild(t *testing.T) {
	dir := copyProject(t, filepath.Join("..", "examples", "jaffle_shop"))
	dbPath := filepath.Join(dir, "target", "dev.duckdb")

	out := kiln(t, dir, "build")
	checkTestSummary(t, "kiln build", out)
	got := readDatabase(t, dbPath)
	checkRelations(t, got.Relations)
	checkMarts(t, "build", referenceMarts(t, dir), got.Marts)

	// Each model's tests ran after it and before its children.
	results := readRunResults(t, dir)
	order := map[string]int{}
	for i, id := range results["order"].order {
		order[id] = i
	}
	for _, c := range []struct{ test, before, after string }{
		{"test.jaffle_shop.unique_stg_orders_order_id", "model.jaffle_shop.stg_orders", "model.jaffle_shop.orders"},
		{"test.jaffle_shop.not_null_orders_order_id", "model.jaffle_shop.orders", "model.jaffle_shop.customers"},
		{"unit_test.jaffle_shop.customers.customer_type_and_lifetime_value", "", "model.jaffle_shop.customers"},
	} {
		ti, ok := order[c.test]
		if !ok {
			t.Errorf("%s did not run", c.test)
			continue
		}
		if c.before != "" && order[c.before] > ti {
			t.Errorf("%s ran before %s", c.test, c.before)
		}
		if order[c.after] < ti {
			t.Errorf("%s ran after %s", c.test, c.after)
		}
	}
}

// checkTestSummary checks the summary line of kiln test or kiln build on
// the example: one warning, no error, nothing skipped.
func checkTestSummary(t *testing.T, what, out string) {
	t.Helper()
	if !strings.Contains(out, " WARN=1 ERROR=0 SKIP=0 ") {
		t.Errorf("%s: want one warning and no error:\n%s", what, out)
	}
}

// runResult is the part of a run_results.json entry the tests read.
type runResult struct {
	Status   string `json:"status"`
	Failures *int64 `json:"failures"`
	order    []string
}

// readRunResults reads target/run_results.json by unique id; the entry
// "order" holds the ids in the order they finished.
func readRunResults(t *testing.T, dir string) map[string]runResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			runResult
			Timing []struct {
				CompletedAt string `json:"completed_at"`
			} `json:"timing"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &rr); err != nil {
		t.Fatal(err)
	}
	out := map[string]runResult{}
	type done struct{ id, at string }
	var finished []done
	for _, r := range rr.Results {
		out[r.UniqueID] = r.runResult
		if len(r.Timing) > 0 {
			finished = append(finished, done{r.UniqueID, r.Timing[0].CompletedAt})
		}
	}
	sort.SliceStable(finished, func(i, j int) bool { return finished[i].at < finished[j].at })
	var order runResult
	for _, f := range finished {
		order.order = append(order.order, f.id)
	}
	out["order"] = order
	return out
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
