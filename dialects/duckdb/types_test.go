package duckdb_test

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/internal/projectgen"
	"github.com/kiln-sql/kiln/models"
)

// The tests of this file check sqlast's exact types against DuckDB itself:
// for every query DuckDB accepts, each column's OutputColumn.Exact must be
// "" or the type DuckDB reports for a table made from the query. They log
// how many columns got a type.

// typeOracle makes tables from queries in an in-memory DuckDB and reports
// their column types, as kiln's binding does.
type typeOracle struct {
	db    *sql.DB
	batch atomic.Int64
}

func newTypeOracle(t *testing.T, setup ...string) *typeOracle {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range setup {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	return &typeOracle{db: db}
}

// create makes table name from q; it fails when DuckDB does not bind q.
func (o *typeOracle) create(name, q string) error {
	_, err := o.db.Exec("create table " + name + " as select * from (\n" + q + "\n) limit 0")
	return err
}

// columns returns the columns of every table of schema, by table name.
func (o *typeOracle) columns(t *testing.T, schema string) map[string][]sqlast.Column {
	t.Helper()
	rows, err := o.db.Query("select table_name, column_name, data_type from duckdb_columns() where schema_name = ? order by table_name, column_index", schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]sqlast.Column{}
	for rows.Next() {
		var table string
		var c sqlast.Column
		if err := rows.Scan(&table, &c.Name, &c.Type); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// types returns the columns DuckDB gives a table made from each query, nil
// for a query it rejects.
func (o *typeOracle) types(t *testing.T, queries []string) [][]sqlast.Column {
	t.Helper()
	schema := fmt.Sprintf("kiln_types_%d", o.batch.Add(1))
	if _, err := o.db.Exec("create schema " + schema); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(queries) {
					return
				}
				o.create(fmt.Sprintf("%s.q%d", schema, i), queries[i])
			}
		}()
	}
	wg.Wait()
	cols := o.columns(t, schema)
	out := make([][]sqlast.Column, len(queries))
	for i := range queries {
		out[i] = cols[fmt.Sprintf("q%d", i)]
	}
	return out
}

// typeCase is one query checked against DuckDB.
type typeCase struct {
	query string
	want  []sqlast.Column // DuckDB's; nil when it rejects the query
	got   []sqlast.OutputColumn
	known bool // the analysis knows the columns
}

// checkTypes parses and analyses every query with cat, asks the oracle for
// its columns, and fails on every exact type that differs from DuckDB's.
// It returns the cases for coverage counts.
func checkTypes(t *testing.T, o *typeOracle, cat sqlast.Catalog, queries []string) []*typeCase {
	t.Helper()
	cases := typeCases(t, o, cat, queries)
	compareTypes(t, cases)
	return cases
}

// typeCases analyses each query with kiln and asks the oracle for DuckDB's
// types of the same query.
func typeCases(t *testing.T, o *typeOracle, cat sqlast.Catalog, queries []string) []*typeCase {
	t.Helper()
	p := duckdb.NewParser()
	defer p.Close()
	jsons, err := p.Serialize(context.Background(), queries)
	if err != nil {
		t.Fatal(err)
	}
	cases := make([]*typeCase, len(queries))
	for i, q := range queries {
		c := &typeCase{query: q}
		cases[i] = c
		st, err := sqlast.Decode([]byte(jsons[i]))
		if err != nil || len(st) != 1 {
			continue
		}
		an := sqlast.Analyze(st[0], cat)
		c.got, c.known = an.Columns, an.ColumnsKnown
	}
	for i, cols := range o.types(t, queries) {
		cases[i].want = cols
	}
	return cases
}

var untyped = flag.Bool("untyped", false, "log the columns DuckDB accepts that kiln does not type")

// logUntyped logs, with -untyped, the columns kiln left without a type.
func logUntyped(t *testing.T, cases []*typeCase) {
	if !*untyped {
		return
	}
	for _, c := range cases {
		if c.want == nil || !c.known || len(c.got) != len(c.want) {
			if c.want != nil {
				t.Logf("untyped (columns unknown): %s", c.query)
			}
			continue
		}
		for j, g := range c.got {
			if g.Exact == "" {
				t.Logf("untyped %s: %s (column %d)", c.want[j].Type, c.query, j+1)
			}
		}
	}
}

// compareTypes fails on every exact type that differs from DuckDB's, and
// on a query whose columns all have a type when there are not as many as
// DuckDB's.
func compareTypes(t *testing.T, cases []*typeCase) {
	t.Helper()
	for _, c := range cases {
		if c.want == nil || !c.known {
			continue
		}
		if len(c.got) != len(c.want) {
			if allExact(c.got) {
				t.Errorf("%s\n\tkiln has %d columns, each with an exact type; DuckDB has %d", c.query, len(c.got), len(c.want))
			}
			continue
		}
		for j, g := range c.got {
			if g.Exact != "" && g.Exact != c.want[j].Type {
				t.Errorf("%s\n\tcolumn %d (%s): kiln says %s, DuckDB %s", c.query, j+1, c.want[j].Name, g.Exact, c.want[j].Type)
			}
		}
	}
}

func allExact(cols []sqlast.OutputColumn) bool {
	for _, c := range cols {
		if c.Exact == "" {
			return false
		}
	}
	return len(cols) > 0
}

