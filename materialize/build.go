package materialize

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// Suffixes of the helper relations a build creates next to its target.
const (
	tmpSuffix = "__kiln_tmp" // the new version of a table, before the swap
	newSuffix = "__kiln_new" // the new rows of an incremental model
)

// build runs the statements of one step on rec.
func (x *Executor) build(ctx context.Context, st *Step, rec *recorder) error {
	if st.ResourceType == models.ResourceSeed {
		return x.buildSeed(ctx, st, rec)
	}
	m := st.model
	if m.Config.Materialized == models.Ephemeral {
		rec.summary = "ephemeral: inlined into the models that ref it"
		return nil
	}
	query, err := x.Compiled.Render(m.Name, st.Incremental)
	if err != nil {
		return err
	}
	query = compiler.TrimStatement(query)
	for _, h := range m.Config.PreHook {
		if err := rec.hook(h); err != nil {
			return fmt.Errorf("pre_hook: %w", err)
		}
	}
	switch m.Config.Materialized {
	case models.View:
		err = x.buildView(ctx, st, query, rec)
	case models.Table:
		err = x.buildTable(ctx, st, query, rec)
	case models.Incremental:
		if st.Incremental {
			err = x.buildIncremental(ctx, st, query, rec)
		} else {
			err = x.buildTable(ctx, st, query, rec)
		}
	case models.MaterializedView:
		if !x.Engine.Capabilities().MaterializedViews {
			rec.notices = append(rec.notices, fmt.Sprintf("%s has no materialized views: %s is built as a table", x.Engine.Name(), m.Name))
			err = x.buildTable(ctx, st, query, rec)
		} else {
			err = x.buildMaterializedView(ctx, st, query, rec)
		}
	default:
		err = fmt.Errorf("materialization %q is not supported", m.Config.Materialized)
	}
	if err == nil && (m.Config.Materialized == models.View || m.Config.Materialized == models.MaterializedView && x.Engine.Capabilities().MaterializedViews) {
		err = x.checkContract(ctx, st, st.Relation, rec) // inside the transaction (contract.go)
	}
	if err != nil {
		return err
	}
	for _, h := range m.Config.PostHook {
		if err := rec.hook(h); err != nil {
			return fmt.Errorf("post_hook: %w", err)
		}
	}
	return nil
}

// buildView creates or replaces a view. A table or materialized view in its
// place is dropped in the same transaction.
//
// Where views bind to tables (PostgreSQL), create or replace keeps the
// views that read this one, its grants and its comment, but it refuses to
// drop, rename or retype a column. Then the view is dropped and recreated,
// and the views that depend on it with it, in the same transaction. The
// attempt runs under a savepoint so that its failure does not abort the
// transaction.
func (x *Executor) buildView(ctx context.Context, st *Step, query string, rec *recorder) error {
	switch {
	case st.Existing == "":
		rec.summary = "view created"
		return rec.exec(x.Engine.CreateView(st.Relation, query, false))
	case st.Existing == dialects.KindView && !x.Engine.Capabilities().ViewsBindToTables:
		rec.summary = "view replaced"
		return rec.exec(x.Engine.CreateView(st.Relation, query, true))
	case st.Existing == dialects.KindView:
		if err := rec.exec(savepoint); err != nil {
			return err
		}
		err := rec.exec(x.Engine.CreateView(st.Relation, query, true))
		if err == nil {
			rec.summary = "view replaced"
			if rec.dry {
				rec.comment("if create or replace fails (a column was dropped, renamed or retyped), the view is dropped and recreated with the views that depend on it")
			}
			return rec.exec(releaseSavepoint)
		}
		if ctx.Err() != nil {
			return err
		}
		if err := rec.exec(rollbackToSavepoint); err != nil {
			return err
		}
		rec.comment("create or replace failed: " + firstLine(err.Error()))
		rec.comment("dropping and recreating the view, and the views that depend on it")
	}
	rec.summary = "view replaced"
	return x.replace(ctx, st, rec, func() error {
		return rec.exec(x.Engine.CreateView(st.Relation, query, false))
	})
}

