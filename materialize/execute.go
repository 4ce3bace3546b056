package materialize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/dag"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// The statuses of a node in run_results.json, as dbt names them.
const (
	StatusSuccess = "success"
	StatusError   = "error"
	StatusSkipped = "skipped"
)

// NodeResult is what happened to one step.
type NodeResult struct {
	Step     *Step
	Status   string
	Message  string
	Started  time.Time
	Duration time.Duration
	// DBTime is the part of Duration spent waiting for the database; the
	// rest is kiln's own work (rendering, planning, bookkeeping).
	DBTime       time.Duration
	RowsAffected int64
	// Statements are the statements that ran (or would have, for a step
	// that failed), for target/run/.
	Statements []string
	// Notices are remarks for the person running kiln, e.g. a materialized
	// view built as a table.
	Notices []string
	// Err is the failure, for an error, or why the step was skipped.
	Err error
	// Test is what a test step found (test.go); nil for other steps.
	Test *TestOutcome
}

// Event reports progress: a step started, or a step finished.
type Event struct {
	Step     *Step
	Result   *NodeResult // nil when the step starts
	Total    int
	Finished int
	Running  int
}

// Executor runs plans on one database.
type Executor struct {
	Engine   dialects.Engine
	DB       *sql.DB
	Compiled *compiler.Result
	Options  Options
	// UnitDB is an embedded, in-memory DuckDB that unit tests run on,
	// whatever the target (unittest.go); needed only when the plan has
	// unit tests.
	UnitDB *sql.DB
	// OnEvent, when set, is called as steps start and finish, one call at a
	// time.
	OnEvent func(Event)
}

// Run executes the plan: schemas first, then every step in dependency
// order with Options.Threads workers. A failed step's descendants are
// skipped and the run goes on elsewhere. The results are in plan order.
func (x *Executor) Run(ctx context.Context, p *Plan) ([]*NodeResult, error) {
	for _, s := range p.Schemas {
		if _, err := x.DB.ExecContext(ctx, x.Engine.CreateSchema(s)); err != nil {
			return nil, fmt.Errorf("creating schema %s: %w", s, err)
		}
	}
	var mu sync.Mutex
	results := make(map[string]*NodeResult, len(p.Steps))
	finished, running := 0, 0
	emit := func(st *Step, r *NodeResult) {
		if x.OnEvent == nil {
			return
		}
		x.OnEvent(Event{Step: st, Result: r, Total: len(p.Steps), Finished: finished, Running: running})
	}
	outcomes := p.Graph.Walk(ctx, dag.WalkOptions{Workers: max(1, x.Options.Threads), FailFast: x.Options.FailFast},
		func(ctx context.Context, id string) error {
			st := p.byID[id]
			mu.Lock()
			running++
			emit(st, nil)
			mu.Unlock()

			r := x.runStep(ctx, st)

			mu.Lock()
			running--
			finished++
			results[id] = r
			emit(st, r)
			mu.Unlock()
			return r.Err
		})
	out := make([]*NodeResult, 0, len(p.Steps))
	for _, st := range p.Steps {
		if r, ok := results[st.ID]; ok {
			out = append(out, r)
			continue
		}
		o := outcomes[st.ID]
		r := &NodeResult{Step: st, Status: StatusSkipped, Err: o.Err}
		switch {
		case o.Cause != "":
			r.Message = "skipped: depends on " + p.byID[o.Cause].Name + ", which failed"
			if up, ok := p.byID[o.Cause]; ok && results[o.Cause] != nil && results[o.Cause].Status == StatusSkipped {
				r.Message = "skipped: depends on " + up.Name + ", which was skipped"
			}
		case errors.Is(o.Err, dag.ErrFailFast):
			r.Message = "skipped: an earlier step failed and --fail-fast is on"
		case o.Err != nil:
			r.Message = "skipped: " + o.Err.Error()
		}
		out = append(out, r)
	}
	return out, ctx.Err()
}

