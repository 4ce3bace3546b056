// Package dialects defines what kiln needs of a database engine. Each engine
// lives in its own sub-package (duckdb/, postgres/) with the same file names
// for the same concerns: connect.go, quote.go, catalog.go, ddl.go, seed.go.
//
// An engine produces SQL text and answers questions about the catalog; the
// materialize package decides which statements run, in which order and in
// which transaction.
package dialects

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kiln-sql/kiln/models"
)

// Querier is what runs a statement: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// RelationKind says what kind of relation exists in the database.
type RelationKind string

// The relation kinds.
const (
	KindTable            RelationKind = "table"
	KindView             RelationKind = "view"
	KindMaterializedView RelationKind = "materialized_view"
)

// Existing is a relation found in the database.
type Existing struct {
	Relation models.Relation
	Kind     RelationKind
}

// Column is a column of a relation as the database reports it.
type Column struct {
	Name string
	Type string
}

// DependentView is a view that reads a relation, with its definition, so
// that it can be recreated when the relation is replaced.
type DependentView struct {
	Relation   models.Relation
	Definition string // the SELECT
	Kind       RelationKind
	// Restore are the statements that give the recreated view back what
	// its definition does not hold: its comment, options, grants and, for a
	// materialized view, its indexes.
	Restore []string
}

// Capabilities say what an engine can do natively.
type Capabilities struct {
	// MaterializedViews: CREATE MATERIALIZED VIEW exists.
	MaterializedViews bool
	// Merge: MERGE INTO … USING … is available.
	Merge bool
	// ViewsBindToTables: a view follows the table object, not its name, so
	// views must be recreated after a table is swapped (PostgreSQL).
	ViewsBindToTables bool
}

// Engine is one database engine.
type Engine interface {
	// Name is the engine's name, as in a target's type: "duckdb".
	Name() string
	// QuoteIdent quotes one identifier.
	QuoteIdent(name string) string
	// QuoteRelation quotes a schema-qualified relation.
	QuoteRelation(models.Relation) string
	// Capabilities reports what the engine supports for this connection.
	Capabilities() Capabilities

	// Open connects to the target. projectDir resolves relative paths.
	Open(ctx context.Context, projectDir string, t models.Target) (*sql.DB, error)
	// Describe names the target for messages, without secrets.
	Describe(projectDir string, t models.Target) string

	// Relations lists the relations in the given schemas.
	Relations(ctx context.Context, q Querier, schemas []string) ([]Existing, error)
	// Columns lists a relation's columns in order; none when it is missing.
	Columns(ctx context.Context, q Querier, rel models.Relation) ([]Column, error)
	// DependentViews lists the views that read rel, directly or not,
	// upstream first. Engines whose views bind by name return none.
	DependentViews(ctx context.Context, q Querier, rel models.Relation) ([]DependentView, error)
	// Comment returns the comment stored on a relation; "" when it has none,
	// is missing, or the engine keeps no comments kiln relies on.
	Comment(ctx context.Context, q Querier, rel models.Relation) (string, error)

	// LoadSeed creates table rel from a CSV file with the engine's bulk
	// path. types overrides the inferred type of some columns.
	LoadSeed(ctx context.Context, q Querier, rel models.Relation, csvPath string, types map[string]string) (rows int64, err error)

	DDL
}

// DDL produces the text of the statements materializations are made of.
// Relations are passed unquoted; the engine quotes them.
type DDL interface {
	CreateSchema(schema string) string
	CreateTableAs(rel models.Relation, query string, temporary bool) string
	CreateView(rel models.Relation, query string, orReplace bool) string
	CreateMaterializedView(rel models.Relation, query string) string
	RefreshMaterializedView(rel models.Relation, concurrently bool) string
	Drop(rel models.Relation, kind RelationKind) string
	// Rename renames rel within its schema to newName.
	Rename(rel models.Relation, kind RelationKind, newName string) string
	AddColumn(rel models.Relation, col Column) string
	InsertSelect(target models.Relation, cols []string, source models.Relation) string
	DeleteMatching(target, source models.Relation, keys []string) string
	Merge(target, source models.Relation, keys, cols []string) string
	CreateUniqueIndex(rel models.Relation, name string, cols []string) string
	SetComment(rel models.Relation, kind RelationKind, text string) string
	Truncate(rel models.Relation) string
}

// Counter is implemented by engines whose driver reports the rows a
// statement wrote in an unusual way (DuckDB returns CREATE TABLE AS counts
// as a result row). Without it, the executor uses sql.Result.RowsAffected.
type Counter interface {
	ExecCount(ctx context.Context, q Querier, stmt string) (rows int64, err error)
}

// ReplaceLocker is implemented by engines on which replacing a relation,
// with the views that depend on it, must not run beside another such
// replacement: on PostgreSQL two tables swapped at once that one view reads
// both recreate it, and deadlock or read a catalog row the other just
// dropped. ReplaceLock is a statement that takes a lock held until the
// transaction ends; the executor runs it before it looks for dependent
// views, so that the slow part of a build (filling the new table) stays
// parallel.
type ReplaceLocker interface {
	ReplaceLock() string
}

// QueryColumns runs a catalog query whose rows are (name, type) pairs, in
// column order, and collects them: how every engine answers Columns.
func QueryColumns(ctx context.Context, q Querier, rel models.Relation, query string, args ...any) ([]Column, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", rel, err)
	}
	defer rows.Close()
	var out []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