// coverage counts the columns and queries DuckDB accepted, and those kiln
// typed.
func coverage(cases []*typeCase) (cols, typed, queries, whole int) {
	for _, c := range cases {
		if c.want == nil {
			continue
		}
		queries++
		cols += len(c.want)
		if !c.known || len(c.got) != len(c.want) {
			continue
		}
		for _, g := range c.got {
			if g.Exact != "" {
				typed++
			}
		}
		if allExact(c.got) {
			whole++
		}
	}
	return
}

// matrixColumns are the columns of the matrix table t, one per type.
var matrixColumns = []sqlast.Column{
	{Name: "ti", Type: "TINYINT"}, {Name: "si", Type: "SMALLINT"}, {Name: "i", Type: "INTEGER"},
	{Name: "bi", Type: "BIGINT"}, {Name: "hi", Type: "HUGEINT"}, {Name: "f", Type: "FLOAT"},
	{Name: "d", Type: "DOUBLE"}, {Name: "d9", Type: "DECIMAL(9,2)"}, {Name: "d18", Type: "DECIMAL(18,2)"},
	{Name: "d38", Type: "DECIMAL(38,4)"}, {Name: "d4", Type: "DECIMAL(4,1)"}, {Name: "d10", Type: "DECIMAL(18,10)"},
	{Name: "v", Type: "VARCHAR"}, {Name: "bo", Type: "BOOLEAN"}, {Name: "dt", Type: "DATE"},
	{Name: "ts", Type: "TIMESTAMP"}, {Name: "tz", Type: "TIMESTAMP WITH TIME ZONE"}, {Name: "iv", Type: "INTERVAL"},
	{Name: "tm", Type: "TIME"}, {Name: "ui", Type: "UINTEGER"}, {Name: "ub", Type: "UBIGINT"},
	{Name: "li", Type: "INTEGER[]"}, {Name: "bl", Type: "BLOB"},
}

// matrixLiterals are the literals the matrix combines with the columns:
// DuckDB types integer and string literals by what they meet.
var matrixLiterals = []string{
	"1", "-1", "127", "128", "1000", "40000", "2147483648", "-2147483648", "9223372036854775808",
	"2.5", "0.5", "100.0", "123456789012345678901.5", "1e3", "'x'", "'1'", "'2020-01-01'", "NULL", "true",
	"date '2020-01-01'", "timestamp '2020-01-01 10:00:00'", "interval 1 day", "cast(NULL AS varchar)", "nullif(1, 1)",
}

func matrixSetup() string {
	var cols []string
	for _, c := range matrixColumns {
		cols = append(cols, c.Name+" "+c.Type)
	}
	return "create table t (" + strings.Join(cols, ", ") + ")"
}

func matrixCatalog() fixtureCatalog {
	return fixtureCatalog{
		"t":  {ID: "t", Columns: matrixColumns},
		"t2": {ID: "t2", Columns: []sqlast.Column{{Name: "i", Type: "BIGINT"}, {Name: "v", Type: "VARCHAR"}, {Name: "d9", Type: "DECIMAL(18,2)"}}},
	}
}