// runStep builds one step in its own transaction on its own connection.
func (x *Executor) runStep(ctx context.Context, st *Step) *NodeResult {
	if st.ResourceType == models.ResourceTest {
		return x.runTest(ctx, st) // test.go
	}
	r := &NodeResult{Step: st, Started: time.Now()}
	rec := &recorder{engine: x.Engine}
	err := x.inTransaction(ctx, rec, func() error { return x.build(ctx, st, rec) })
	r.Duration = time.Since(r.Started)
	r.Statements = rec.statements
	r.RowsAffected = rec.rows
	r.DBTime = rec.dbTime
	r.Notices = rec.notices
	if err != nil {
		if ctx.Err() == nil {
			err = x.locate(st, err) // errpos.go
		}
		r.Status, r.Err = StatusError, err
		r.Message = err.Error()
		if ctx.Err() != nil {
			r.Message = cancelledMessage(err)
		}
		return r
	}
	r.Status = StatusSuccess
	r.Message = rec.summary
	return r
}

// cancelledMessage says that a step was stopped (Ctrl-C, or --fail-fast
// after another step failed) and rolled back, rather than Go's "context
// canceled".
func cancelledMessage(err error) string {
	msg := err.Error()
	if errors.Is(err, context.Canceled) || strings.Contains(msg, "context canceled") || strings.Contains(msg, "INTERRUPT") || strings.Contains(msg, "canceling statement") {
		return "cancelled: the run was stopped (Ctrl-C, or --fail-fast after a failure) and this step was rolled back"
	}
	return "cancelled: " + msg
}

// inTransaction runs f with rec bound to a transaction on a dedicated
// connection, and commits only when f succeeds. Until the commit, nothing
// f did is visible, so a failure or a kill leaves the old relation in place.
func (x *Executor) inTransaction(ctx context.Context, rec *recorder, f func() error) error {
	start := time.Now()
	conn, err := x.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	rec.dbTime += time.Since(start)
	if err != nil {
		return fmt.Errorf("starting a transaction: %w", err)
	}
	rec.ctx, rec.q = ctx, timedTx{Tx: tx, spent: &rec.dbTime}
	rec.statements = append(rec.statements, "begin")
	if err := f(); err != nil {
		_ = tx.Rollback()
		rec.statements = append(rec.statements, "rollback")
		return err
	}
	rec.statements = append(rec.statements, "commit")
	start = time.Now()
	err = tx.Commit()
	rec.dbTime += time.Since(start)
	if err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// timedTx is a transaction that adds the time its calls spend to spent,
// so that kiln's own overhead per model can be told from the database's
// time. It keeps the *sql.Tx's other methods (PrepareContext for COPY).
type timedTx struct {
	*sql.Tx
	spent *time.Duration
}

func (t timedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	defer t.since(time.Now())
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t timedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	defer t.since(time.Now())
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t timedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	defer t.since(time.Now())
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t timedTx) since(start time.Time) { *t.spent += time.Since(start) }

// recorder runs statements and keeps their text. A dry recorder only keeps
// the text.
type recorder struct {
	engine     dialects.Engine
	ctx        context.Context
	q          dialects.Querier
	dry        bool
	statements []string
	rows       int64
	dbTime     time.Duration // spent inside the database
	summary    string
	notices    []string
}

// exec runs one statement and remembers its affected rows. An error of
// the database's is a *statementError, which keeps the statement, so that
// the error can be placed in the model's file (errpos.go).
func (r *recorder) exec(sql string) error {
	r.statements = append(r.statements, sql)
	if r.dry {
		return nil
	}
	if c, ok := r.engine.(dialects.Counter); ok {
		n, err := c.ExecCount(r.ctx, r.q, sql)
		if err != nil {
			return &statementError{stmt: sql, err: err}
		}
		if n > 0 {
			r.rows = n
		}
		return nil
	}
	res, err := r.q.ExecContext(r.ctx, sql)
	if err != nil {
		return &statementError{stmt: sql, err: err}
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		r.rows = n
	}
	return nil
}

// hook runs a pre_hook or post_hook: its rows are not the model's.
func (r *recorder) hook(sql string) error {
	rows := r.rows
	err := r.exec(sql)
	r.rows = rows
	return err
}

// comment records a note among the statements, for dry runs and run files.
func (r *recorder) comment(text string) {
	r.statements = append(r.statements, "-- "+text)
}
