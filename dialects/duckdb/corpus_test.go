package duckdb_test

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "github.com/lib/pq"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/dialects/duckdb"
)

var update = flag.Bool("update", false, "rewrite golden files")

const corpusDir = "../../compiler/testdata/sql"

// corpusCase is one statement of compiler/testdata/sql/corpus.sql.
type corpusCase struct {
	line   int
	sql    string
	reject string // expected error text when it must not transpile
}

func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "corpus.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	reject := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "-- reject:"):
			reject = strings.TrimSpace(strings.TrimPrefix(line, "-- reject:"))
		case line == "" || strings.HasPrefix(line, "--"):
		default:
			out = append(out, corpusCase{line: n, sql: line, reject: reject})
			reject = ""
		}
	}
	return out
}

// fixtureCatalog knows the fixture's tables.
type fixtureCatalog map[string]*sqlast.Relation

func (c fixtureCatalog) Relation(schema, name string) *sqlast.Relation {
	return c[strings.ToLower(name)]
}

var fixture = fixtureCatalog{
	"customers": {ID: "fixture.customers", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "name", Type: "VARCHAR"}, {Name: "email", Type: "VARCHAR"}, {Name: "country", Type: "VARCHAR"}, {Name: "signed_up", Type: "DATE"}, {Name: "vip", Type: "BOOLEAN"}}},
	"orders":    {ID: "fixture.orders", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "customer_id", Type: "INTEGER"}, {Name: "amount", Type: "DECIMAL(10,2)"}, {Name: "qty", Type: "INTEGER"}, {Name: "status", Type: "VARCHAR"}, {Name: "created_at", Type: "TIMESTAMP"}, {Name: "note", Type: "VARCHAR"}}},
	"events":    {ID: "fixture.events", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "user_id", Type: "INTEGER"}, {Name: "kind", Type: "VARCHAR"}, {Name: "ts", Type: "TIMESTAMP"}, {Name: "val", Type: "DOUBLE"}}},
	"products": {ID: "fixture.products", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "sku", Type: "VARCHAR"}, {Name: "name", Type: "VARCHAR"}, {Name: "category", Type: "VARCHAR"},
		{Name: "price", Type: "DECIMAL(10,2)"}, {Name: "active", Type: "BOOLEAN"}, {Name: "launched_on", Type: "DATE"}, {Name: "tags", Type: "VARCHAR"}}},
	"order_items": {ID: "fixture.order_items", Columns: []sqlast.Column{{Name: "order_id", Type: "INTEGER"}, {Name: "line_no", Type: "INTEGER"}, {Name: "product_id", Type: "INTEGER"},
		{Name: "quantity", Type: "INTEGER"}, {Name: "unit_price", Type: "DECIMAL(10,2)"}, {Name: "discount", Type: "DECIMAL(4,2)"}}},
	"payments": {ID: "fixture.payments", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "order_id", Type: "INTEGER"}, {Name: "method", Type: "VARCHAR"},
		{Name: "amount_cents", Type: "BIGINT"}, {Name: "status", Type: "VARCHAR"}, {Name: "paid_at", Type: "TIMESTAMP"}}},
	"subscriptions": {ID: "fixture.subscriptions", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "customer_id", Type: "INTEGER"}, {Name: "plan", Type: "VARCHAR"},
		{Name: "mrr", Type: "DECIMAL(10,2)"}, {Name: "started_on", Type: "DATE"}, {Name: "ended_on", Type: "DATE"}, {Name: "billing_period", Type: "VARCHAR"}}},
	"page_views": {ID: "fixture.page_views", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "anonymous_id", Type: "VARCHAR"}, {Name: "user_id", Type: "INTEGER"},
		{Name: "url", Type: "VARCHAR"}, {Name: "referrer", Type: "VARCHAR"}, {Name: "utm_source", Type: "VARCHAR"}, {Name: "utm_medium", Type: "VARCHAR"},
		{Name: "utm_campaign", Type: "VARCHAR"}, {Name: "viewed_at", Type: "TIMESTAMP"}, {Name: "device", Type: "VARCHAR"}}},
	"ledger": {ID: "fixture.ledger", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "account", Type: "VARCHAR"}, {Name: "entry_date", Type: "DATE"},
		{Name: "debit", Type: "DECIMAL(12,2)"}, {Name: "credit", Type: "DECIMAL(12,2)"}, {Name: "currency", Type: "VARCHAR"}, {Name: "memo", Type: "VARCHAR"}}},
	"fx_rates": {ID: "fixture.fx_rates", Columns: []sqlast.Column{{Name: "currency", Type: "VARCHAR"}, {Name: "rate_date", Type: "DATE"}, {Name: "rate_to_eur", Type: "DECIMAL(10,4)"}}},
	"raw_contacts": {ID: "fixture.raw_contacts", Columns: []sqlast.Column{{Name: "contact_id", Type: "INTEGER"}, {Name: "email", Type: "VARCHAR"}, {Name: "first_name", Type: "VARCHAR"},
		{Name: "last_name", Type: "VARCHAR"}, {Name: "phone", Type: "VARCHAR"}, {Name: "updated_at", Type: "TIMESTAMP"}, {Name: "is_deleted", Type: "BOOLEAN"}, {Name: "loaded_at", Type: "TIMESTAMP"}}},
	"categories": {ID: "fixture.categories", Columns: []sqlast.Column{{Name: "id", Type: "INTEGER"}, {Name: "parent_id", Type: "INTEGER"}, {Name: "name", Type: "VARCHAR"}}},
}

