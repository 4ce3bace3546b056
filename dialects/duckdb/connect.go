package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// Engine is the DuckDB engine. The zero value is ready to use.
type Engine struct {
	dialects.StandardDDL
}

// New returns the DuckDB engine.
func New() *Engine {
	return &Engine{StandardDDL: dialects.StandardDDL{Quote: dialects.QuoteDouble}}
}

// Name returns "duckdb".
func (*Engine) Name() string { return "duckdb" }

// Capabilities: DuckDB has MERGE (since 1.4) and binds views by name, and has
// no materialized views.
func (*Engine) Capabilities() dialects.Capabilities {
	return dialects.Capabilities{Merge: true}
}

// Path resolves the target's database file against the project directory.
func Path(projectDir string, t models.Target) string {
	p := t.Path
	if p == "" {
		p = filepath.Join("target", t.Name+".duckdb")
	}
	if p == ":memory:" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(projectDir, filepath.FromSlash(p))
}

// Open opens (creating if needed) the target's database file.
func (e *Engine) Open(ctx context.Context, projectDir string, t models.Target) (*sql.DB, error) {
	path := Path(projectDir, t)
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("creating the directory of %s: %w", e.Describe(projectDir, t), err)
		}
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, e.openError(projectDir, t, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, e.openError(projectDir, t, err)
	}
	return db, nil
}

// openError says what failed to open; a file another process holds gets
// a hint (DuckDB lets one process write a file at a time).
func (e *Engine) openError(projectDir string, t models.Target, err error) error {
	if strings.Contains(err.Error(), "Could not set lock on file") {
		return fmt.Errorf("opening %s: another process has it open (another kiln run, or a DuckDB shell): wait for it to finish, or close it\n%w", e.Describe(projectDir, t), err)
	}
	return fmt.Errorf("opening %s: %w", e.Describe(projectDir, t), err)
}

// Describe names the database file relative to the project.
func (e *Engine) Describe(projectDir string, t models.Target) string {
	p := Path(projectDir, t)
	if rel, err := filepath.Rel(projectDir, p); err == nil && !filepath.IsAbs(t.Path) {
		p = filepath.ToSlash(rel)
	}
	return "duckdb database " + p
}
