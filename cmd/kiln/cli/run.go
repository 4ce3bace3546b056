package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/materialize"
	"github.com/kiln-sql/kiln/models"
)

// runFlags are the flags of the commands that build relations.
type runFlags struct {
	selection
	fullRefresh   bool
	failFast      bool
	dryRun        bool
	storeFailures bool // test and build
}

func (a *app) runCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Build the selected models in dependency order",
		Long: `run compiles the project, then builds every selected model in dependency
order, several at once (--threads). Each model is built in one transaction:
a table is built under a temporary name and swapped in, so a failure or
Ctrl-C leaves the previous version in place. A failed model's descendants
are skipped; the rest of the graph still runs.`,
		Example: `  kiln run
  kiln run --select stg_orders+        # a model and everything downstream
  kiln run --select +customers         # a model and everything upstream
  kiln run --select tag:nightly --exclude customers --threads 8
  kiln run --full-refresh --select config.materialized:incremental
  kiln run --dry-run                   # print the statements, run nothing`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.build(f, models.ResourceModel)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&f.fullRefresh, "full-refresh", false, "rebuild incremental models from scratch")
	cmd.Flags().BoolVarP(&f.failFast, "fail-fast", "x", false, "stop at the first failure")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the plan: the statements each model would run, without running them")
	return cmd
}