// The savepoint around an attempt that may fail without failing the model.
const (
	savepoint           = "savepoint kiln_attempt"
	releaseSavepoint    = "release savepoint kiln_attempt"
	rollbackToSavepoint = "rollback to savepoint kiln_attempt"
)

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// buildTable builds the new table under a temporary name and swaps it in.
func (x *Executor) buildTable(ctx context.Context, st *Step, query string, rec *recorder) error {
	tmp := st.Relation
	tmp.Name += tmpSuffix
	if err := rec.exec(x.Engine.Drop(tmp, dialects.KindTable)); err != nil { // left by a killed run
		return err
	}
	if err := rec.exec(x.Engine.CreateTableAs(tmp, query, false)); err != nil {
		return err
	}
	if err := x.checkContract(ctx, st, tmp, rec); err != nil { // before the swap (contract.go)
		return err
	}
	rows := rec.rows
	if err := x.swapIn(ctx, st, tmp, rec); err != nil {
		return err
	}
	rec.rows = rows
	rec.summary = "table built"
	return nil
}

// swapIn replaces st's relation with the table tmp.
func (x *Executor) swapIn(ctx context.Context, st *Step, tmp models.Relation, rec *recorder) error {
	if st.Existing == "" {
		return rec.exec(x.Engine.Rename(tmp, dialects.KindTable, st.Relation.Name))
	}
	return x.replace(ctx, st, rec, func() error {
		return rec.exec(x.Engine.Rename(tmp, dialects.KindTable, st.Relation.Name))
	})
}

// replace drops the existing relation and runs create in its place. On
// engines whose views bind to the object rather than its name, the views
// that read the relation are dropped first and recreated after, with their
// comments, options, grants and indexes, in the same transaction, so that
// none is lost. Nothing is dropped with CASCADE: an object kiln does not
// know how to recreate makes the drop, and so the model, fail.
func (x *Executor) replace(ctx context.Context, st *Step, rec *recorder, create func() error) error {
	var deps []dialects.DependentView
	if l, ok := x.Engine.(dialects.ReplaceLocker); ok {
		if err := rec.exec(l.ReplaceLock()); err != nil {
			return err
		}
	}
	if x.Engine.Capabilities().ViewsBindToTables {
		if rec.q == nil {
			rec.comment("the views that depend on " + st.Relation.String() + " are dropped here and recreated after it")
		} else {
			var err error
			if deps, err = x.Engine.DependentViews(ctx, rec.q, st.Relation); err != nil {
				return err
			}
		}
	}
	for _, d := range slices.Backward(deps) {
		if err := rec.exec(x.Engine.Drop(d.Relation, d.Kind)); err != nil {
			return fmt.Errorf("dropping dependent view %s to replace %s: %w", d.Relation, st.Relation, err)
		}
	}
	if err := rec.exec(x.Engine.Drop(st.Relation, st.Existing)); err != nil {
		return err
	}
	if err := create(); err != nil {
		return err
	}
	for _, d := range deps {
		if err := x.recreate(d, rec); err != nil {
			return fmt.Errorf("recreating dependent view %s after replacing %s: %w", d.Relation, st.Relation, err)
		}
	}
	return nil
}

// recreate creates a dependent view again from its old definition. When
// that fails (it reads a column the replaced relation no longer has) and
// the view is itself a view or materialized view model of the project, it
// is created from the model's current SQL instead: a column renamed through
// a chain of view models is then renamed in one run, as the project now
// says, and the model's own step replaces it again later in the run.
func (x *Executor) recreate(d dialects.DependentView, rec *recorder) error {
	create := func(query string) string {
		if d.Kind == dialects.KindMaterializedView {
			return x.Engine.CreateMaterializedView(d.Relation, query)
		}
		return x.Engine.CreateView(d.Relation, query, false)
	}
	restore := func() error {
		for _, s := range d.Restore {
			if err := rec.exec(s); err != nil {
				return err
			}
		}
		return nil
	}
	m := x.viewModel(d)
	if m == nil {
		if err := rec.exec(create(d.Definition)); err != nil {
			return err
		}
		return restore()
	}
	if err := rec.exec(savepoint); err != nil {
		return err
	}
	err := rec.exec(create(d.Definition))
	if err == nil {
		if err := rec.exec(releaseSavepoint); err != nil {
			return err
		}
		return restore()
	}
	if rec.ctx.Err() != nil {
		return err
	}
	rec.comment(fmt.Sprintf("the old definition of %s fails (%s): creating it from model %s", d.Relation, firstLine(err.Error()), m.Name))
	if err := rec.exec(rollbackToSavepoint); err != nil {
		return err
	}
	query, rerr := x.Compiled.Render(m.Name, false)
	if rerr != nil {
		return fmt.Errorf("%w; rendering model %s instead: %w", err, m.Name, rerr)
	}
	if err := rec.exec(create(compiler.TrimStatement(query))); err != nil {
		return err
	}
	// What the old view had may not fit the new one (an index on a column
	// that is gone): each is restored if it can be, under a savepoint.
	for _, s := range d.Restore {
		if err := rec.exec(savepoint); err != nil {
			return err
		}
		if err := rec.exec(s); err != nil {
			if rec.ctx.Err() != nil {
				return err
			}
			rec.comment("not restored: " + firstLine(err.Error()))
			if err := rec.exec(rollbackToSavepoint); err != nil {
				return err
			}
		}
		if err := rec.exec(releaseSavepoint); err != nil {
			return err
		}
	}
	return nil
}

