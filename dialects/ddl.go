package dialects

import (
	"fmt"
	"strings"

	"github.com/kiln-sql/kiln/models"
)

// StandardDDL writes the statements that read the same on every engine kiln
// supports. Engines embed it and override what differs.
type StandardDDL struct {
	// Quote quotes one identifier.
	Quote func(string) string
	// TempSchema, when set, qualifies relations that have no schema, which
	// kiln uses for the session's temporary tables: PostgreSQL's "pg_temp"
	// names the session's own temporary schema, so that a permanent table of
	// the same name is never touched by mistake.
	TempSchema string
}

// QuoteDouble quotes an identifier with double quotes, doubling any inside.
func QuoteDouble(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Relation quotes a relation's non-empty parts and joins them with dots.
func (d StandardDDL) Relation(rel models.Relation) string {
	if rel.Schema == "" && rel.Database == "" && d.TempSchema != "" {
		rel.Schema = d.TempSchema
	}
	parts := make([]string, 0, 3)
	for _, p := range []string{rel.Database, rel.Schema, rel.Name} {
		if p != "" {
			parts = append(parts, d.Quote(p))
		}
	}
	return strings.Join(parts, ".")
}

func (d StandardDDL) list(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = d.Quote(c)
	}
	return strings.Join(q, ", ")
}

// CreateSchema creates a schema unless it exists.
func (d StandardDDL) CreateSchema(schema string) string {
	return "create schema if not exists " + d.Quote(schema)
}

// CreateTableAs creates a table from a query. A temporary table lives in
// the session's own schema, so only its name is used.
func (d StandardDDL) CreateTableAs(rel models.Relation, query string, temporary bool) string {
	if temporary {
		name := d.Quote(rel.Name)
		if d.TempSchema != "" {
			name = d.Relation(models.Relation{Name: rel.Name})
		}
		return fmt.Sprintf("create temporary table %s as (\n%s\n)", name, query)
	}
	return fmt.Sprintf("create table %s as (\n%s\n)", d.Relation(rel), query)
}

// CreateView creates a view, or replaces one.
func (d StandardDDL) CreateView(rel models.Relation, query string, orReplace bool) string {
	verb := "create view"
	if orReplace {
		verb = "create or replace view"
	}
	return fmt.Sprintf("%s %s as (\n%s\n)", verb, d.Relation(rel), query)
}

// CreateMaterializedView creates a populated materialized view.
func (d StandardDDL) CreateMaterializedView(rel models.Relation, query string) string {
	return fmt.Sprintf("create materialized view %s as (\n%s\n)", d.Relation(rel), query)
}

// RefreshMaterializedView refreshes a materialized view's contents.
func (d StandardDDL) RefreshMaterializedView(rel models.Relation, concurrently bool) string {
	if concurrently {
		return "refresh materialized view concurrently " + d.Relation(rel)
	}
	return "refresh materialized view " + d.Relation(rel)
}

// Drop drops a relation of the given kind if it exists. It never cascades:
// a dependent object makes the statement fail rather than vanish silently.
func (d StandardDDL) Drop(rel models.Relation, kind RelationKind) string {
	return fmt.Sprintf("drop %s if exists %s", kindWord(kind), d.Relation(rel))
}

// Rename renames a relation within its schema.
func (d StandardDDL) Rename(rel models.Relation, kind RelationKind, newName string) string {
	return fmt.Sprintf("alter %s %s rename to %s", kindWord(kind), d.Relation(rel), d.Quote(newName))
}

// AddColumn adds a column to a table.
func (d StandardDDL) AddColumn(rel models.Relation, col Column) string {
	return fmt.Sprintf("alter table %s add column %s %s", d.Relation(rel), d.Quote(col.Name), col.Type)
}

// InsertSelect copies the named columns of source into target.
func (d StandardDDL) InsertSelect(target models.Relation, cols []string, source models.Relation) string {
	return fmt.Sprintf("insert into %s (%s)\nselect %s from %s", d.Relation(target), d.list(cols), d.list(cols), d.Relation(source))
}

// DeleteMatching deletes the rows of target whose keys appear in source.
func (d StandardDDL) DeleteMatching(target, source models.Relation, keys []string) string {
	conds := make([]string, len(keys))
	for i, k := range keys {
		conds[i] = fmt.Sprintf("%s.%s is not distinct from __kiln_src.%s", d.Relation(target), d.Quote(k), d.Quote(k))
	}
	return fmt.Sprintf("delete from %s\nwhere exists (select 1 from %s as __kiln_src where %s)",
		d.Relation(target), d.Relation(source), strings.Join(conds, " and "))
}

// Merge upserts source into target by keys: matching rows are updated,
// the others inserted.
func (d StandardDDL) Merge(target, source models.Relation, keys, cols []string) string {
	on := make([]string, len(keys))
	for i, k := range keys {
		on[i] = fmt.Sprintf("__kiln_dst.%s = __kiln_src.%s", d.Quote(k), d.Quote(k))
	}
	var set, vals []string
	for _, c := range cols {
		vals = append(vals, "__kiln_src."+d.Quote(c))
		isKey := false
		for _, k := range keys {
			isKey = isKey || k == c
		}
		if !isKey {
			set = append(set, fmt.Sprintf("%s = __kiln_src.%s", d.Quote(c), d.Quote(c)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "merge into %s as __kiln_dst\nusing %s as __kiln_src\non %s\n", d.Relation(target), d.Relation(source), strings.Join(on, " and "))
	if len(set) > 0 {
		fmt.Fprintf(&b, "when matched then update set %s\n", strings.Join(set, ", "))
	}
	fmt.Fprintf(&b, "when not matched then insert (%s) values (%s)", d.list(cols), strings.Join(vals, ", "))
	return b.String()
}

// Truncate removes every row of a table.
func (d StandardDDL) Truncate(rel models.Relation) string {
	return "truncate table " + d.Relation(rel)
}

// SetComment sets the comment of a relation.
func (d StandardDDL) SetComment(rel models.Relation, kind RelationKind, text string) string {
	return fmt.Sprintf("comment on %s %s is %s", kindWord(kind), d.Relation(rel), QuoteLiteral(text))
}

// QuoteLiteral quotes a string literal with single quotes, doubling any
// inside.
func QuoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// CreateUniqueIndex creates a unique index on a relation.
func (d StandardDDL) CreateUniqueIndex(rel models.Relation, name string, cols []string) string {
	return fmt.Sprintf("create unique index if not exists %s on %s (%s)", d.Quote(name), d.Relation(rel), d.list(cols))
}

func kindWord(kind RelationKind) string {
	switch kind {
	case KindView:
		return "view"
	case KindMaterializedView:
		return "materialized view"
	}
	return "table"
}
