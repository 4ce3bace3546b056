package materialize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// The statuses of a test in run_results.json, as dbt names them. A test
// that could not run has StatusError; one whose descendants were skipped
// StatusSkipped.
const (
	StatusPass = "pass"
	StatusFail = "fail"
	StatusWarn = "warn"
)

// SampleRows is how many failing rows a test result keeps to show.
const SampleRows = 5

// ErrTestFailed is matched (errors.Is) by the error of a data test that
// failed with error severity, or a unit test whose rows differ.
var ErrTestFailed = errors.New("test failed")

// TestOutcome is what a test step found.
type TestOutcome struct {
	// Failures is the number of rows the test's query returned (capped by
	// its limit), or for a unit test the number of rows that differ.
	Failures int64
	// Severity is the test's configured severity: error or warn.
	Severity string
	// Sample holds the first failing rows of a data test.
	Sample *Rows
	// StoredIn is the table that holds every failing row, when failures
	// are stored.
	StoredIn string
	// Diff shows a failed unit test's rows that differ: -expected +actual.
	Diff *Rows
}

// Rows are query results as text, for showing to a person. NULL is "null".
type Rows struct {
	Columns []string
	Rows    [][]string
}

// NewBuildPlan plans kiln build: the selected seeds, models and tests in
// the order of compiler.Result.BuildGraph, where each data test runs right
// after the node it tests and before that node's children, and each unit
// test before its model. A failing error-severity test (or unit test) so
// skips everything downstream of what it tests.
func NewBuildPlan(res *compiler.Result, selected []string, existing []dialects.Existing, opts Options) (*Plan, error) {
	return newPlan(res, res.BuildGraph(), selected, existing, opts)
}

// FailuresSchema is the schema that holds the failing rows of stored
// tests: the target's schema with _kiln_test_failures appended (dbt's
// <schema>_dbt_test__audit).
func FailuresSchema(targetSchema string) string { return targetSchema + "_kiln_test_failures" }

// newTestStep is the step of a data test or unit test.
func newTestStep(res *compiler.Result, id string, n any, opts Options) *Step {
	switch t := n.(type) {
	case *models.Test:
		st := &Step{ID: id, Name: t.Name, ResourceType: models.ResourceTest, Path: t.CompiledPath,
			Materialized: models.TestMaterialization, DataTest: t}
		if opts.StoreFailures || t.Config.StoreFailures != nil && *t.Config.StoreFailures {
			st.Relation = models.Relation{Schema: FailuresSchema(res.Project.Target.Schema), Name: t.Name}
		}
		return st
	case *models.UnitTest:
		return &Step{ID: id, Name: t.Name, ResourceType: models.ResourceTest, Path: t.Path + "/" + t.Model + "__" + t.Name + ".sql",
			Materialized: models.TestMaterialization, UnitTest: t}
	}
	return nil
}

// describeTest says what kind of test a step is, for progress lines.
func (s *Step) describeTest() string {
	if s.UnitTest != nil {
		return "unit test"
	}
	if s.DataTest.TestName != "" {
		return s.DataTest.TestName + " test"
	}
	return "singular test"
}

// Stored says whether a data test keeps its failing rows in a table.
func (s *Step) Stored() bool { return s.DataTest != nil && s.Relation.Name != "" }

// testStatements are what a test step would run, for a dry run.
func (x *Executor) testStatements(st *Step) []string {
	sql := compiler.TrimStatement(x.Compiled.CompiledTests[st.ID])
	if st.UnitTest != nil {
		return []string{"-- on an in-memory DuckDB: load the given rows, run the model on them and compare with the expected rows", sql}
	}
	if st.Stored() {
		return []string{x.Engine.Drop(st.Relation, dialects.KindTable), x.Engine.CreateTableAs(st.Relation, x.limited(st, sql), false),
			"select count(*) from " + x.Engine.QuoteRelation(st.Relation)}
	}
	return []string{countQuery(x.limited(st, sql))}
}

func countQuery(sql string) string {
	return "select count(*) as failures from (\n" + sql + "\n) as kiln_test"
}

// limited applies the test's limit config to its query.
func (x *Executor) limited(st *Step, sql string) string {
	if l := st.DataTest.Config.Limit; l != nil {
		return fmt.Sprintf("select * from (\n%s\n) as kiln_test_rows\nlimit %d", sql, *l)
	}
	return sql
}

// runTest runs a data test or a unit test.
func (x *Executor) runTest(ctx context.Context, st *Step) *NodeResult {
	r := &NodeResult{Step: st, Started: time.Now()}
	if st.UnitTest != nil {
		x.runUnitTest(ctx, st, r)
	} else {
		x.runDataTest(ctx, st, r)
	}
	r.Duration = time.Since(r.Started)
	if r.Status == StatusError && ctx.Err() != nil {
		r.Message = cancelledMessage(errors.New(r.Message))
	}
	return r
}