// matrixExpressions are the expressions of the matrix: every binary form
// on every pair of operands, every unary form on every operand, and the
// rest.
func matrixExpressions() []string {
	var cols, all []string
	for _, c := range matrixColumns {
		cols = append(cols, c.Name)
	}
	all = append(append(all, cols...), matrixLiterals...)
	binary := []string{
		"%s + %s", "%s - %s", "%s * %s", "%s / %s", "%s // %s", "%s %% %s", "coalesce(%s, %s)", "greatest(%s, %s)",
		"case when bo then %s else %s end", "nullif(%s, %s)", "%s || %s", "concat(%s, %s)", "[%s, %s]",
		"%s = %s", "ifnull(%s, %s)", "mod(%s, %s)",
	}
	var out []string
	for _, a := range all {
		for _, b := range all {
			lits := !isColumn(a) && !isColumn(b)
			for i, f := range binary {
				if lits && i > 7 {
					break
				}
				out = append(out, fmt.Sprintf(f, a, b))
			}
		}
	}
	unary := []string{
		"%s", "-%s", "+%s", "abs(%s)", "round(%s)", "round(%s, 0)", "round(%s, 1)", "round(%s, 3)", "round(%s, -1)",
		"round(%s, 12)", "floor(%s)", "ceil(%s)", "ceiling(%s)", "trunc(%s)", "trunc(%s, 1)", "sign(%s)", "sqrt(%s)",
		"sum(%s)", "avg(%s)", "mean(%s)", "min(%s)", "max(%s)", "any_value(%s)", "first(%s)", "last(%s)", "arbitrary(%s)",
		"count(%s)", "count(distinct %s)", "median(%s)", "quantile_cont(%s, 0.5)", "quantile_disc(%s, 0.5)",
		"mode(%s)", "list(%s)", "array_agg(%s)", "string_agg(%s, ',')", "string_agg(%s)", "bool_and(%s)", "bool_or(%s)",
		"arg_max(%s, i)", "arg_min(%s, ts)", "max_by(%s, i)", "min_by(%s, d)", "sum(%s) filter (where bo)",
		"sum(%s) over (order by i)", "sum(%s) over (partition by v order by ts rows between unbounded preceding and current row)",
		"avg(%s) over ()", "max(%s) over (partition by v)", "count(%s) over ()", "lag(%s) over (order by i)",
		"lag(%s, 1) over (order by i)", "lead(%s, 1, 0) over (order by i)", "lag(%s, 2, NULL) over (order by i)",
		"first_value(%s) over (order by i)", "last_value(%s) over (order by i)", "nth_value(%s, 2) over (order by i)",
		"date_trunc('month', %s)", "date_trunc('day', %s)", "date_trunc('week', %s)", "date_trunc('hour', %s)",
		"date_trunc(v, %s)", "datetrunc('year', %s)", "date_diff('day', %s, %s)", "datediff('month', %s, %s)",
		"date_sub('day', %s, %s)", "age(%s, %s)", "age(%s)", "date_add(%s, interval 1 day)", "strftime(%s, '%%Y')",
		"year(%s)", "month(%s)", "day(%s)", "hour(%s)", "minute(%s)", "second(%s)", "quarter(%s)", "dayofweek(%s)",
		"dayofyear(%s)", "week(%s)", "isodow(%s)", "epoch(%s)", "last_day(%s)", "dayname(%s)", "monthname(%s)",
		"lower(%s)", "upper(%s)", "lcase(%s)", "trim(%s)", "ltrim(%s)", "rtrim(%s)", "trim(%s, 'x')", "length(%s)",
		"len(%s)", "strlen(%s)", "md5(%s)", "sha256(%s)", "hash(%s)", "substring(%s, 1, 2)", "substr(%s, 2)",
		"replace(%s, 'a', 'b')", "split_part(%s, ',', 1)", "left(%s, 2)", "right(%s, 2)", "lpad(%s, 5, '0')",
		"rpad(%s, 5, '0')", "reverse(%s)", "repeat(%s, 2)", "regexp_replace(%s, 'a', 'b')", "regexp_extract(%s, 'a')",
		"regexp_extract(%s, 'a', 1)", "regexp_matches(%s, 'a')", "%s like 'x!%%' escape '!'",
		"%s not ilike 'x!%%' escape '!'", "array_reverse_sort(list(%s))", "contains(%s, 'a')", "starts_with(%s, 'a')",
		"strpos(%s, 'a')", "position('a' in %s)", "concat_ws(',', %s, %s)", "concat(%s)", "%s || 'x'",
		"string_split(%s, ',')", "%s like 'x%%'", "%s not like 'x%%'", "%s ilike 'x'", "%s similar to 'x'",
		"%s glob 'x*'", "%s in (1, 2)", "%s not in ('a')", "%s between 1 and 2", "%s is null", "%s is not null",
		"%s is distinct from 1", "not %s", "%s and bo", "%s or bo", "%s collate nocase", "exists (select %s)",
		"(select max(%s) from t)", "(select %s)", "%s in (select i from t)", "list_value(%s)", "[%s]",
		"coalesce(%s, %s, 1000)", "coalesce(%s, 1, 2)", "coalesce(1, 2, %s)", "coalesce(NULL, %s)",
		"case when bo then 1 when bo then %s else 2 end", "case when bo then %s end", "case %s when 1 then 'a' end",
		"if(bo, %s, NULL)", "greatest(%s, 1, 2)", "least(%s, 1000)", "%s + nullif(1, 1)", "%s || NULL",
		"lower(nullif('a', 'a'))", "date_part('year', %s)", "round(sum(%s), 2)", "sum(%s) / count(*)",
		"coalesce(sum(%s), 0)", "max(%s) - min(%s)", "count(*) + %s", "list(%s order by %s)",
		"list(distinct %s order by i desc)", "list_sort(list(%s))", "array_length(list(%s))",
		"list_contains(list(%s), %s)", "string_agg(%s, ',' order by i)", "sha1(%s)", "printf('%%s', %s)",
		"format('{}', %s)", "to_hex(%s)", "chr(%s)", "translate(%s, 'a', 'b')", "ucase(%s)", "bit_length(%s)",
		"char_length(%s)", "character_length(%s)", "instr(%s, 'a')", "ends_with(%s, 'a')", "prefix(%s, 'a')",
		"suffix(%s, 'a')", "regexp_full_match(%s, 'a')", "listagg(%s, ',')", "group_concat(%s)", "isnan(%s)",
		"isinf(%s)", "isfinite(%s)", "array_contains(list(%s), %s)", "list_has(list(%s), %s)",
		"array_sort(list(%s))", "list_reverse_sort(list(%s))", "str_split(%s, ',')", "string_split_regex(%s, ',')",
		"regexp_split_to_array(%s, ',')", "weekofyear(%s)", "dayofmonth(%s)", "isoyear(%s)", "millisecond(%s)",
		"microsecond(%s)", "decade(%s)", "century(%s)", "millennium(%s)", "era(%s)", "yearweek(%s)", "weekday(%s)",
		"cbrt(%s)", "ln(%s)", "log(%s)", "log2(%s)", "log10(%s)", "log(2, %s)", "exp(%s)", "radians(%s)",
		"degrees(%s)", "sin(%s)", "cos(%s)", "tan(%s)", "asin(%s)", "acos(%s)", "atan(%s)", "atan2(%s, 1)",
		"pow(%s, 2)", "power(2, %s)", "%s ** 2", "%s ^ 2", "product(%s)", "fsum(%s)", "sumkahan(%s)",
		"kahan_sum(%s)", "entropy(%s)", "stddev_pop(%s)", "stddev_samp(%s)", "var_pop(%s)", "var_samp(%s)",
		"variance(%s)", "stddev(%s)", "covar_samp(%s, d)", "covar_pop(i, %s)", "corr(%s, %s)",
		"approx_count_distinct(%s)", "count_if(%s)", "countif(%s > 0)", "make_date(%s, 1, 1)", "to_timestamp(%s)",
		"strptime(%s, '%%Y-%%m-%%d')", "strptime(%s, '%%Y %%z')", "strptime(%s, '%%Y %%Z')", "strptime(%s, '%%%%z')",
		"to_years(%s)", "to_months(%s)", "to_weeks(%s)", "to_days(%s)", "to_hours(%s)", "to_minutes(%s)",
		"to_seconds(%s)", "to_milliseconds(%s)", "to_microseconds(%s)", "mod(%s, 3)", "ascii(%s)",
		"date_add(%s, %s)", "datesub('day', %s, %s)", "datepart('hour', %s)", "make_timestamp(%s)",
		"contains(list(%s), %s)", "hash(%s, 1)", "epoch(%s)", "min(%s, 2)", "max(%s, 2)", "arg_max(%s, i, 2)",
		"quantile_cont(%s, [0.5])", "quantile_disc(%s, [0.5])", "regexp_extract(%s, 'a', ['x'])",
	}
	for _, p := range datePartNames {
		unary = append(unary, "extract("+p+" from %s)", "date_part('"+p+"', %s)")
	}
	for _, typ := range castTargets {
		unary = append(unary, "cast(%s as "+typ+")", "try_cast(%s as "+typ+")")
	}
	for _, a := range all {
		for _, f := range unary {
			n := strings.Count(f, "%s")
			args := make([]any, n)
			for i := range args {
				args[i] = a
			}
			out = append(out, fmt.Sprintf(f, args...))
		}
	}
	return append(out,
		"count(*)", "count()", "row_number() over ()", "rank() over (order by i)", "dense_rank() over (order by i)",
		"ntile(4) over (order by i)", "percent_rank() over (order by i)", "cume_dist() over (order by i)",
		"count(*) over ()", "current_date", "current_timestamp", "now()", "today()", "localtimestamp", "current_time",
		"get_current_timestamp()", "transaction_timestamp()", "pi()", "random()", "uuid()", "gen_random_uuid()", "make_date(2020, 1, 1)",
		"strptime(v, '%Y')", "to_timestamp(d)", "make_timestamp(2020, 1, 1, 0, 0, 0)", "interval (i) day",
		"to_days(i)", "count_if(bo)", "stddev(i)", "variance(d9)", "corr(i, d)", "approx_count_distinct(v)",
		"md5(concat_ws('|', cast(i as varchar), cast(ts as varchar)))", "lower(trim(v))", "nullif(trim(v), '')",
		"upper(trim(v))", "coalesce(bo, false)", "cast(bi as decimal(18, 2)) / 100", "cast((bi) / 100.0 as decimal(18, 2))",
		"cast((sum(bi)) / 100.0 as decimal(18, 2))", "cast(ts as timestamp) - cast(ts as timestamp)",
		"extract(year from cast(ts as timestamp))", "date_trunc('day', cast(ts as timestamp))", "v is null",
		"case when lower(trim(v)) in ('a', 'b') then 'closed' else 'other' end", "ts >= cast('2020-01-01' as timestamp)",
		"bi > 0", "d18 > 0", "d18 >= 1000", "d18 / nullif(bi, 0)", "i * 2", "sum(bi) / nullif(count(*), 0)", "round(cast(bi as decimal(18, 2)), 0)",
		"d9 * 2 + 1", "(d9 + d18) * d4", "i + 1 + 1", "ti + 1 + 1000", "ti * 2 - 1", "1 + ti",
	)
}

