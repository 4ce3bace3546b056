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
	once sync.Once
	db   *sql.DB
	err  error
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
		p.db = db
	})
	return p.db, p.err
}

// Close closes the in-memory database.
func (p *Parser) Close() error {
	if p.db != nil {
		return p.db.Close()
	}
	return nil
}

// serializeSQL asks the parser for the tree as JSON. Null fields are left
// out, which makes the trees smaller and faster to decode; empty ones are
// kept, since an empty grouping set means something.
const serializeSQL = "select json_serialize_sql(?::varchar, skip_null := true)::varchar"

// Serialize returns json_serialize_sql's output for each query: the parse
// tree, or {"error": true, …} with the parser's message and byte position.
// Queries are spread over a few connections.
func (p *Parser) Serialize(ctx context.Context, queries []string) ([]string, error) {
	db, err := p.open()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(queries))
	workers := min(runtime.GOMAXPROCS(0), len(queries))
	if workers < 1 {
		return out, nil
	}
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
			conn, err := db.Conn(ctx)
			if err != nil {
				errs[w] = err
				return
			}
			defer conn.Close()
			stmt, err := conn.PrepareContext(ctx, serializeSQL)
			if err != nil {
				errs[w] = err
				return
			}
			defer stmt.Close()
			for i := range next {
				if err := stmt.QueryRowContext(ctx, queries[i]).Scan(&out[i]); err != nil {
					errs[w] = fmt.Errorf("serializing a parse tree: %w", err)
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

// Bind runs setup (schemas and empty tables for sources and seeds) in a
// fresh in-memory database, then creates one empty table per query, in
// order, as relations[i], so that later queries can read earlier ones. It returns
// each view's columns with their types, or why DuckDB could not bind the
// query. Nothing is read or written outside of memory.
func (p *Parser) Bind(ctx context.Context, setup []string, relations []models.Relation, queries []string) ([][]models.Column, []string, error) {
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
	for _, s := range setup {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, nil, fmt.Errorf("preparing the binding database: %w", err)
		}
	}
	errs := make([]string, len(queries))
	creates := make([]string, len(queries))
	for i, q := range queries {
		// An empty table, not a view: a view is bound again by everything
		// that reads it, so a chain of 10,000 views costs quadratic time.
		creates[i] = "create table " + e.QuoteRelation(relations[i]) + " as select * from (\n" + q + "\n) limit 0"
	}
	// Tables go in batches of one statement string each; a batch that fails
	// is retried one table at a time to find the one at fault.
	const batch = 256
	for lo := 0; lo < len(creates); lo += batch {
		hi := min(lo+batch, len(creates))
		if _, err := conn.ExecContext(ctx, strings.Join(creates[lo:hi], ";\n")); err == nil {
			continue
		}
		for i := lo; i < hi; i++ {
			if _, err := conn.ExecContext(ctx, "drop table if exists "+e.QuoteRelation(relations[i])); err != nil {
				return nil, nil, err
			}
			if _, err := conn.ExecContext(ctx, creates[i]); err != nil {
				errs[i] = cleanBindError(err.Error())
			}
		}
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
	cols := make([][]models.Column, len(queries))
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

// cleanBindError keeps the first line of DuckDB's message.
func cleanBindError(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}