func (a *app) seedCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Load seeds/*.csv into tables",
		Long: `seed loads every selected CSV file under seeds/ into a table named after the
file, with the engine's bulk loader. The first row names the columns, empty
fields are NULL, and column types are inferred unless column_types says
otherwise. A reload replaces the table in one transaction.`,
		Example: `  kiln seed
  kiln seed --select raw_orders`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.build(f, models.ResourceSeed)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVarP(&f.failFast, "fail-fast", "x", false, "stop at the first failure")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the statements without running them")
	return cmd
}

// build compiles, selects, plans and executes: the body of run, seed, test
// and build.
func (a *app) build(f runFlags, types ...models.ResourceType) error {
	p, err := a.load()
	if err != nil {
		return err
	}
	pr := p.printer
	defer pr.close()
	ids, err := p.selectNodes(f.selection, types...)
	if err != nil {
		return err
	}
	if err := a.deferUnselected(p, ids); err != nil {
		return err
	}
	if err := p.writeArtifacts(p.modelNames(ids)); err != nil {
		return err
	}
	if err := p.res.WriteTestArtifacts(p.target, ids); err != nil {
		return fmt.Errorf("writing artifacts: %w", err)
	}
	proj := p.res.Project
	engine, err := a.engineFor(proj.Target.Type)
	if err != nil {
		return err
	}
	ctx := a.ctx
	var db *sql.DB // nil when only unit tests run
	if needsTarget(p.res, ids) {
		if db, err = engine.Open(ctx, proj.Dir, proj.Target); err != nil {
			pr.emit("error", err.Error(), nil)
			return exitError{ExitFailure}
		}
		defer db.Close()
	}
	pr.info("kiln %s: %s on target %s (%s), %d %s", compiler.Version, strings.Join(a.args, " "), proj.Target.Name,
		engine.Describe(proj.Dir, proj.Target), proj.Target.Threads, plural(proj.Target.Threads, "thread", "threads"))

	var existing []dialects.Existing
	if db != nil {
		if existing, err = engine.Relations(ctx, db, materialize.Schemas(proj)); err != nil {
			pr.emit("error", err.Error(), nil)
			return exitError{ExitFailure}
		}
	}
	opts := materialize.Options{Threads: proj.Target.Threads, FullRefresh: f.fullRefresh, FailFast: f.failFast, ProjectDir: proj.Dir, StoreFailures: f.storeFailures}
	plan, err := newPlan(p.res, ids, existing, opts, types)
	if err != nil {
		return err
	}
	x := &materialize.Executor{Engine: engine, DB: db, Compiled: p.res, Options: opts, OnEvent: pr.event}
	if hasUnitTests(plan) && !f.dryRun {
		if x.UnitDB, err = openUnitDB(ctx); err != nil {
			pr.emit("error", err.Error(), nil)
			return exitError{ExitFailure}
		}
		defer x.UnitDB.Close()
	}
	if f.dryRun {
		return a.printPlan(ctx, x, plan, pr)
	}
	if len(plan.Steps) == 0 {
		pr.summaryLine("nothing to do: the selection holds no %s", nothingSelected(types))
		return nil
	}
	if err := runHooks(ctx, db, proj.OnRunStart, "on-run-start"); err != nil {
		pr.emit("error", err.Error(), nil)
		return exitError{ExitFailure}
	}
	start := time.Now()
	results, runErr := x.Run(ctx, plan)
	if db != nil && (runErr == nil || ctx.Err() == nil) {
		if err := runHooks(ctx, db, proj.OnRunEnd, "on-run-end"); err != nil {
			pr.emit("error", err.Error(), nil)
			runErr = err
		}
	}
	artifactsErr := writeRunArtifacts(p, engine, results, time.Since(start))
	if artifactsErr != nil {
		pr.emit("error", "writing run artifacts: "+artifactsErr.Error(), nil)
		if runErr == nil {
			runErr = exitError{ExitFailure} // a stale run_results.json must not pass for this run's
		}
	}
	failed := summarize(pr, results, time.Since(pr.start)) // as the progress lines count
	if ctx.Err() != nil {
		pr.summaryLine("interrupted: running statements were cancelled and rolled back; every relation is in its previous or its new complete state")
		return exitError{ExitFailure}
	}
	if runErr != nil && !failed {
		return runErr
	}
	if failed {
		return exitError{ExitFailure}
	}
	return nil
}

// runHooks runs on-run-start or on-run-end statements; none without a
// database.
func runHooks(ctx context.Context, db *sql.DB, hooks []string, what string) error {
	if db == nil {
		return nil
	}
	for _, h := range hooks {
		if _, err := db.ExecContext(ctx, h); err != nil {
			return fmt.Errorf("%s hook failed: %w\n\tthe hook: %s", what, err, h)
		}
	}
	return nil
}

// printPlan prints every step's statements without running them.
func (a *app) printPlan(ctx context.Context, x *materialize.Executor, plan *materialize.Plan, pr *printer) error {
	for _, s := range plan.Schemas {
		pr.info("-- schema\n%s;\n", x.Engine.CreateSchema(s))
	}
	for i, st := range plan.Steps {
		stmts, err := x.Statements(ctx, st)
		if err != nil {
			return err
		}
		what := st.Relation.String()
		if st.ResourceType == models.ResourceTest {
			what = st.Name
		}
		pr.info("-- %d of %d: %s %s (%s)", i+1, len(plan.Steps), st.Describe(), what, st.Path)
		for _, s := range stmts {
			if strings.HasPrefix(s, "--") {
				pr.info("%s", s)
				continue
			}
			pr.info("%s;", s)
		}
		pr.info("")
	}
	pr.summaryLine("dry run: %d %s planned, nothing was run", len(plan.Steps), plural(len(plan.Steps), "step", "steps"))
	return nil
}

// summarize prints the end-of-run counts and whether anything failed.
// A failed test counts as an error, a passed one as a pass; warnings are
// shown with their failing rows and do not count as failures.
func summarize(pr *printer, results []*materialize.NodeResult, elapsed time.Duration) bool {
	var ok, warns, errs, skipped int
	for _, r := range results {
		switch r.Status {
		case materialize.StatusSuccess, materialize.StatusPass:
			ok++
		case materialize.StatusWarn:
			warns++
		case materialize.StatusError, materialize.StatusFail:
			errs++
		case materialize.StatusSkipped:
			skipped++
		}
	}
	if errs > 0 || skipped > 0 || warns > 0 {
		pr.info("")
		for _, r := range results {
			switch {
			case r.Status == materialize.StatusWarn:
				pr.testReport(r, pr.paint(yellow, "WARN "))
			case r.Status == materialize.StatusFail:
				pr.testReport(r, pr.paint(red, "FAIL "))
			case r.Status == materialize.StatusError:
				pr.emit("error", fmt.Sprintf("%s %s: %s", pr.paint(red, "ERROR"), r.Step.Name, r.Message), map[string]any{"node": r.Step.ID})
			case r.Status == materialize.StatusSkipped:
				pr.emit("warn", fmt.Sprintf("%s %s: %s", pr.paint(yellow, "SKIP "), r.Step.Name, r.Message), map[string]any{"node": r.Step.ID})
			}
		}
	}
	pr.summaryLine("Done in %.2fs. PASS=%d WARN=%d ERROR=%d SKIP=%d TOTAL=%d", elapsed.Seconds(), ok, warns, errs, skipped, len(results))
	return errs > 0 || skipped > 0
}

// writeRunArtifacts writes target/run/<path>.sql and target/run_results.json.
func writeRunArtifacts(p *project, engine dialects.Engine, results []*materialize.NodeResult, elapsed time.Duration) error {
	rr := &materialize.RunResults{
		Metadata:    materialize.RunMetadata{SchemaVersion: "https://schemas.getdbt.com/dbt/run-results/v6.json", KilnVersion: compiler.Version, GeneratedAt: time.Now().UTC().Format(time.RFC3339Nano), InvocationID: invocationID()},
		ElapsedTime: elapsed.Seconds(),
		Args:        map[string]any{"target": p.res.Project.Target.Name, "threads": p.res.Project.Target.Threads},
	}
	for _, r := range results {
		rel := ""
		if r.Step.Materialized != models.Ephemeral && r.Step.Relation.Name != "" {
			rel = engine.QuoteRelation(r.Step.Relation)
		}
		rec := r.Record(rel)
		rec.Message = p.printer.redact(rec.Message)
		switch r.Step.ResourceType {
		case models.ResourceModel:
			rec.CompiledCode = p.res.Compiled[r.Step.Name]
		case models.ResourceTest:
			rec.CompiledCode = p.res.CompiledTests[r.Step.ID]
		}
		rr.Results = append(rr.Results, rec)
		if len(r.Statements) > 0 {
			var b strings.Builder
			for _, s := range r.Statements {
				b.WriteString(s)
				if !strings.HasPrefix(s, "--") {
					b.WriteString(";")
				}
				b.WriteString("\n\n")
			}
			file := filepath.Join(p.target, "run", filepath.FromSlash(r.Step.Path))
			if r.Step.ResourceType == models.ResourceSeed {
				file = strings.TrimSuffix(file, ".csv") + ".sql"
			}
			if err := compiler.WriteFileAtomic(file, []byte(b.String())); err != nil {
				return err
			}
		}
	}
	return rr.Write(filepath.Join(p.target, "run_results.json"))
}

func invocationID() string {
	return fmt.Sprintf("%x-%x", time.Now().UnixNano(), os.Getpid())
}