// viewModel returns the view or materialized view model of the project
// whose relation is d, or nil.
func (x *Executor) viewModel(d dialects.DependentView) *models.Model {
	if x.Compiled == nil || x.Compiled.Project == nil {
		return nil
	}
	for _, m := range x.Compiled.Project.Models {
		if m.Relation == d.Relation && (m.Config.Materialized == models.View || m.Config.Materialized == models.MaterializedView) {
			return m
		}
	}
	return nil
}

// buildIncremental adds the model's new rows to its existing table.
func (x *Executor) buildIncremental(ctx context.Context, st *Step, query string, rec *recorder) error {
	cfg := st.model.Config
	strategy := cfg.IncrementalStrategy
	if strategy == "" {
		strategy = models.StrategyAppend
		if len(cfg.UniqueKey) > 0 {
			strategy = models.StrategyMerge
		}
	}
	if strategy != models.StrategyAppend && len(cfg.UniqueKey) == 0 {
		return fmt.Errorf("incremental_strategy %q needs a unique_key (add {{ config \"unique_key\" \"id\" }})", strategy)
	}
	if strategy == models.StrategyMerge && !x.Engine.Capabilities().Merge {
		strategy = models.StrategyDeleteInsert
	}
	tmp := models.Relation{Name: st.Relation.Name + newSuffix}
	if err := rec.exec(x.Engine.Drop(tmp, dialects.KindTable)); err != nil {
		return err
	}
	if err := rec.exec(x.Engine.CreateTableAs(tmp, query, true)); err != nil {
		return err
	}
	if err := x.checkContract(ctx, st, tmp, rec); err != nil { // the new rows (contract.go)
		return err
	}
	// A merge matches one new row per key. (delete+insert may replace many
	// rows per key, a day's partition say: it is not checked.)
	if cfg.IncrementalStrategy == models.StrategyMerge || cfg.IncrementalStrategy == "" && len(cfg.UniqueKey) > 0 {
		if err := x.uniqueNewKeys(ctx, rec, tmp, cfg.UniqueKey); err != nil {
			return err
		}
	}
	cols, err := x.incrementalColumns(ctx, st, tmp, rec)
	if err != nil {
		return err
	}
	switch strategy {
	case models.StrategyAppend:
		err = rec.exec(x.Engine.InsertSelect(st.Relation, cols, tmp))
	case models.StrategyMerge:
		err = rec.exec(x.Engine.Merge(st.Relation, tmp, cfg.UniqueKey, cols))
	case models.StrategyDeleteInsert:
		if err = rec.exec(x.Engine.DeleteMatching(st.Relation, tmp, cfg.UniqueKey)); err == nil {
			err = rec.exec(x.Engine.InsertSelect(st.Relation, cols, tmp))
		}
	}
	if err != nil {
		return err
	}
	rows := rec.rows
	if err := rec.exec(x.Engine.Drop(tmp, dialects.KindTable)); err != nil {
		return err
	}
	rec.rows = rows
	rec.summary = "incremental: " + strategy
	return nil
}

