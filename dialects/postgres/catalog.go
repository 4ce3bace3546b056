package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// kindOf maps pg_class.relkind to a relation kind.
func kindOf(relkind string) dialects.RelationKind {
	switch relkind {
	case "v":
		return dialects.KindView
	case "m":
		return dialects.KindMaterializedView
	}
	return dialects.KindTable
}

// Relations lists the tables (plain and partitioned), views and
// materialized views of the given schemas.
func (e *Engine) Relations(ctx context.Context, q dialects.Querier, schemas []string) ([]dialects.Existing, error) {
	if len(schemas) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `select n.nspname, c.relname, c.relkind::text
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm')
order by 1, 2`, pq.Array(schemas))
	if err != nil {
		return nil, fmt.Errorf("listing relations: %w", err)
	}
	defer rows.Close()
	var out []dialects.Existing
	for rows.Next() {
		var schema, name, relkind string
		if err := rows.Scan(&schema, &name, &relkind); err != nil {
			return nil, err
		}
		out = append(out, dialects.Existing{Relation: models.Relation{Schema: schema, Name: name}, Kind: kindOf(relkind)})
	}
	return out, rows.Err()
}

// relationFilter is the condition that finds rel in pg_class c joined with
// pg_namespace n, with its two arguments. A relation without a schema is
// looked up among the session's temporary relations.
func relationFilter(rel models.Relation) (string, []any) {
	if rel.Schema == "" {
		return "c.relnamespace = pg_catalog.pg_my_temp_schema() and c.relname = $1", []any{rel.Name}
	}
	return "n.nspname = $1 and c.relname = $2", []any{rel.Schema, rel.Name}
}

// Columns lists a relation's columns in order, with their types as
// format_type prints them (numeric(10,2), character varying(20), …).
func (e *Engine) Columns(ctx context.Context, q dialects.Querier, rel models.Relation) ([]dialects.Column, error) {
	cond, args := relationFilter(rel)
	return dialects.QueryColumns(ctx, q, rel, `select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where `+cond+` and a.attnum > 0 and not a.attisdropped
order by a.attnum`, args...)
}

// Comment returns the comment on a relation, or "".
func (e *Engine) Comment(ctx context.Context, q dialects.Querier, rel models.Relation) (string, error) {
	cond, args := relationFilter(rel)
	rows, err := q.QueryContext(ctx, `select coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '')
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where `+cond, args...)
	if err != nil {
		return "", fmt.Errorf("reading the comment of %s: %w", rel, err)
	}
	defer rows.Close()
	var comment string
	for rows.Next() {
		if err := rows.Scan(&comment); err != nil {
			return "", err
		}
	}
	return comment, rows.Err()
}

// dependentsQuery finds the views and materialized views that read the
// relation $1 (an oid), directly or through other views, through the
// rewrite rules that define them. Each comes with the length of the longest
// path from the relation, so that ordering by it puts every view after the
// views it reads.
const dependentsQuery = `with recursive deps(oid, depth) as (
	select r.ev_class, 1
	from pg_catalog.pg_depend d
	join pg_catalog.pg_rewrite r on r.oid = d.objid
	where d.classid = 'pg_catalog.pg_rewrite'::regclass
	  and d.refclassid = 'pg_catalog.pg_class'::regclass
	  and d.refobjid = $1 and r.ev_class <> $1
	union
	select r.ev_class, deps.depth + 1
	from deps
	join pg_catalog.pg_depend d on d.refobjid = deps.oid
	  and d.classid = 'pg_catalog.pg_rewrite'::regclass
	  and d.refclassid = 'pg_catalog.pg_class'::regclass
	join pg_catalog.pg_rewrite r on r.oid = d.objid
	where r.ev_class <> deps.oid
)
select c.oid, n.nspname, c.relname, c.relkind::text, pg_catalog.pg_get_viewdef(c.oid, true), max(deps.depth)
from deps
join pg_catalog.pg_class c on c.oid = deps.oid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm')
group by c.oid, n.nspname, c.relname, c.relkind
order by max(deps.depth), n.nspname, c.relname`

// ReplaceLock implements dialects.ReplaceLocker with a transaction-level
// advisory lock whose key is kiln's own ("kiln" in ASCII).
func (e *Engine) ReplaceLock() string { return "select pg_advisory_xact_lock(1802071150)" }

