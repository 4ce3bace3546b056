package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// preparer is what COPY FROM STDIN needs: a statement prepared on the
// transaction's connection (lib/pq runs COPY only inside a transaction).
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// LoadSeed creates table rel with the columns of a CSV file and fills it
// with COPY FROM STDIN. The file has a header row; quoted fields may hold
// commas, doubled quotes and line breaks; it must be UTF-8. Each column's
// type is inferred from all of its values as DuckDB's read_csv would
// (boolean, bigint, double precision, date, timestamp, timestamp with time
// zone, else text); an empty
// field is NULL; types overrides the inferred type of some columns. q must
// be a transaction (a *sql.Tx).
func (e *Engine) LoadSeed(ctx context.Context, q dialects.Querier, rel models.Relation, csvPath string, types map[string]string) (int64, error) {
	p, ok := q.(preparer)
	switch q.(type) {
	case *sql.DB, *sql.Conn: // COPY would run on another connection, or outside a transaction
		ok = false
	}
	if !ok {
		return 0, fmt.Errorf("loading a seed into postgres needs a transaction, not a %T", q)
	}
	cols, err := SeedColumns(csvPath, types)
	if err != nil {
		return 0, err
	}
	if _, err := q.ExecContext(ctx, e.CreateTable(rel, cols)); err != nil {
		return 0, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	schema := rel.Schema
	if schema == "" {
		schema = "pg_temp"
	}
	stmt, err := p.PrepareContext(ctx, pq.CopyInSchema(schema, rel.Name, names...))
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	var lines []int // the file's line of each row sent
	err = readCSV(csvPath, nil, func(line int, record []string) error {
		args := make([]any, len(record))
		for i, v := range record {
			if v != "" {
				args[i] = v
			}
		}
		lines = append(lines, line)
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return copyError(err, lines)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if _, err := stmt.ExecContext(ctx); err != nil { // ends the COPY
		return 0, copyError(err, lines)
	}
	return int64(len(lines)), stmt.Close()
}

// copyWhere is the context PostgreSQL gives a COPY error: the row and
// column of the bad value.
var copyWhere = regexp.MustCompile(`COPY [^,]+, line ([0-9]+)(?:, column ([^:]+))?`)

// copyError points a COPY error at the file's line and column.
func copyError(err error, lines []int) error {
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return err
	}
	m := copyWhere.FindStringSubmatch(pe.Where)
	if m == nil {
		return err
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > len(lines) {
		return err
	}
	if m[2] != "" {
		return fmt.Errorf("line %d, column %s: %w", lines[n-1], m[2], err)
	}
	return fmt.Errorf("line %d: %w", lines[n-1], err)
}

// CreateTable creates an empty table with the given columns.
func (e *Engine) CreateTable(rel models.Relation, cols []dialects.Column) string {
	defs := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = e.QuoteIdent(c.Name) + " " + c.Type
	}
	return fmt.Sprintf("create table %s (\n  %s\n)", e.QuoteRelation(rel), strings.Join(defs, ",\n  "))
}

// SeedColumns reads a CSV file and returns its columns with the types
// LoadSeed gives them.
func SeedColumns(csvPath string, types map[string]string) ([]dialects.Column, error) {
	var cols []dialects.Column
	var infer []*inference
	header := func(names []string) {
		cols = make([]dialects.Column, len(names))
		infer = make([]*inference, len(names))
		for i, h := range names {
			cols[i].Name, infer[i] = h, newInference()
		}
	}
	err := readCSV(csvPath, header, func(_ int, record []string) error {
		for i, v := range record {
			infer[i].add(v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for i := range cols {
		cols[i].Type = infer[i].result()
		if t, ok := types[cols[i].Name]; ok {
			cols[i].Type, used[cols[i].Name] = t, true
			continue
		}
		for k, t := range types { // a key in another case still names the column
			if strings.EqualFold(k, cols[i].Name) {
				cols[i].Type, used[k] = t, true
			}
		}
	}
	for k := range types {
		if !used[k] {
			return nil, fmt.Errorf("column_types names column %q, which the file does not have", k)
		}
	}
	return cols, nil
}

// readCSV reads a seed file as dialects.ReadSeedCSV does, and refuses the
// NUL bytes PostgreSQL text cannot hold.
func readCSV(path string, header func([]string), row func(line int, record []string) error) error {
	return dialects.ReadSeedCSV(path, header, func(line int, record []string) error {
		for i, v := range record {
			if strings.IndexByte(v, 0) >= 0 {
				return &dialects.SeedError{Line: line, Col: i + 1, Msg: "a field holds a NUL byte, which PostgreSQL text cannot"}
			}
		}
		return row(line, record)
	})
}

// The candidate types of a seed column, from the narrowest. They follow
// DuckDB's CSV sniffer (BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP), so that a
// project prototyped on DuckDB gets the same column types here and its
// contracts hold on both engines.
const (
	tBoolean = iota
	tBigint
	tDouble
	tDate
	tTimestamp
	tTimestampTZ
	nTypes
)

var typeNames = [nTypes]string{"boolean", "bigint", "double precision", "date", "timestamp", "timestamp with time zone"}

// inference keeps which types every non-empty value seen so far fits.
type inference struct {
	fits [nTypes]bool
	any  bool
}

func newInference() *inference {
	in := &inference{}
	for i := range in.fits {
		in.fits[i] = true
	}
	return in
}

var (
	integerRE = regexp.MustCompile(`^[+-]?[0-9]+$`)
	numericRE = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
	dateRE    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	// A timestamp: date, time with optional seconds and fraction, and for
	// timestamptz a zone (Z, +hh, +hh:mm, +hhmm).
	timestampRE = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$`)
)

func (in *inference) add(v string) {
	if v == "" {
		return
	}
	in.any = true
	f := &in.fits
	lower := strings.ToLower(v)
	switch lower { // DuckDB's sniffer takes these as booleans too
	case "true", "false", "t", "f", "yes", "no":
	default:
		f[tBoolean] = false
	}
	// A number written with a leading zero (a zip code, "007") stays text,
	// as DuckDB's sniffer keeps it: the zeros are data.
	leadingZero := len(v) > 1 && v[0] == '0' && v[1] >= '0' && v[1] <= '9'
	_, err := strconv.ParseInt(v, 10, 64)
	f[tBigint] = f[tBigint] && !leadingZero && integerRE.MatchString(v) && err == nil
	f[tDouble] = f[tDouble] && !leadingZero && numericRE.MatchString(v)
	isDate := dateRE.MatchString(v) && validDate(v)
	m := timestampRE.FindStringSubmatch(v)
	isTS := m != nil && m[5] == "" && validDate(m[1]) && validClock(m[2])
	isTSTZ := m != nil && m[5] != "" && validDate(m[1]) && validClock(m[2])
	f[tDate] = f[tDate] && isDate
	f[tTimestamp] = f[tTimestamp] && (isDate || isTS)
	f[tTimestampTZ] = f[tTimestampTZ] && isTSTZ
}

// result is the narrowest type every value fits, or text.
func (in *inference) result() string {
	if !in.any {
		return "text"
	}
	for t, ok := range in.fits {
		if ok {
			return typeNames[t]
		}
	}
	return "text"
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func validClock(s string) bool {
	if len(s) == len("15:04") {
		s += ":00"
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	_, err := time.Parse("15:04:05", s)
	return err == nil
}