// incrementalColumns compares the new rows' columns with the table's and
// applies on_schema_change. It returns the columns to write.
func (x *Executor) incrementalColumns(ctx context.Context, st *Step, tmp models.Relation, rec *recorder) ([]string, error) {
	if rec.dry {
		rec.comment("the columns written are those of the new rows that the table has (on_schema_change decides about others)")
		return []string{"…"}, nil
	}
	newCols, err := x.Engine.Columns(ctx, rec.q, tmp)
	if err != nil {
		return nil, err
	}
	oldCols, err := x.Engine.Columns(ctx, rec.q, st.Relation)
	if err != nil {
		return nil, err
	}
	has := func(cols []dialects.Column, name string) bool {
		return slices.ContainsFunc(cols, func(c dialects.Column) bool { return strings.EqualFold(c.Name, name) })
	}
	var added, removed []string
	var addedCols []dialects.Column
	for _, c := range newCols {
		if !has(oldCols, c.Name) {
			added = append(added, c.Name)
			addedCols = append(addedCols, c)
		}
	}
	for _, c := range oldCols {
		if !has(newCols, c.Name) {
			removed = append(removed, c.Name)
		}
	}
	// A column whose type changed counts as a change too (dbt's rule):
	// ignore and append_new_columns cast the new rows to the old type.
	var retyped []string
	for _, c := range newCols {
		i := slices.IndexFunc(oldCols, func(o dialects.Column) bool { return strings.EqualFold(o.Name, c.Name) })
		if i >= 0 && !strings.EqualFold(oldCols[i].Type, c.Type) {
			retyped = append(retyped, fmt.Sprintf("%s %s → %s", c.Name, oldCols[i].Type, c.Type))
		}
	}
	policy := st.model.Config.OnSchemaChange
	if policy == "" {
		policy = models.SchemaChangeIgnore
	}
	if (len(added) > 0 || len(removed) > 0 || len(retyped) > 0) && policy == models.SchemaChangeFail {
		return nil, fmt.Errorf("the columns changed (added: %s; removed: %s; retyped: %s) and on_schema_change is fail; run with --full-refresh to rebuild, or set on_schema_change to append_new_columns",
			orNone(added), orNone(removed), orNone(retyped))
	}
	var cols []string
	for _, c := range newCols {
		if has(oldCols, c.Name) {
			cols = append(cols, c.Name)
		}
	}
	if policy == models.SchemaChangeAppend {
		for _, c := range addedCols {
			if err := rec.exec(x.Engine.AddColumn(st.Relation, c)); err != nil {
				return nil, err
			}
			cols = append(cols, c.Name)
		}
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("the new rows share no column with %s", st.Relation)
	}
	return cols, nil
}