// DependentViews lists every view and materialized view that reads rel,
// directly or not, upstream first, with its definition and the statements
// that restore its comments, options, grants and indexes once recreated.
func (e *Engine) DependentViews(ctx context.Context, q dialects.Querier, rel models.Relation) ([]dialects.DependentView, error) {
	oid, err := e.oid(ctx, q, rel)
	if err != nil || oid == 0 {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, dependentsQuery, oid)
	if err != nil {
		return nil, fmt.Errorf("finding the views that depend on %s: %w", rel, err)
	}
	var out []dialects.DependentView
	var oids []int64
	for rows.Next() {
		var v dialects.DependentView
		var oid, depth int64
		var relkind string
		if err := rows.Scan(&oid, &v.Relation.Schema, &v.Relation.Name, &relkind, &v.Definition, &depth); err != nil {
			rows.Close()
			return nil, err
		}
		v.Kind = kindOf(relkind)
		v.Definition = strings.TrimSuffix(strings.TrimSpace(v.Definition), ";")
		out = append(out, v)
		oids = append(oids, oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding the views that depend on %s: %w", rel, err)
	}
	for i := range out {
		if out[i].Restore, err = e.restore(ctx, q, oids[i], out[i]); err != nil {
			return nil, fmt.Errorf("reading view %s: %w", out[i].Relation, err)
		}
	}
	return out, nil
}

// oid returns the oid of rel, or 0 when it does not exist.
func (e *Engine) oid(ctx context.Context, q dialects.Querier, rel models.Relation) (int64, error) {
	cond, args := relationFilter(rel)
	rows, err := q.QueryContext(ctx, `select c.oid from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where `+cond, args...)
	if err != nil {
		return 0, fmt.Errorf("looking up %s: %w", rel, err)
	}
	defer rows.Close()
	var oid int64
	for rows.Next() {
		if err := rows.Scan(&oid); err != nil {
			return 0, err
		}
	}
	return oid, rows.Err()
}

// restore reads what a view's definition does not carry and returns the
// statements that put it back: options (security_barrier, check_option,
// storage parameters), the comments on the view and its columns, the
// privileges granted to others, and a materialized view's indexes. The
// owner is not restored: the recreated view belongs to the user kiln runs
// as.
func (e *Engine) restore(ctx context.Context, q dialects.Querier, oid int64, v dialects.DependentView) ([]string, error) {
	name := e.QuoteRelation(v.Relation)
	word := "view"
	if v.Kind == dialects.KindMaterializedView {
		word = "materialized view"
	}
	var out []string
	collect := func(query string, row func(scan func(...any) error) (string, error)) error {
		rows, err := q.QueryContext(ctx, query, oid)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			stmt, err := row(rows.Scan)
			if err != nil {
				return err
			}
			out = append(out, stmt)
		}
		return rows.Err()
	}
	// Options: each is stored as name=value.
	err := collect(`select opt from pg_catalog.pg_class c, unnest(c.reloptions) as opt where c.oid = $1`,
		func(scan func(...any) error) (string, error) {
			var opt string
			if err := scan(&opt); err != nil {
				return "", err
			}
			k, val, _ := strings.Cut(opt, "=")
			return fmt.Sprintf("alter %s %s set (%s = %s)", word, name, k, dialects.QuoteLiteral(val)), nil
		})
	if err != nil {
		return nil, err
	}
	err = collect(`select pg_catalog.obj_description($1, 'pg_class') where pg_catalog.obj_description($1, 'pg_class') is not null`,
		func(scan func(...any) error) (string, error) {
			var text string
			if err := scan(&text); err != nil {
				return "", err
			}
			return e.SetComment(v.Relation, v.Kind, text), nil
		})
	if err != nil {
		return nil, err
	}
	err = collect(`select a.attname, pg_catalog.col_description(a.attrelid, a.attnum)
from pg_catalog.pg_attribute a
where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped and pg_catalog.col_description(a.attrelid, a.attnum) is not null
order by a.attnum`,
		func(scan func(...any) error) (string, error) {
			var col, text string
			if err := scan(&col, &text); err != nil {
				return "", err
			}
			return fmt.Sprintf("comment on column %s.%s is %s", name, e.QuoteIdent(col), dialects.QuoteLiteral(text)), nil
		})
	if err != nil {
		return nil, err
	}
	err = collect(`select acl.privilege_type,
	case when acl.grantee = 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(acl.grantee)) end,
	acl.is_grantable
from pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) as acl
where c.oid = $1 and acl.grantee <> c.relowner
order by 2, 1`,
		func(scan func(...any) error) (string, error) {
			var priv, grantee string
			var grantable bool
			if err := scan(&priv, &grantee, &grantable); err != nil {
				return "", err
			}
			stmt := fmt.Sprintf("grant %s on %s to %s", strings.ToLower(priv), name, grantee)
			if grantable {
				stmt += " with grant option"
			}
			return stmt, nil
		})
	if err != nil {
		return nil, err
	}
	err = collect(`select pg_catalog.pg_get_indexdef(i.indexrelid)
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
where i.indrelid = $1
order by ic.relname`,
		func(scan func(...any) error) (string, error) {
			var def string
			err := scan(&def)
			return def, err
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}