// runDataTest counts the rows of the test's query and judges them by the
// test's severity, error_if and warn_if. With stored failures, the rows
// are first written to a table in the failures schema, in one transaction
// with the count.
func (x *Executor) runDataTest(ctx context.Context, st *Step, r *NodeResult) {
	t := st.DataTest
	sql := x.limited(st, compiler.TrimStatement(x.Compiled.CompiledTests[st.ID]))
	out := &TestOutcome{Severity: t.Config.Severity}
	r.Test = out
	rec := &recorder{engine: x.Engine}
	err := x.inTransaction(ctx, rec, func() error {
		from := "(\n" + sql + "\n) as kiln_test"
		if st.Stored() {
			if err := rec.exec(x.Engine.Drop(st.Relation, dialects.KindTable)); err != nil {
				return err
			}
			if err := rec.exec(x.Engine.CreateTableAs(st.Relation, sql, false)); err != nil {
				return err
			}
			from = x.Engine.QuoteRelation(st.Relation)
			out.StoredIn = st.Relation.String()
		}
		count := "select count(*) as failures from " + from
		rec.statements = append(rec.statements, count)
		if err := rec.q.QueryRowContext(ctx, count).Scan(&out.Failures); err != nil {
			return err
		}
		if out.Failures == 0 {
			return nil
		}
		sample := fmt.Sprintf("select * from %s limit %d", from, SampleRows)
		rec.statements = append(rec.statements, sample)
		rows, err := rec.q.QueryContext(ctx, sample)
		if err != nil {
			return err
		}
		out.Sample, err = readRows(rows)
		return err
	})
	r.Statements = rec.statements
	if err != nil {
		r.Status, r.Err, r.Message = StatusError, err, err.Error()
		r.Test.StoredIn = ""
		return
	}
	r.Status, r.Message = judge(t.Config, out.Failures)
	if r.Status == StatusFail {
		r.Err = fmt.Errorf("%w: %s", ErrTestFailed, r.Message)
	}
}

// judge applies dbt's rules: with error severity, error_if decides a
// failure and warn_if a warning; with warn severity only warn_if counts.
// Both default to "!=0".
func judge(c models.Config, failures int64) (status, message string) {
	cond := func(s string) compiler.Condition {
		if s == "" {
			s = "!=0"
		}
		k, err := compiler.ParseCondition(s)
		if err != nil { // checked when the project was compiled
			k = compiler.Condition{Op: "!=", N: 0}
		}
		return k
	}
	errorIf, warnIf := cond(c.ErrorIf), cond(c.WarnIf)
	rows := fmt.Sprintf("%d failing %s", failures, plural(failures, "row", "rows"))
	switch {
	case c.Severity != models.SeverityWarn && errorIf.Holds(failures):
		return StatusFail, fmt.Sprintf("%s (fails when %s %d)", rows, errorIf.Op, errorIf.N)
	case warnIf.Holds(failures):
		return StatusWarn, fmt.Sprintf("%s (warns when %s %d)", rows, warnIf.Op, warnIf.N)
	}
	if failures == 0 {
		return StatusPass, "no failing rows"
	}
	return StatusPass, rows + " (within error_if and warn_if)"
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// readRows reads every row of rows as text and closes it.
func readRows(rows *sql.Rows) (*Rows, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := &Rows{Columns: cols, Rows: [][]string{}}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		line := make([]string, len(cols))
		for i, v := range vals {
			line[i] = cellText(v)
		}
		out.Rows = append(out.Rows, line)
	}
	return out, rows.Err()
}

// cellText formats one value for a person.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []byte:
		return string(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Table formats rows as a small text table, each line prefixed with
// indent; cells longer than width are cut.
func (r *Rows) Table(indent string, width int) string {
	if r == nil {
		return ""
	}
	cut := func(s string) string {
		s = strings.ReplaceAll(s, "\n", `\n`)
		if len([]rune(s)) > width {
			return string([]rune(s)[:width-1]) + "…"
		}
		return s
	}
	widths := make([]int, len(r.Columns))
	for i, c := range r.Columns {
		widths[i] = len([]rune(cut(c)))
	}
	for _, row := range r.Rows {
		for i, v := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], len([]rune(cut(v))))
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString(indent)
		for i, c := range cells {
			if i > 0 {
				b.WriteString(" | ")
			}
			c = cut(c)
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))))
			}
		}
		b.WriteString("\n")
	}
	line(r.Columns)
	sep := make([]string, len(r.Columns))
	for i := range sep {
		sep[i] = strings.Repeat("-", widths[i])
	}
	b.WriteString(indent + strings.Join(sep, "-+-") + "\n")
	for _, row := range r.Rows {
		line(row)
	}
	return b.String()
}
