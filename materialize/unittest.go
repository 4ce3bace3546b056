package materialize

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// ErrNoUnitDB is the error of a unit test run by an Executor without a
// UnitDB.
var ErrNoUnitDB = errors.New("no in-memory DuckDB for unit tests (Executor.UnitDB is nil)")

// runUnitTest runs one unit test on the Executor's in-memory DuckDB, in a
// transaction that is always rolled back: it loads the given rows into
// tables of the test's own schema, runs the model's SQL (rendered against
// those tables when the project was compiled), and compares the columns
// named in expect with the expected rows, in any order.
func (x *Executor) runUnitTest(ctx context.Context, st *Step, r *NodeResult) {
	u := st.UnitTest
	out := &TestOutcome{Severity: models.SeverityError}
	r.Test = out
	fail := func(err error) {
		r.Status, r.Err, r.Message = StatusError, err, err.Error()
	}
	if x.UnitDB == nil {
		fail(ErrNoUnitDB)
		return
	}
	conn, err := x.UnitDB.Conn(ctx)
	if err != nil {
		fail(fmt.Errorf("connecting to the unit test database: %w", err))
		return
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("starting a transaction: %w", err))
		return
	}
	defer tx.Rollback() //nolint:errcheck // nothing is kept

	exec := func(stmt string) error {
		r.Statements = append(r.Statements, stmt)
		_, err := tx.ExecContext(ctx, stmt)
		return err
	}
	schema := ""
	for _, in := range u.Given {
		if in.Relation.Schema != schema {
			schema = in.Relation.Schema
			if err := exec("create schema " + quoteIdent(schema)); err != nil {
				fail(err)
				return
			}
		}
		if err := exec(inputTable(in)); err != nil {
			fail(fmt.Errorf("loading the rows of %s: %w", in.Input, err))
			return
		}
	}
	if schema == "" {
		schema = "unit__" + u.Model + "__" + u.Name
		if err := exec("create schema " + quoteIdent(schema)); err != nil {
			fail(err)
			return
		}
	}
	output := quoteIdent(schema) + "." + quoteIdent("__kiln_output")
	model := compiler.TrimStatement(x.Compiled.CompiledTests[st.ID])
	if err := exec(fmt.Sprintf("create table %s as\nselect * from (\n%s\n) as kiln_model", output, model)); err != nil {
		fail(fmt.Errorf("running model %s on the given rows: %w", u.Model, err))
		return
	}
	cols, err := tableColumns(ctx, tx, schema, "__kiln_output")
	if err != nil {
		fail(err)
		return
	}

	// The columns to compare: those named in expect, in the output's case.
	var names, types []string
	for _, want := range u.Expect.Columns {
		i := slices.IndexFunc(cols, func(c [2]string) bool { return strings.EqualFold(c[0], want) })
		if i < 0 {
			have := make([]string, len(cols))
			for j, c := range cols {
				have[j] = c[0]
			}
			fail(fmt.Errorf("expect names column %q, which model %s does not return (it returns %s)", want, u.Model, strings.Join(have, ", ")))
			return
		}
		names = append(names, cols[i][0])
		types = append(types, cols[i][1])
	}
	list := "count(*) as n"
	if len(names) > 0 {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = quoteIdent(n)
		}
		list = strings.Join(q, ", ")
	}
	actual := quoteIdent(schema) + "." + quoteIdent("__kiln_actual")
	expected := quoteIdent(schema) + "." + quoteIdent("__kiln_expected")
	if len(names) == 0 {
		// expect: { rows: [] } names no column: the model returns no rows.
		var n int64
		q := "select count(*) from " + output
		r.Statements = append(r.Statements, q)
		if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
			fail(err)
			return
		}
		out.Failures = n
		if n > 0 {
			rows, err := tx.QueryContext(ctx, fmt.Sprintf("select * from %s limit %d", output, SampleRows))
			if err != nil {
				fail(err)
				return
			}
			sample, err := readRows(rows)
			if err != nil {
				fail(err)
				return
			}
			out.Diff = markRows(sample, "+")
		}
	} else {
		if err := exec(fmt.Sprintf("create table %s as select %s from %s", actual, list, output)); err != nil {
			fail(err)
			return
		}
		if err := exec(expectedTable(expected, names, types, u.Expect)); err != nil {
			fail(fmt.Errorf("reading the expected rows as the model's column types (%s): %w", strings.Join(types, ", "), err))
			return
		}
		diff, err := diffTables(ctx, tx, names, expected, actual, &r.Statements)
		if err != nil {
			fail(err)
			return
		}
		if len(diff.Rows) > 0 {
			out.Failures = int64(len(diff.Rows))
			out.Diff = diff
		}
	}
	if out.Failures == 0 {
		r.Status, r.Message = StatusPass, "the model returns the expected rows"
		return
	}
	r.Status = StatusFail
	r.Message = fmt.Sprintf("the model's rows differ from the expected rows (%d %s; -expected +actual)", out.Failures, plural(out.Failures, "row", "rows"))
	r.Err = fmt.Errorf("%w: %s", ErrTestFailed, r.Message)
}

