package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/kiln-sql/kiln/models"
)

// Parser is DuckDB's own SQL parser and binder, run in a private in-memory
// database that holds no data: it never touches a target. It implements
// compiler.Analyzer. A Parser is safe for concurrent use; Close releases
// its database.
type Parser struct {
	once      sync.Once
	db        *sql.DB
	serialize *sql.Stmt // serializeSQL, prepared once for every connection
	err       error
}

// NewParser returns a parser; the in-memory database opens on first use.
func NewParser() *Parser { return &Parser{} }

func (p *Parser) open() (*sql.DB, error) {
	p.once.Do(func() {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			p.err = fmt.Errorf("opening an in-memory duckdb for parsing: %w", err)
			return
		}
		db.SetMaxOpenConns(runtime.GOMAXPROCS(0) + 1)
		db.SetMaxIdleConns(runtime.GOMAXPROCS(0) + 1)
		stmt, err := db.Prepare(serializeSQL)
		if err != nil {
			db.Close()
			p.err = fmt.Errorf("preparing the parser: %w", err)
			return
		}
		p.db, p.serialize = db, stmt
	})
	return p.db, p.err
}

// Close closes the in-memory database.
func (p *Parser) Close() error {
	if p.db != nil {
		return errors.Join(p.serialize.Close(), p.db.Close())
	}
	return nil
}

// serializeSQL asks the parser for the tree as JSON. Null fields are left
// out, which makes the trees smaller and faster to decode; empty ones are
// kept, since an empty grouping set means something.
const serializeSQL = "select json_serialize_sql(?::varchar, skip_null := true)::varchar"

// Serialize returns json_serialize_sql's output for each query: the parse
// tree, or {"error": true, …} with the parser's message and byte position.
// Queries are spread over a few connections; callers may also call it from
// several goroutines at once, one query each.
func (p *Parser) Serialize(ctx context.Context, queries []string) ([]string, error) {
	if _, err := p.open(); err != nil {
		return nil, err
	}
	out := make([]string, len(queries))
	one := func(i int) error {
		if err := p.serialize.QueryRowContext(ctx, queries[i]).Scan(&out[i]); err != nil {
			return fmt.Errorf("serializing a parse tree: %w", err)
		}
		return nil
	}
	if len(queries) == 1 {
		if err := one(0); err != nil {
			return nil, err
		}
		return out, nil
	}
	workers := min(runtime.GOMAXPROCS(0), len(queries))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	next := make(chan int, len(queries))
	for i := range queries {
		next <- i
	}
	close(next)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := one(i); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// Bind runs setup (schemas and empty tables for sources) in a fresh
// in-memory database, then creates one empty table for each step that next
// returns, in order, so that later queries can read earlier relations: the
// result of the step's query, or a table with the step's columns. next may
// block until the following step is known; it reports false after the
// last. Bind returns each table's columns with their types, or why DuckDB
// could not bind the query, in the order next gave them. Nothing is read
// or written outside of memory.
//
// A step's Reads name schema-qualified relations that its query reads for
// certain: when one of them does not exist by its turn (an earlier query
// failed, or nothing created it), the query cannot be bound and is not
// tried.
func (p *Parser) Bind(ctx context.Context, setup []string, next func() (models.BindStep, bool)) ([][]models.Column, []string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, nil, fmt.Errorf("opening an in-memory duckdb for binding: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	e := New()
	// One thread: the statements are small, and waking a pool of threads
	// for each costs more than it saves (about a fifth of the CPU time).
	for _, s := range append([]string{"set threads = 1"}, setup...) {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, nil, fmt.Errorf("preparing the binding database: %w", err)
		}
	}
	exists, err := relationsIn(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	var relations []models.Relation
	var errs []string
	for {
		step, ok := next()
		if !ok {
			break
		}
		i := len(relations)
		relations = append(relations, step.Relation)
		errs = append(errs, "")
		var create string
		if step.Query == "" {
			cols := make([]string, len(step.Columns))
			for j, c := range step.Columns {
				cols[j] = e.QuoteIdent(c.Name) + " " + c.DataType
			}
			create = "create table if not exists " + e.QuoteRelation(step.Relation) + " (" + strings.Join(cols, ", ") + ")"
		} else {
			if missing := missingRelation(exists, step.Reads); missing != "" {
				errs[i] = "Catalog Error: Table with name " + missing + " does not exist"
				continue
			}
			// An empty table, not a view: a view is bound again by
			// everything that reads it, so a chain of 10,000 views costs
			// quadratic time. One statement per call: a batch that fails
			// would have to be undone and run again one by one to find the
			// statement at fault, and batching saves little (DuckDB's own
			// cost per statement dominates).
			create = "create table " + e.QuoteRelation(step.Relation) + " as select * from (\n" + step.Query + "\n) limit 0"
		}
		if _, err := conn.ExecContext(ctx, create); err != nil {
			errs[i] = cleanBindError(err.Error())
			continue
		}
		exists[relationKey(step.Relation.Schema, step.Relation.Name)] = true
	}
	rows, err := conn.QueryContext(ctx, `select schema_name, table_name, column_name, data_type
from duckdb_columns() where database_name = current_database() order by schema_name, table_name, column_index`)
	if err != nil {
		return nil, nil, fmt.Errorf("reading bound columns: %w", err)
	}
	defer rows.Close()
	byRel := map[models.Relation][]models.Column{}
	for rows.Next() {
		var schema, table, name, typ string
		if err := rows.Scan(&schema, &table, &name, &typ); err != nil {
			return nil, nil, err
		}
		r := models.Relation{Schema: schema, Name: table}
		byRel[r] = append(byRel[r], models.Column{Name: name, DataType: typ})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	cols := make([][]models.Column, len(relations))
	for i, r := range relations {
		if errs[i] != "" {
			continue
		}
		if r.Schema == "" {
			r.Schema = "main"
		}
		cols[i] = byRel[r]
	}
	return cols, errs, nil
}

// relationKey is how the binding database finds a relation: schema and
// name, case-insensitively, in main when no schema is given.
func relationKey(schema, name string) string {
	if schema == "" {
		schema = "main"
	}
	return strings.ToLower(schema) + "." + strings.ToLower(name)
}

// relationsIn lists the tables and views of the binding database.
func relationsIn(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, `select schema_name, table_name from duckdb_tables() where database_name = current_database()
union all select schema_name, view_name from duckdb_views() where database_name = current_database()`)
	if err != nil {
		return nil, fmt.Errorf("listing the binding database's tables: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var schema, name string
		if err := rows.Scan(&schema, &name); err != nil {
			return nil, err
		}
		out[relationKey(schema, name)] = true
	}
	return out, rows.Err()
}

// missingRelation returns the first of reads that does not exist, "" when
// all do. A first part that names one of DuckDB's databases rather than a
// schema (memory.t, temp.t, system.t) is left for DuckDB to resolve.
func missingRelation(exists map[string]bool, reads []models.Relation) string {
	for _, r := range reads {
		if r.Schema == "" {
			continue
		}
		switch strings.ToLower(r.Schema) {
		case "memory", "temp", "system":
			continue
		}
		if !exists[relationKey(r.Schema, r.Name)] {
			return r.Schema + "." + r.Name
		}
	}
	return ""
}

// cleanBindError keeps the first line of DuckDB's message.
func cleanBindError(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}
