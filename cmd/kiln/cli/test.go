package cli

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/materialize"
	"github.com/kiln-sql/kiln/models"
)

func (a *app) testCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the selected data tests and unit tests",
		Long: `test runs the data tests declared in properties YAML (unique, not_null,
accepted_values, relationships, expression), the singular tests in
tests/*.sql, and the unit tests of unit_tests:, on relations built before
(kiln run or kiln build). A data test fails when its query returns rows; a
test with severity warn only warns. Unit tests run on an in-memory DuckDB,
whatever the target, without building anything.

Selecting a model selects its tests too: kiln test --select orders runs
every test on orders.`,
		Example: `  kiln test
  kiln test --select orders                 # the tests of orders
  kiln test --select test_type:unit         # only unit tests, no database needed
  kiln test --select test_type:generic,tag:nightly
  kiln test --store-failures                # keep failing rows in <schema>_kiln_test_failures`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.build(f, models.ResourceTest)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVarP(&f.failFast, "fail-fast", "x", false, "stop at the first failure")
	cmd.Flags().BoolVar(&f.storeFailures, "store-failures", false, "keep every data test's failing rows in a table of <schema>_kiln_test_failures")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print each test's query without running it")
	return cmd
}

// needsTarget says whether any selected node needs the target's database:
// unit tests alone run on an in-memory DuckDB.
func needsTarget(res *compiler.Result, ids []string) bool {
	for _, id := range ids {
		switch res.Node(id).(type) {
		case *models.UnitTest, *models.Source:
		default:
			return true
		}
	}
	return false
}

// hasUnitTests says whether the plan runs unit tests.
func hasUnitTests(plan *materialize.Plan) bool {
	for _, st := range plan.Steps {
		if st.UnitTest != nil {
			return true
		}
	}
	return false
}

// openUnitDB opens the in-memory DuckDB that unit tests run on.
func openUnitDB(ctx context.Context) (*sql.DB, error) {
	db, err := duckdb.New().Open(ctx, "", models.Target{Name: "unit_tests", Type: "duckdb", Path: ":memory:"})
	if err != nil {
		return nil, fmt.Errorf("opening the in-memory DuckDB for unit tests: %w", err)
	}
	return db, nil
}

// newPlan plans the run: kiln build interleaves tests with what they test.
func newPlan(res *compiler.Result, ids []string, existing []dialects.Existing, opts materialize.Options, types []models.ResourceType) (*materialize.Plan, error) {
	if len(types) > 1 {
		return materialize.NewBuildPlan(res, ids, existing, opts)
	}
	return materialize.NewPlan(res, ids, existing, opts)
}

// nothingSelected names what a command would have run, for "nothing to do".
func nothingSelected(types []models.ResourceType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t) + "s"
	}
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " or " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// testEvent prints a test starting or finishing.
func (p *printer) testEvent(e materialize.Event) {
	st := e.Step
	elapsed := time.Since(p.start).Seconds()
	fields := map[string]any{"node": st.ID, "done": e.Finished, "total": e.Total, "running": e.Running, "elapsed": elapsed}
	if e.Result == nil {
		fields["event"] = "start"
		p.progressLine("info", fmt.Sprintf("%s  START  %-24s %s", p.number(e), st.Describe(), st.Name), fields)
		return
	}
	r := e.Result
	fields["event"] = "finish"
	fields["status"] = r.Status
	fields["execution_time"] = r.Duration.Seconds()
	level := "info"
	var status string
	switch r.Status {
	case materialize.StatusPass:
		status = p.paint(green, "PASS ")
	case materialize.StatusWarn:
		status, level = p.paint(yellow, "WARN "), "warn"
	case materialize.StatusFail:
		status, level = p.paint(red, "FAIL "), "error"
	default:
		status, level = p.paint(red, "ERROR"), "error"
	}
	detail := ""
	if r.Test != nil {
		fields["failures"] = r.Test.Failures
		if r.Status == materialize.StatusWarn || r.Status == materialize.StatusFail {
			detail = fmt.Sprintf("%d ", r.Test.Failures)
		}
	}
	p.progressLine(level, fmt.Sprintf("%s  %s  %-24s %s [%sin %.2fs]  (%s)",
		p.number(e), status, st.Describe(), st.Name, detail, r.Duration.Seconds(), progress(e, elapsed)), fields)
}

// testReport prints why a test failed or warned: its message, the first
// failing rows or a unit test's differing rows, and where the failing rows
// are stored.
func (p *printer) testReport(r *materialize.NodeResult, label string) {
	st := r.Step
	where := st.Path
	switch {
	case st.DataTest != nil:
		where = st.DataTest.Path
	case st.UnitTest != nil:
		where = st.UnitTest.Path
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s): %s", label, st.Name, where, r.Message)
	if t := r.Test; t != nil {
		switch {
		case t.Diff != nil:
			b.WriteString("\n")
			b.WriteString(strings.TrimRight(t.Diff.Table("        ", 40), "\n"))
		case t.Sample != nil:
			shown := int64(len(t.Sample.Rows))
			fmt.Fprintf(&b, "\n        the first %d failing %s:\n", shown, plural(int(shown), "row", "rows"))
			b.WriteString(strings.TrimRight(t.Sample.Table("        ", 40), "\n"))
		}
		if t.StoredIn != "" {
			fmt.Fprintf(&b, "\n        every failing row is stored in %s", t.StoredIn)
		}
	}
	if st.DataTest != nil {
		fmt.Fprintf(&b, "\n        compiled SQL: target/compiled/%s", st.DataTest.CompiledPath)
	}
	level := "error"
	if r.Status == materialize.StatusWarn {
		level = "warn"
	}
	p.emit(level, b.String(), map[string]any{"node": st.ID})
}