func isColumn(s string) bool {
	for _, c := range matrixColumns {
		if c.Name == s {
			return true
		}
	}
	return false
}

var datePartNames = []string{
	"year", "years", "y", "yr", "month", "mon", "day", "days", "d", "dayofmonth", "hour", "h", "minute", "min",
	"m", "second", "seconds", "s", "millisecond", "ms", "microsecond", "us", "quarter", "dow", "dayofweek",
	"weekday", "isodow", "doy", "dayofyear", "week", "w", "isoyear", "decade", "century", "millennium", "era",
	"yearweek", "epoch", "julian", "timezone", "timezone_hour",
}

var castTargets = []string{
	"int", "integer", "int4", "bigint", "int8", "smallint", "tinyint", "hugeint", "utinyint", "ubigint", "float",
	"real", "double", "float8", "double precision", "decimal", "numeric", "decimal(10, 2)", "decimal(38, 10)",
	"numeric(5)", "varchar", "text", "varchar(10)", "char(3)", "string", "boolean", "bool", "date", "time",
	"timestamp", "datetime", "timestamptz", "timestamp with time zone", "interval", "uuid", "blob", "json",
	"int[]", "varchar[]", "timestamp_ms", "timestamp(3)", "struct(a int)",
}

// TestExactTypeMatrix checks exact types of expressions over a table with
// a column of each type, against DuckDB.
func TestExactTypeMatrix(t *testing.T) {
	o := newTypeOracle(t, matrixSetup(), "create table t2 (i bigint, v varchar, d9 decimal(18, 2))")
	var queries []string
	for i, e := range matrixExpressions() {
		if testing.Short() && i%5 != 0 {
			continue
		}
		queries = append(queries, "select "+e+" as x from t")
	}
	cases := checkTypes(t, o, matrixCatalog(), queries)
	logUntyped(t, cases)
	cols, typed, n, _ := coverage(cases)
	t.Logf("matrix: %d expressions, %d accepted by DuckDB, %d of them typed exactly (%.1f%%)",
		len(queries), n, typed, 100*float64(typed)/float64(max(cols, 1)))

	if testing.Short() {
		return
	}
	// What the generated projects and common models use must be typed.
	byQuery := map[string]*typeCase{}
	for _, c := range cases {
		byQuery[c.query] = c
	}
	for _, e := range []string{
		"bi", "cast(v as bigint)", "cast(v as integer)", "lower(trim(v))", "upper(trim(v))", "nullif(trim(v), '')",
		"case when lower(trim(v)) in ('a', 'b') then 'closed' else 'other' end", "cast(ts as timestamp)",
		"coalesce(bo, false)", "cast(bi as decimal(18, 2)) / 100", "date_trunc('day', cast(ts as timestamp))",
		"extract(year from cast(ts as timestamp))", "extract(dow from ts)", "extract(hour from ts)",
		"cast(ts as timestamp) - cast(ts as timestamp)", "v is null", "count(*)", "sum(bi)", "coalesce(sum(bi), 0)",
		"row_number() over ()", "sum(bi) over (order by i)", "lag(ts) over (order by i)", "date_trunc('week', ts)",
		"date_trunc('month', ts)", "bi > 0", "sum(bi) / nullif(count(*), 0)", "md5(concat_ws('|', cast(i as varchar), cast(ts as varchar)))",
		"cast((bi) / 100.0 as decimal(18, 2))", "cast((sum(bi)) / 100.0 as decimal(18, 2))", "count(distinct v)",
		"max(bi)", "coalesce(v, 'x')", "d18 > 0", "d18 >= 1000", "d18 / nullif(bi, 0)", "round(d18, 0)",
		"'x'", "extract(month from ts)", "ts >= cast('2020-01-01' as timestamp)", "bi + 1", "i * 2", "d9 * 2 + 1",
		"ti + 1", "ti + 1000", "sum(d9)", "avg(i)", "now()", "current_date", "cast(d as decimal(10, 2))",
	} {
		c := byQuery["select "+e+" as x from t"]
		switch {
		case c == nil:
			t.Errorf("%s is not in the matrix", e)
		case c.want == nil:
			t.Errorf("%s: DuckDB rejects it", e)
		case len(c.got) != 1 || c.got[0].Exact == "":
			t.Errorf("%s: kiln does not type it (DuckDB: %s)", e, c.want[0].Type)
		}
	}
}