func parseOne(t *testing.T, p *duckdb.Parser, q string) (*sqlast.Statement, error) {
	t.Helper()
	js, err := p.Serialize(context.Background(), []string{q})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlast.Decode([]byte(js[0]))
	if err != nil {
		return nil, err
	}
	if len(st) != 1 {
		return nil, fmt.Errorf("%d statements", len(st))
	}
	return st[0], nil
}

func execScript(t *testing.T, db *sql.DB, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range strings.Split(string(data), ";\n") {
		var lines []string
		for _, l := range strings.Split(stmt, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				lines = append(lines, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(lines, "\n")); s != "" {
			if _, err := db.Exec(s); err != nil {
				t.Fatalf("fixture: %v\n%s", err, s)
			}
		}
	}
}

// TestCorpus runs every statement of the corpus on DuckDB and, transpiled,
// on PostgreSQL (when KILN_TEST_PG_DSN is set), and compares the results.
// It also checks the printer's golden output and that printing is stable.
func TestCorpus(t *testing.T) {
	cases := readCorpus(t)
	if len(cases) < 150 {
		t.Fatalf("the corpus has %d statements; it should have at least 150", len(cases))
	}
	p := duckdb.NewParser()
	defer p.Close()
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	execScript(t, duck, filepath.Join(corpusDir, "fixture.sql"))

	var pg *sql.DB
	if dsn := os.Getenv("KILN_TEST_PG_DSN"); dsn != "" {
		pg, err = sql.Open("postgres", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer pg.Close()
		schema := fmt.Sprintf("kiln_corpus_%d", time.Now().UnixNano())
		for _, s := range []string{"create schema " + schema, "set search_path to " + schema} {
			if _, err := pg.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		pg.SetMaxOpenConns(1)
		defer pg.Exec("drop schema " + schema + " cascade")
		execScript(t, pg, filepath.Join(corpusDir, "fixture.sql"))
	} else if os.Getenv("KILN_TEST_REQUIRE_PG") == "1" {
		t.Fatal("KILN_TEST_REQUIRE_PG=1 but KILN_TEST_PG_DSN is not set")
	}

	var golden strings.Builder
	passed, rejected := 0, 0
	for _, c := range cases {
		name := fmt.Sprintf("line%d", c.line)
		st, err := parseOne(t, p, c.sql)
		if err != nil {
			t.Errorf("%s: DuckDB cannot parse %q: %v", name, c.sql, err)
			continue
		}
		an := sqlast.Analyze(st, fixture)
		if len(an.Problems) > 0 {
			t.Errorf("%s: unexpected column problems %+v in %q", name, an.Problems, c.sql)
		}
		// DuckDB printing is stable: print, parse, print gives the same.
		d1, err := sqlast.Print(st, sqlast.PrintOptions{Dialect: sqlast.DuckDB})
		if err != nil {
			t.Errorf("%s: printing for duckdb: %v", name, err)
			continue
		}
		st2, err := parseOne(t, p, d1)
		if err != nil {
			t.Errorf("%s: the duckdb print does not parse: %v\n%s", name, err, d1)
			continue
		}
		if d2, _ := sqlast.Print(st2, sqlast.PrintOptions{Dialect: sqlast.DuckDB}); d2 != d1 {
			t.Errorf("%s: printing twice changed the text:\n%s\n---\n%s", name, d1, d2)
		}
		pgSQL, err := sqlast.Print(st, sqlast.PrintOptions{Dialect: sqlast.Postgres, Analysis: an})
		fmt.Fprintf(&golden, "-- line %d: %s\n", c.line, c.sql)
		if c.reject != "" {
			if err == nil || !strings.Contains(err.Error()+" "+fmt.Sprint(errConstruct(err)), c.reject) {
				t.Errorf("%s: want a rejection mentioning %q, got %v\n%s", name, c.reject, err, pgSQL)
				continue
			}
			fmt.Fprintf(&golden, "-- rejected: %v\n\n", err)
			rejected++
			continue
		}
		if err != nil {
			t.Errorf("%s: transpiling %q: %v (%s)", name, c.sql, err, errConstruct(err))
			continue
		}
		fmt.Fprintf(&golden, "%s\n\n", pgSQL)
		// The PostgreSQL text is still SQL that DuckDB's parser reads.
		if _, err := parseOne(t, p, pgSQL); err != nil {
			t.Errorf("%s: the postgres print does not re-parse: %v\n%s", name, err, pgSQL)
		}
		want, err := queryRows(duck, c.sql)
		if err != nil {
			t.Errorf("%s: duckdb: %v\n%s", name, err, c.sql)
			continue
		}
		if pg != nil {
			got, err := queryRows(pg, pgSQL)
			if err != nil {
				t.Errorf("%s: postgres: %v\n%s\n-- from: %s", name, err, pgSQL, c.sql)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: results differ (-duckdb +postgres):\n%s\n%s\n-- from: %s", name, diff, pgSQL, c.sql)
				continue
			}
		}
		passed++
	}
	t.Logf("corpus: %d statements, %d carried over (%s), %d rejected as expected", len(cases), passed,
		map[bool]string{true: "results compared on PostgreSQL", false: "PostgreSQL not configured"}[pg != nil], rejected)
	goldenFile := filepath.Join(corpusDir, "corpus.postgres.golden")
	if *update {
		if err := os.WriteFile(goldenFile, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), golden.String()); diff != "" {
		t.Errorf("printer golden file differs (-want +got; go test -update to accept):\n%s", diff)
	}
}

func errConstruct(err error) string {
	if ue, ok := err.(*sqlast.UnsupportedError); ok {
		return ue.Construct
	}
	return ""
}

// queryRows runs q and returns its rows as normalised strings: numbers
// exactly (decimals as rationals, floats to 12 significant digits), times
// in one layout, lists as {a,b}.
func queryRows(db *sql.DB, q string) ([][]string, error) {
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = norm(v)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func norm(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return normText(string(x))
	case string:
		return normText(x)
	case time.Time:
		if x.Year() <= 1 {
			return x.Format("15:04:05.999999")
		}
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case float64:
		return normFloat(x)
	case float32:
		return normFloat(float64(x))
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = norm(e)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case fmt.Stringer:
		return normText(x.String())
	}
	return normText(fmt.Sprint(v))
}

func normFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.12g", f)
}

// normText makes numbers comparable across drivers: an exact decimal
// becomes its reduced rational, a float its 12 significant digits.
func normText(s string) string {
	switch s {
	case "t":
		return "true"
	case "f":
		return "false"
	}
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		inner := strings.Split(s[1:len(s)-1], ",")
		for i, e := range inner {
			inner[i] = normText(strings.Trim(e, `"`))
		}
		return "{" + strings.Join(inner, ",") + "}"
	}
	if strings.ContainsAny(s, "eE") {
		if f, ok := new(big.Float).SetString(s); ok {
			v, _ := f.Float64()
			return normFloat(v)
		}
	}
	if r, ok := new(big.Rat).SetString(s); ok && !strings.ContainsAny(s, "/ :") {
		if r.IsInt() {
			return r.Num().String()
		}
		if f, exact := r.Float64(); !exact && len(s) > 16 {
			return normFloat(f)
		}
		return r.FloatString(6)
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return norm(t)
	}
	return s
}