// tableColumns lists a table's columns as name and DuckDB type.
func tableColumns(ctx context.Context, tx *sql.Tx, schema, table string) ([][2]string, error) {
	rows, err := tx.QueryContext(ctx, `select column_name, data_type from information_schema.columns
where table_schema = ? and table_name = ? order by ordinal_position`, schema, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// diffTables returns the rows of expected that actual lacks (marked "-")
// and the rows of actual that expected lacks ("+"), each counted as often
// as it is missing, sorted.
func diffTables(ctx context.Context, tx *sql.Tx, names []string, expected, actual string, stmts *[]string) (*Rows, error) {
	casts := make([]string, len(names))
	for i, n := range names {
		casts[i] = fmt.Sprintf("cast(%s as varchar) as %s", quoteIdent(n), quoteIdent(n))
	}
	out := &Rows{Columns: append([]string{""}, names...), Rows: [][]string{}}
	for _, side := range []struct{ mark, a, b string }{{"-", expected, actual}, {"+", actual, expected}} {
		q := fmt.Sprintf("select %s from (select * from %s except all select * from %s) as d order by all", strings.Join(casts, ", "), side.a, side.b)
		*stmts = append(*stmts, q)
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		got, err := readRows(rows)
		if err != nil {
			return nil, err
		}
		for _, row := range got.Rows {
			out.Rows = append(out.Rows, append([]string{side.mark}, row...))
		}
	}
	return out, nil
}

// markRows puts a marker column in front of rows.
func markRows(r *Rows, mark string) *Rows {
	out := &Rows{Columns: append([]string{""}, r.Columns...)}
	for _, row := range r.Rows {
		out.Rows = append(out.Rows, append([]string{mark}, row...))
	}
	return out
}

// inputTable creates the table of one given input: its declared columns
// (with their data_type) and the columns its rows name. Values take the
// declared type; other columns the type DuckDB infers from the values
// (VARCHAR when every value is null).
func inputTable(in models.UnitInput) string {
	type col struct{ name, typ string }
	var cols []col
	index := map[string]int{}
	for _, c := range in.Columns {
		index[strings.ToLower(c.Name)] = len(cols)
		cols = append(cols, col{c.Name, c.DataType})
	}
	rowCol := make([]int, len(in.UnitRows.Columns)) // position in cols of each row column
	for i, c := range in.UnitRows.Columns {
		j, ok := index[strings.ToLower(c)]
		if !ok {
			j = len(cols)
			index[strings.ToLower(c)] = j
			cols = append(cols, col{c, ""})
		}
		rowCol[i] = j
	}
	rel := quoteIdent(in.Relation.Schema) + "." + quoteIdent(in.Relation.Name)
	if len(in.UnitRows.Rows) == 0 {
		defs := make([]string, len(cols))
		for i, c := range cols {
			typ := c.typ
			if typ == "" {
				typ = "varchar"
			}
			defs[i] = quoteIdent(c.name) + " " + typ
		}
		return fmt.Sprintf("create table %s (%s)", rel, strings.Join(defs, ", "))
	}
	allNull := make([]bool, len(cols))
	for i := range allNull {
		allNull[i] = true
	}
	values := make([]string, len(in.UnitRows.Rows))
	for r, row := range in.UnitRows.Rows {
		cells := make([]string, len(cols))
		for i := range cells {
			cells[i] = "null"
		}
		for i, v := range row {
			j := rowCol[i]
			cells[j] = literal(v)
			if v.Kind != models.NullValue {
				allNull[j] = false
			}
		}
		for j, c := range cols {
			if c.typ != "" {
				cells[j] = fmt.Sprintf("cast(%s as %s)", cells[j], c.typ)
			}
		}
		values[r] = "(" + strings.Join(cells, ", ") + ")"
	}
	names := make([]string, len(cols))
	sel := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.name)
		sel[i] = names[i]
		if c.typ == "" && allNull[i] {
			sel[i] = fmt.Sprintf("cast(%s as varchar) as %s", names[i], names[i])
		}
	}
	return fmt.Sprintf("create table %s as\nselect %s\nfrom (values\n    %s\n) as kiln_given(%s)",
		rel, strings.Join(sel, ", "), strings.Join(values, ",\n    "), strings.Join(names, ", "))
}

// expectedTable creates the table of the expected rows, each value cast to
// the type of the model's column.
func expectedTable(rel string, names, types []string, rows models.UnitRows) string {
	pos := make([]int, len(names)) // column of rows for each name
	for i, n := range names {
		pos[i] = slices.IndexFunc(rows.Columns, func(c string) bool { return strings.EqualFold(c, n) })
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	if len(rows.Rows) == 0 {
		casts := make([]string, len(names))
		for i := range names {
			casts[i] = fmt.Sprintf("cast(null as %s) as %s", types[i], q[i])
		}
		return fmt.Sprintf("create table %s as select %s where false", rel, strings.Join(casts, ", "))
	}
	values := make([]string, len(rows.Rows))
	for r, row := range rows.Rows {
		cells := make([]string, len(names))
		for i := range names {
			lit := "null"
			if pos[i] >= 0 {
				lit = literal(row[pos[i]])
			}
			cells[i] = fmt.Sprintf("cast(%s as %s)", lit, types[i])
		}
		values[r] = "(" + strings.Join(cells, ", ") + ")"
	}
	return fmt.Sprintf("create table %s as\nselect * from (values\n    %s\n) as kiln_expected(%s)", rel, strings.Join(values, ",\n    "), strings.Join(q, ", "))
}

// literal writes a unit test value as a DuckDB literal.
func literal(v models.Value) string {
	switch v.Kind {
	case models.NullValue:
		return "null"
	case models.BoolValue, models.IntValue, models.FloatValue:
		return v.Text
	case models.DateValue:
		return "date " + sqlString(v.Text)
	case models.TimestampValue:
		return "timestamp " + sqlString(v.Text)
	}
	return sqlString(v.Text)
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