// typeQueries are whole queries over the matrix tables: names resolved
// through FROM, WITH, subqueries, joins, stars and set operations.
var typeQueries = []string{
	"select * from t",
	"select t.* from t",
	"select * exclude (v, ts) from t",
	"select * replace (d9 * 2 as d9, v || 'x' as v, 1 as i) from t",
	"select * rename (v as w, i as j) from t",
	"select * exclude (i) replace (ti + 1 as ti) rename (v as w) from t",
	"select a.*, b.* from t a, t2 b",
	"select a.i, b.i, a.d9 + b.d9 as s from t a join t2 b on a.i = b.i",
	"select * from t join t2 using (i)",
	"select * from t left join t2 using (i)",
	"select * from t right join t2 using (i)",
	"select * from t full join t2 using (i)",
	"select * from t full join t2 using (i, v)",
	"select i, v from t full join t2 using (i, v)",
	"select i from t join t2 using (i)",
	"select i from t left join t2 using (i)",
	"select i from t right join t2 using (i)",
	"select i, t.i as a, t2.i as b from t full outer join t2 using (i)",
	"select * from t natural join t2",
	"select * from t natural full join t2",
	"select * from t semi join t2 using (i)",
	"select * from t anti join t2 on t.i = t2.i",
	"select * from t semi join t2 on t.i = t2.i",
	"select * from t positional join t2",
	"select * from t asof join t2 on t.bi >= t2.i",
	"select * from (select i, v from t) join (select i, v from t) using (i)",
	"select i, ts from t join t2 using (i) join (select bi as i, d from t) x using (i)",
	"select * from t join t2 using (i) join (select bi as i, d from t) x using (i)",
	"select * from t left join t2 using (i) full join (select bi as i, d from t) x using (i)",
	"select i from t left join t2 using (i) right join (select si as i from t) x using (i)",
	"select * from t join (t2 join (select i, d from t) x using (i)) using (i)",
	"select i, ts from t join (t2 join (select i, d from t) x using (i)) using (i)",
	"select * from (select i, v, d9 from t) natural join (select i, d9 from t2)",
	"select * from (select i, v, d9 from t) natural left join (select i, d9 from t2)",
	"select i, d9 from (select i, v, d9 from t) natural right join (select i, d9 from t2)",
	"select now() - interval 1 day as a, current_date - 7 as b, current_date - interval 7 day as c, today() + 1 as d",
	"select cast(now() as date) as a, date_trunc('day', now()) as b, now() + interval (i) hour as c from t",
	"select * from (select i, v from t) a full join (select i, v from t) b using (i)",
	"select * from (select i, d9 from t) a full join (select bi as i, d9 from t) b using (i)",
	"select x, y from (select ti as x, 1 as y from t)",
	"select x + 1 as a, y + ti as b from (select ti as x, 1 as y from t), t",
	"select x || 'a' as y from (select null as x)",
	"select coalesce(x, 1.5) as y, x as z from (select null as x)",
	"with c as (select null as x, 1 as y) select x, y, coalesce(x, 2.5) as z from c",
	"with c as (select ti, d9 * 2 as dd from t) select ti + 1 as a, dd, sum(dd) over () as s from c",
	"with c(a, b) as (select ti, v from t) select a, b from c",
	"with c as (select ti, v from t), d as (select * from c where ti > 0) select * from d",
	"with c as materialized (select i from t) select i + 1 as x from c",
	"select * from t as u(a, b, c)",
	"select a, b from t as u(a, b)",
	"select 1 as a, ti + a as x from t",
	"select 1000 as a, ti + a as x from t",
	"select 1 as a, a as b, ti + b as x from t",
	"select ti as a, a + 1 as x, a * 2 as y from t",
	"select nullif(1, 1) as a, d9 + a as x from t",
	"select 'x' as a, coalesce(dt, a) as x from t",
	"select d9 as i, i + 1 as x from t",
	"select i + 1 as x, x * 2 as y from t",
	"select current_date as d, current_timestamp as ts2, localtimestamp as l from t",
	"select current_date from (select 1 as current_date)",
	"select current_date from t, (select 1 as current_date)",
	"select 1 as x union all select 2",
	"select 1 as x union select 2",
	"select ti as x from t union all select ti from t",
	"select ti as x from t union all select i from t",
	"select ti as x from t union all select 1",
	"select null as x union all select 1.5",
	"select 1.5 as x union all select null",
	"select null as x union all select null",
	"select i as x from t except select i from t",
	"select i as x from t intersect all select i from t",
	"select i as x, v as y from t union by name select v as y, d as z from t",
	"select i as x, v as y from t union all by name select v as y, i as x from t",
	"select i as x from t union all by name select bi as x from t",
	"(select i, v from t union all select i, v from t) order by 1 limit 3",
	"select * from (select i from t union all select 1) u",
	"select * from (values (1), (2)) v(a)",
	"select * from (values (1, 'a'), (2, 'b')) v(a, b)",
	"select * from (values (1), (null)) v(a)",
	"select * from (values (null), (1)) v(a)",
	"select * from (values (1), (2.5)) v(a)",
	"select * from (values (1.5), (2.5)) v(a)",
	"select * from (values (null)) v(a)",
	"select * from (values (1), (2), (3000000000)) v(a)",
	"select * from (values (date '2020-01-01'), (timestamp '2020-01-01 00:00:00')) v(a)",
	"select a + 1 as x from (values (1), (2)) v(a)",
	"select * from range(3)",
	"select * from range(1, 3)",
	"select * from range(1, 10, 2)",
	"select * from generate_series(1, 3)",
	"select * from range(3) with ordinality",
	"select * from range(timestamp '2020-01-01', timestamp '2020-02-01', interval 1 day)",
	"select * from range(date '2020-01-01', date '2020-02-01', interval 1 day)",
	"select * from generate_series(date '2020-01-01', date '2020-02-01', interval 1 day)",
	"select * from t, range(t.i)",
	"select * from unnest([1, 2])",
	"select r + 1 as x from range(3) r(r)",
	"with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r",
	"with recursive r(n) as (select ti from t union all select n + 1 from r where n < 3) select * from r",
	"with recursive r(n) as (select ti from t union all select n + 1000 from r where n < 3) select * from r",
	"select (select max(i) from t2) as m, exists (select 1 from t2) as e, i in (select i from t2) as n from t",
	"select (select t2.v from t2 where t2.i = t.i limit 1) as v2 from t",
	"select (select null) as x",
	"select (select 1.5) as x",
	"select i, count(*) as n, sum(d9) as s from t group by all",
	"select i, v, count(*) as n from t group by rollup (i, v)",
	"select distinct on (i) i, v from t order by i, ts",
	"select i, row_number() over (partition by v order by ts) as rn from t qualify rn = 1",
	"select i, sum(d18) over w as s from t window w as (partition by v)",
	"select v, count(*) filter (where bo) as c from t group by v having count(*) > 1",
	"select * from (select * from t) sub",
	"select sub.* exclude (v) from (select i, v, d9 from t) sub",
	"select * from t, lateral (select t.i + 1 as j)",
	"select x.i from (select i from t) x",
	"select unnamed_subquery.i from (select i from t)",
	"select t from t",
	"select li[1] as a, li as b from t",
	"select s.a as x, s as y from (select {'a': 1} as s)",
	"select count(*) as n from t",
	"select i, grouping(i) as g, grouping(i, v) as h from t group by rollup (i, v)",
	"select if(bo, i, null) as x, if(bo, 'a', 'b') as y from t",
}

