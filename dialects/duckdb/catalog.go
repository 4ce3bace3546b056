package duckdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// Relations lists the tables and views of the given schemas in the current
// database.
func (e *Engine) Relations(ctx context.Context, q dialects.Querier, schemas []string) ([]dialects.Existing, error) {
	if len(schemas) == 0 {
		return nil, nil
	}
	args := make([]any, len(schemas))
	marks := make([]string, len(schemas))
	for i, s := range schemas {
		args[i] = s
		marks[i] = "?"
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`select table_schema, table_name, table_type
from information_schema.tables
where table_catalog = current_database() and table_schema in (%s)
order by 1, 2`, strings.Join(marks, ", ")), args...)
	if err != nil {
		return nil, fmt.Errorf("listing relations: %w", err)
	}
	defer rows.Close()
	var out []dialects.Existing
	for rows.Next() {
		var schema, name, typ string
		if err := rows.Scan(&schema, &name, &typ); err != nil {
			return nil, err
		}
		kind := dialects.KindTable
		if typ == "VIEW" {
			kind = dialects.KindView
		}
		out = append(out, dialects.Existing{Relation: models.Relation{Schema: schema, Name: name}, Kind: kind})
	}
	return out, rows.Err()
}

// Columns lists a relation's columns. A relation without a schema is looked
// up among the session's temporary tables.
func (e *Engine) Columns(ctx context.Context, q dialects.Querier, rel models.Relation) ([]dialects.Column, error) {
	catalog := "current_database()"
	schema := rel.Schema
	if schema == "" {
		catalog, schema = "'temp'", "main"
	}
	return dialects.QueryColumns(ctx, q, rel, fmt.Sprintf(`select column_name, data_type
from information_schema.columns
where table_catalog = %s and table_schema = ? and table_name = ?
order by ordinal_position`, catalog), schema, rel.Name)
}

// DependentViews returns none: DuckDB views refer to tables by name and
// follow a swapped table without help.
func (*Engine) DependentViews(context.Context, dialects.Querier, models.Relation) ([]dialects.DependentView, error) {
	return nil, nil
}

// Comment returns "": kiln builds DuckDB's materialized views as tables,
// rebuilt on every run, so it keeps no fingerprint in comments.
func (*Engine) Comment(context.Context, dialects.Querier, models.Relation) (string, error) {
	return "", nil
}
