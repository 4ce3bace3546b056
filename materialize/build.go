package materialize

import (
	"context"
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
		if err := rec.exec(h); err != nil {
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
	if err != nil {
		return err
	}
	for _, h := range m.Config.PostHook {
		if err := rec.exec(h); err != nil {
			return fmt.Errorf("post_hook: %w", err)
		}
	}
	return nil
}

// buildView creates or replaces a view. A table or materialized view in its
// place is dropped in the same transaction.
func (x *Executor) buildView(ctx context.Context, st *Step, query string, rec *recorder) error {
	caps := x.Engine.Capabilities()
	if st.Existing == dialects.KindView && !caps.ViewsBindToTables {
		rec.summary = "view replaced"
		return rec.exec(x.Engine.CreateView(st.Relation, query, true))
	}
	if st.Existing == "" {
		rec.summary = "view created"
		return rec.exec(x.Engine.CreateView(st.Relation, query, false))
	}
	rec.summary = "view replaced"
	return x.replace(ctx, st, rec, func() error {
		return rec.exec(x.Engine.CreateView(st.Relation, query, false))
	})
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
// that read the relation are dropped first and recreated after, in the same
// transaction, so that none is lost.
func (x *Executor) replace(ctx context.Context, st *Step, rec *recorder, create func() error) error {
	var deps []dialects.DependentView
	if x.Engine.Capabilities().ViewsBindToTables && !rec.dry {
		var err error
		if deps, err = x.Engine.DependentViews(ctx, rec.q, st.Relation); err != nil {
			return err
		}
	}
	for _, d := range slices.Backward(deps) {
		if err := rec.exec(x.Engine.Drop(d.Relation, d.Kind)); err != nil {
			return err
		}
	}
	if err := rec.exec(x.Engine.Drop(st.Relation, st.Existing)); err != nil {
		return err
	}
	if err := create(); err != nil {
		return err
	}
	for _, d := range deps {
		var stmt string
		if d.Kind == dialects.KindMaterializedView {
			stmt = x.Engine.CreateMaterializedView(d.Relation, d.Definition)
		} else {
			stmt = x.Engine.CreateView(d.Relation, d.Definition, false)
		}
		if err := rec.exec(stmt); err != nil {
			return fmt.Errorf("recreating dependent view %s after replacing %s: %w", d.Relation, st.Relation, err)
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
	policy := st.model.Config.OnSchemaChange
	if policy == "" {
		policy = models.SchemaChangeIgnore
	}
	if (len(added) > 0 || len(removed) > 0) && policy == models.SchemaChangeFail {
		return nil, fmt.Errorf("the columns changed (added: %s; removed: %s) and on_schema_change is fail; run with --full-refresh to rebuild, or set on_schema_change to append_new_columns",
			orNone(added), orNone(removed))
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

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// buildMaterializedView creates a native materialized view, refreshes it,
// or rebuilds it when its SQL changed. Engines without materialized views
// never get here.
func (x *Executor) buildMaterializedView(ctx context.Context, st *Step, query string, rec *recorder) error {
	if st.Existing == "" {
		rec.summary = "materialized view created"
		return rec.exec(x.Engine.CreateMaterializedView(st.Relation, query))
	}
	rec.summary = "materialized view rebuilt"
	return x.replace(ctx, st, rec, func() error {
		return rec.exec(x.Engine.CreateMaterializedView(st.Relation, query))
	})
}

// buildSeed loads a CSV file under a temporary name and swaps it in.
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
		if err != nil {
			return fmt.Errorf("loading %s: %w", st.Path, err)
		}
		rec.rows = n
	}
	rows := rec.rows
	if err := x.swapIn(ctx, st, tmp, rec); err != nil {
		return err
	}
	rec.rows = rows
	rec.summary = "seed loaded"
	return nil
}