// unknownQueries read a relation whose columns kiln does not know: DuckDB
// may resolve names otherwise or not bind them, so nothing is typed.
var unknownQueries = []string{
	"select i, d9 + 1 as x from t join other using (i)",
	"select t.i from t, other",
	"select i from t, read_csv('x.csv')",
	"with unused as (select * from other) select i from t",
	"select i from t where i in (select a from other)",
	"select (select max(a) from other) as m, i from t",
	// Neither does a query that names what kiln cannot find, nor one DuckDB rejects.
	"select i, nope from t",
	"select i, d9 from t where nope > 0",
	"select x.*, i from t, (select 1 as a) y",
	"select *",
	"select i from t union all select i, v from t",
}

// TestExactTypeQueries checks the exact types of whole queries.
func TestExactTypeQueries(t *testing.T) {
	o := newTypeOracle(t, matrixSetup(), "create table t2 (i bigint, v varchar, d9 decimal(18, 2))")
	cases := checkTypes(t, o, matrixCatalog(), typeQueries)
	logUntyped(t, cases)
	cols, typed, n, whole := coverage(cases)
	t.Logf("queries: %d of %d accepted by DuckDB, %d with every column typed; columns: %d of %d typed",
		n, len(typeQueries), whole, typed, cols)
	for _, c := range cases {
		if c.want == nil {
			t.Errorf("DuckDB rejects %s", c.query)
		}
	}
	p := duckdb.NewParser()
	defer p.Close()
	for _, q := range unknownQueries {
		st, err := parseOne(t, p, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, c := range sqlast.Analyze(st, matrixCatalog()).Columns {
			if c.Exact != "" {
				t.Errorf("%s: column %s typed %s, though kiln cannot be sure of the query", q, c.Name, c.Exact)
			}
		}
	}
}

// TestExactTypesCorpus checks the exact types of the SQL corpus over its
// fixture tables.
func TestExactTypesCorpus(t *testing.T) {
	o := newTypeOracle(t)
	execScript(t, o.db, filepath.Join(corpusDir, "fixture.sql"))
	var queries []string
	for _, c := range readCorpus(t) {
		queries = append(queries, c.sql)
	}
	cases := checkTypes(t, o, fixture, queries)
	logUntyped(t, cases)
	cols, typed, n, whole := coverage(cases)
	t.Logf("corpus: %d statements, %d accepted by DuckDB, %d (%.0f%%) with every column typed; columns: %d of %d (%.0f%%) typed",
		len(queries), n, whole, percent(whole, n), typed, cols, percent(typed, cols))
}

func percent(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }

// projectCatalog knows the relations of a compiled project by schema and
// name: sources with their declared types, as the compiler gives them, and
// models with the types DuckDB bound.
type projectCatalog map[string]*sqlast.Relation

func (c projectCatalog) Relation(schema, name string) *sqlast.Relation {
	if schema == "" {
		schema = "main"
	}
	return c[strings.ToLower(schema+"."+name)]
}

// TestExactTypesGenerated compiles a generated project, makes each model's
// table in DuckDB in dependency order, and checks the exact types of every
// model against DuckDB's: the benchmark that kiln's analysis is measured
// on, where every column should be typed.
func TestExactTypesGenerated(t *testing.T) {
	dir := t.TempDir()
	if err := projectgen.Generate(dir, projectgen.Options{Models: 400, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	res, err := compiler.Compile(compiler.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatal(res.Diagnostics)
	}
	o := newTypeOracle(t)
	schemas := map[string]bool{"main": true}
	schema := func(name string) {
		if !schemas[name] {
			schemas[name] = true
			if _, err := o.db.Exec("create schema " + name); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Sources have the types they declare, upper-cased as the compiler
	// gives them to the analysis.
	cat := projectCatalog{}
	for _, s := range res.Project.Sources {
		r := s.Relation
		schema(r.Schema)
		rel := &sqlast.Relation{ID: s.UniqueID(res.Project.Name)}
		var cols []string
		for _, c := range s.Columns {
			cols = append(cols, c.Name+" "+c.DataType)
			rel.Columns = append(rel.Columns, sqlast.Column{Name: c.Name, Type: strings.ToUpper(c.DataType)})
		}
		if _, err := o.db.Exec("create table " + r.Schema + "." + r.Name + " (" + strings.Join(cols, ", ") + ")"); err != nil {
			t.Fatal(err)
		}
		cat[strings.ToLower(r.Schema+"."+r.Name)] = rel
	}
	// DuckDB makes each model's table, in order, from the SQL kiln runs.
	order, err := res.Graph.Sort()
	if err != nil {
		t.Fatal(err)
	}
	type model struct {
		m             *models.Model
		schema, table string
	}
	var ms []model
	for _, id := range order {
		m, ok := res.Node(id).(*models.Model)
		if !ok || m.Config.Materialized == models.Ephemeral {
			continue
		}
		x := model{m: m, schema: m.Relation.Schema, table: m.Relation.Name}
		if x.schema == "" {
			x.schema = "main"
		}
		ms = append(ms, x)
		schema(x.schema)
		if err := o.create(x.schema+"."+x.table, res.Compiled[m.Name]); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
	bound := map[string][]sqlast.Column{}
	for s := range schemas {
		for table, cols := range o.columns(t, s) {
			bound[strings.ToLower(s+"."+table)] = cols
		}
	}
	// kiln analyses each model with its parents' types as DuckDB bound them.
	for _, x := range ms {
		key := strings.ToLower(x.schema + "." + x.table)
		cat[key] = &sqlast.Relation{ID: x.m.UniqueID(res.Project.Name), Columns: bound[key]}
	}
	p := duckdb.NewParser()
	defer p.Close()
	var cases []*typeCase
	for _, x := range ms {
		st, err := parseOne(t, p, res.Compiled[x.m.Name])
		if err != nil {
			t.Fatalf("%s: %v", x.m.Name, err)
		}
		an := sqlast.Analyze(st, cat)
		cases = append(cases, &typeCase{query: x.m.Name, want: bound[strings.ToLower(x.schema+"."+x.table)], got: an.Columns, known: an.ColumnsKnown})
	}
	compareTypes(t, cases)
	logUntyped(t, cases)
	cols, typed, n, whole := coverage(cases)
	t.Logf("generated project: %d models, %d (%.1f%%) with every column typed; columns: %d of %d (%.1f%%) typed",
		n, whole, percent(whole, n), typed, cols, percent(typed, cols))
	if whole < n*95/100 {
		t.Errorf("only %d of %d models have every column typed; the benchmark wants nearly all", whole, n)
	}

	// Compiled with the analysis, each model has DuckDB's types, whether
	// kiln inferred them (from its parents' inferred types) or bound them.
	withTypes, err := compiler.Compile(compiler.Options{Dir: dir, Analyzer: p})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ms {
		a := withTypes.Analysis(x.m.Name)
		want := bound[strings.ToLower(x.schema+"."+x.table)]
		if a == nil || len(a.Columns) != len(want) {
			t.Errorf("%s: compiled with %v, DuckDB has %d columns", x.m.Name, a, len(want))
			continue
		}
		for i, c := range a.Columns {
			if c.DataType != "" && c.DataType != want[i].Type {
				t.Errorf("%s: compiled column %s has type %s, DuckDB %s", x.m.Name, c.Name, c.DataType, want[i].Type)
			}
		}
	}
}

// TestCanonicalType checks sqlast.CanonicalType against the types DuckDB
// gives columns declared with each name, as kiln's sources declare them.
func TestCanonicalType(t *testing.T) {
	declared := []string{
		"int", "integer", "int4", "signed", "int1", "tinyint", "int2", "smallint", "short", "int8", "bigint", "long",
		"hugeint", "int128", "utinyint", "usmallint", "uinteger", "ubigint", "uhugeint", "uint8", "uint16", "uint32", "uint64", "uint128", "int16", "int32", "int64",
		"float", "float4", "real", "double", "float8", "double precision", "float(10)", "float(30)",
		"decimal", "numeric", "dec", "decimal(18, 2)", "decimal(18,2)", "numeric(10,2)", "NUMERIC( 38 , 10 )",
		"decimal(5)", "numeric(1)", "decimal(38, 38)", "decimal(39, 2)", "decimal(5, 7)", "decimal(0)", "decimal(x)",
		"varchar", "varchar(255)", "text", "string", "char", "char(3)", "bpchar", "nvarchar", "character",
		"character varying", "character varying(20)", "varchar(x)",
		"bool", "boolean", "logical", "date", "time", "timetz", "time with time zone", "time without time zone",
		"timestamp", "datetime", "timestamp without time zone", "timestamptz", "timestamp with time zone",
		"timestamp_s", "timestamp_ms", "timestamp_ns", "timestamp_us", "timestamp(3)", "interval", "uuid",
		"blob", "bytea", "binary", "varbinary", "json", "bit", "varint", "int[]", "varchar[]", "decimal(10,2)[]",
		"int[][]", "int[3]", "struct(a int)", "map(varchar, int)", "union(a int, b varchar)", "enum('a', 'b')",
		"varchar collate nocase", "money", "serial", "  integer  ", "timestamp  with  time  zone",
	}
	must := map[string]bool{
		"int": true, "integer": true, "int4": true, "bigint": true, "int8": true, "smallint": true, "tinyint": true,
		"text": true, "string": true, "varchar": true, "varchar(255)": true, "numeric": true, "decimal": true,
		"decimal(18, 2)": true, "numeric(10,2)": true, "timestamptz": true, "float8": true, "float4": true,
		"real": true, "double": true, "bool": true, "boolean": true, "datetime": true, "date": true,
		"timestamp": true, "interval": true, "hugeint": true, "float": true,
	}
	o := newTypeOracle(t)
	for i, d := range declared {
		var want string
		if _, err := o.db.Exec(fmt.Sprintf("create table c%d (x %s)", i, d)); err == nil {
			if err := o.db.QueryRow("select data_type from duckdb_columns() where table_name = ?", fmt.Sprintf("c%d", i)).Scan(&want); err != nil {
				t.Fatal(err)
			}
		}
		got := sqlast.CanonicalType(strings.ToUpper(d))
		switch {
		case got != "" && got != want:
			t.Errorf("CanonicalType(%q) = %q, DuckDB says %q", strings.ToUpper(d), got, want)
		case got == "" && must[d]:
			t.Errorf("CanonicalType(%q) = \"\", want %q", strings.ToUpper(d), want)
		}
		// DuckDB's own names are canonical already.
		if want != "" {
			if c := sqlast.CanonicalType(want); c != "" && c != want {
				t.Errorf("CanonicalType(%q) = %q, want it unchanged", want, c)
			}
		}
	}
}