// uniqueNewKeys fails when the new rows of a merge repeat a unique_key:
// the table would then hold the key twice (DuckDB) or the MERGE would fail
// half way (PostgreSQL).
func (x *Executor) uniqueNewKeys(ctx context.Context, rec *recorder, tmp models.Relation, keys []string) error {
	if rec.dry || rec.q == nil || len(keys) == 0 {
		return nil
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = x.Engine.QuoteIdent(k)
	}
	list := strings.Join(quoted, ", ")
	query := fmt.Sprintf("select count(*) from (select %s from %s group by %s having count(*) > 1) as repeated", list, x.Engine.QuoteRelation(tmp), list)
	var n int64
	if err := rec.q.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return &statementError{stmt: query, err: err}
	}
	if n > 0 {
		return fmt.Errorf("the new rows repeat %d %s of unique_key %s: the table would hold them twice; keep one row per key in the model (e.g. qualify row_number() over (partition by %s order by …) = 1)",
			n, plural(n, "value", "values"), strings.Join(keys, ", "), strings.Join(keys, ", "))
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// buildMaterializedView creates a native materialized view, refreshes it,
// or rebuilds it when its SQL changed. Engines without materialized views
// never get here.
//
// The view's comment holds a fingerprint of the SQL it was built from (and
// of its unique key); when the compiled SQL is the same, the view is only
// refreshed, concurrently when it has a unique key, so that readers are not
// blocked. Otherwise it is rebuilt in place, with the views that depend on
// it.
func (x *Executor) buildMaterializedView(ctx context.Context, st *Step, query string, rec *recorder) error {
	keys := st.model.Config.UniqueKey
	fp := fingerprint(query, keys)
	index := st.Relation.Name + uniqueIndexSuffix
	create := func() error {
		if err := rec.exec(x.Engine.CreateMaterializedView(st.Relation, query)); err != nil {
			return err
		}
		rows := rec.rows
		if err := rec.exec(x.Engine.SetComment(st.Relation, dialects.KindMaterializedView, fp)); err != nil {
			return err
		}
		if len(keys) > 0 {
			if err := rec.exec(x.Engine.CreateUniqueIndex(st.Relation, index, keys)); err != nil {
				return fmt.Errorf("creating the unique index on %s: %w", strings.Join(keys, ", "), err)
			}
		}
		rec.rows = rows
		return nil
	}
	if st.Existing == "" {
		rec.summary = "materialized view created"
		return create()
	}
	if st.Existing == dialects.KindMaterializedView {
		same := true
		if rec.q == nil {
			rec.comment("refreshed when its comment holds " + fp + ", else rebuilt")
		} else {
			comment, err := x.Engine.Comment(ctx, rec.q, st.Relation)
			if err != nil {
				return err
			}
			same = comment == fp
		}
		if same {
			if len(keys) > 0 {
				// A rebuild of an upstream relation recreates the view with its
				// indexes; this only heals one dropped by hand.
				if err := rec.exec(x.Engine.CreateUniqueIndex(st.Relation, index, keys)); err != nil {
					return err
				}
			}
			rec.summary = "materialized view refreshed"
			return rec.exec(x.Engine.RefreshMaterializedView(st.Relation, len(keys) > 0))
		}
		rec.comment("the compiled SQL changed: rebuilding the materialized view")
	}
	rec.summary = "materialized view rebuilt"
	return x.replace(ctx, st, rec, create)
}

// uniqueIndexSuffix names the unique index of a materialized view with a
// unique key, which REFRESH … CONCURRENTLY needs.
const uniqueIndexSuffix = "__kiln_uidx"

// fingerprint identifies the SQL and unique key a materialized view was
// built from: kiln:sha256:<hex of the SQL>, then the key if any.
func fingerprint(query string, keys []string) string {
	sum := sha256.Sum256([]byte(query))
	fp := "kiln:sha256:" + hex.EncodeToString(sum[:])
	if len(keys) > 0 {
		fp += " unique_key:" + strings.Join(keys, ",")
	}
	return fp
}

// buildSeed loads a CSV file under a temporary name and swaps it in. Where
// views bind to tables (PostgreSQL) and the table exists with the same
// columns, it is truncated and refilled from the loaded rows instead, so
// that the views that read it are not touched.
func (x *Executor) buildSeed(ctx context.Context, st *Step, rec *recorder) error {
	tmp := st.Relation
	tmp.Name += tmpSuffix
	if err := rec.exec(x.Engine.Drop(tmp, dialects.KindTable)); err != nil {
		return err
	}
	path := filepath.Join(x.Options.ProjectDir, filepath.FromSlash(st.Path))
	rec.comment(fmt.Sprintf("load %s into %s", st.Path, tmp))
	if !rec.dry {
		n, err := x.Engine.LoadSeed(ctx, rec.q, tmp, path, st.seed.Config.ColumnTypes)
		var se *dialects.SeedError
		switch {
		case errors.As(err, &se) && se.Col > 0:
			return fmt.Errorf("%s:%d:%d: %s", st.Path, se.Line, se.Col, se.Msg)
		case errors.As(err, &se):
			return fmt.Errorf("%s:%d: %s", st.Path, se.Line, se.Msg)
		case err != nil:
			return fmt.Errorf("loading %s: %w", st.Path, err)
		}
		rec.rows = n
	}
	rows := rec.rows
	if x.Engine.Capabilities().ViewsBindToTables && st.Existing == dialects.KindTable {
		cols, same, err := x.sameColumns(ctx, st.Relation, tmp, rec)
		if err != nil {
			return err
		}
		if same {
			if rec.dry {
				rec.comment("if the columns are unchanged: truncate and refill, so that the views that read it survive; otherwise swap")
			}
			for _, stmt := range []string{
				x.Engine.Truncate(st.Relation),
				x.Engine.InsertSelect(st.Relation, cols, tmp),
				x.Engine.Drop(tmp, dialects.KindTable),
			} {
				if err := rec.exec(stmt); err != nil {
					return err
				}
			}
			rec.rows = rows
			rec.summary = "seed reloaded"
			return nil
		}
		rec.comment("the columns changed: swapping the table and recreating the views that read it")
	}
	if err := x.swapIn(ctx, st, tmp, rec); err != nil {
		return err
	}
	rec.rows = rows
	rec.summary = "seed loaded"
	return nil
}

// sameColumns says whether the loaded rows in tmp have exactly the columns
// of rel, names and types in order, and returns their names. A dry run
// assumes they do.
func (x *Executor) sameColumns(ctx context.Context, rel, tmp models.Relation, rec *recorder) ([]string, bool, error) {
	if rec.dry {
		cols := []string{"…"}
		if rec.q != nil {
			old, err := x.Engine.Columns(ctx, rec.q, rel)
			if err != nil {
				return nil, false, err
			}
			cols = columnNames(old)
		}
		return cols, true, nil
	}
	old, err := x.Engine.Columns(ctx, rec.q, rel)
	if err != nil {
		return nil, false, err
	}
	loaded, err := x.Engine.Columns(ctx, rec.q, tmp)
	if err != nil {
		return nil, false, err
	}
	return columnNames(loaded), slices.Equal(old, loaded), nil
}

func columnNames(cols []dialects.Column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}
