package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/kiln-sql/kiln/dialects"
)

// ExecCount runs a statement and returns the rows it wrote. DuckDB answers
// CREATE TABLE … AS with one row holding the count, and reports no
// affected rows for it.
func (*Engine) ExecCount(ctx context.Context, q dialects.Querier, stmt string) (int64, error) {
	if !strings.HasPrefix(stmt, "create table ") && !strings.HasPrefix(stmt, "create temporary table ") {
		res, err := q.ExecContext(ctx, stmt)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		return n, nil
	}
	var n int64
	err := q.QueryRowContext(ctx, stmt).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) { // create table without AS, e.g. in a hook
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}
