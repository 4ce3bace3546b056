package duckdb_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/compiler/sqlast"
)

// The probes of this file hunt for wrong exact types: queries written
// against the rules of compiler/sqlast/types.go (literal rules, overloads,
// NULL folding, scoping, stars, joins, set operations, catalog spellings).
// Every non-empty OutputColumn.Exact must equal DuckDB's type; "" is always
// acceptable. KILN_REVIEW_DUMP=1 logs every probe with both sides' types.

// reviewExtraTable has a column of each type the matrix table lacks, and
// columns named like keywords.
const reviewExtraTable = `create table u (
	uti utinyint, usi usmallint, uhi uhugeint, ttz timetz, tss timestamp_s, tms timestamp_ms, tns timestamp_ns,
	uu uuid, vl varchar[], d1 decimal(1,0), d38s decimal(38,38), d380 decimal(38,0), d19 decimal(19,4),
	d55 decimal(5,5), st struct(a integer), m map(varchar, integer), js json, arr integer[3], en enum('a', 'b'),
	"select" integer, "Mixed" varchar, "current_date" varchar, "order" bigint, ti tinyint, bo boolean, i integer,
	"localtimestamp" integer, rowid_ bigint, bt bit)`

// reviewSpelled are columns declared with the spellings users write in
// sources; the catalog gets the declared spelling as is.
var reviewSpelled = [][2]string{
	{"a", "int"}, {"b", "numeric(10,2)"}, {"c", "double precision"}, {"d", "timestamp with time zone"},
	{"e", "text"}, {"f", "char(3)"}, {"g", "datetime"}, {"h", "float4"}, {"j", "int8"}, {"k", "bool"},
	{"l", "decimal"}, {"n", "varchar(255)"}, {"o", "int[]"}, {"p", "timestamptz"}, {"q", "DECIMAL(18, 2)"},
	{"r", "Numeric( 5 )"}, {"s", "character varying(20)"}, {"x1", "int1"}, {"x2", "short"}, {"x3", "long"},
	{"x4", "bpchar"}, {"x5", "string"}, {"x6", "blob"}, {"x7", "uuid"}, {"x8", "json"}, {"x9", "float(30)"},
	{"y1", "timestamp(3)"}, {"y2", "integer[][]"}, {"y3", "time with time zone"}, {"y4", "varchar[]"},
	{"y5", "real"}, {"y6", "dec(5,2)"}, {"y7", "numeric"}, {"y8", "bytea"}, {"y9", "int2"}, {"z1", "signed"},
	{"z2", "logical"}, {"z3", "datetime[]"}, {"z4", "decimal(38,38)"}, {"z5", "Timestamp  With  Time  Zone"},
	{"z6", "float(10)"}, {"z7", "timestamp_us"}, {"z8", "int []"}, {"z9", "decimal(10,2)[]"}, {"w1", "integer"},
	{"w2", "  bigint  "}, {"w3", "character(2)"}, {"w4", "time without time zone"}, {"w5", "timestamp_ns"},
	{"w6", "int4"}, {"w7", "double"}, {"w8", "varchar(10)[]"}, {"w9", "interval"},
	{"v1", "DECIMAL(010,2)"}, {"v2", "text(10)"}, {"v3", "varchar(10) []"}, {"v4", "int4[]"}, {"v5", "float8[]"},
	{"v6", "bool[]"}, {"v7", "numeric(10, 2)[]"}, {"v8", "TIMESTAMP WITH TIME ZONE[]"}, {"v9", "time without time zone[]"},
	{"u1", "decimal( 10,2 )"}, {"u2", "NVARCHAR(5)"}, {"u3", "Int"}, {"u4", "INTEGER"}, {"u5", "timestamp_s"}, {"u6", "uinteger"},
	{"u7", "uint8"}, {"u8", "int128"}, {"u9", "uhugeint"},
}

func reviewSpelledTable() string {
	var cols []string
	for _, c := range reviewSpelled {
		cols = append(cols, c[0]+" "+c[1])
	}
	return "create table w (" + strings.Join(cols, ", ") + ")"
}

// reviewProbes are the queries; t, t2 are the matrix tables of
// types_test.go, u and w the tables above.
var reviewProbes = []string{
	// Integer literal boundaries meeting integer columns.
	"select coalesce(ti, 127) as x from t", "select coalesce(ti, -128) as x from t", "select coalesce(ti, -129) as x from t",
	"select coalesce(si, 32767) as x from t", "select coalesce(si, 32768) as x from t", "select coalesce(si, -32768) as x from t",
	"select coalesce(si, -32769) as x from t", "select coalesce(i, 2147483647) as x from t", "select coalesce(i, -2147483649) as x from t",
	"select coalesce(bi, 9223372036854775807) as x from t", "select coalesce(bi, -9223372036854775808) as x from t",
	"select coalesce(bi, -9223372036854775809) as x from t", "select coalesce(hi, 170141183460469231731687303715884105727) as x from t",
	"select coalesce(i, 1_000) as x from t", "select coalesce(ti, 1_0) as x from t", "select ti + -128 as x from t",
	"select ti - 128 as x from t", "select si * 32768 as x from t", "select bi + -9223372036854775808 as x from t",
	"select -9223372036854775808 as x", "select 9223372036854775807 as x", "select -9223372036854775809 as x",
	"select 170141183460469231731687303715884105728 as x", "select 1e3 as a, 1.50 as b, .5 as c, 5. as d, 1.5e2 as e, 00012.3400 as f",
	"select 1_000.5 as a, 0.000 as b, -0.5 as c, 1e-3 as d", "select 123456789012345678901234567890123456789.5 as x",
	"select greatest(ti, -9223372036854775808) as x from t", "select least(si, -32768, 127) as x from t",
	"select [ti, -128, 127] as x from t", "select [si, 32768] as x from t",
	// Unary operators, parentheses and casts of literals.
	"select coalesce(ti, +1) as x from t", "select coalesce(ti, -(1)) as x from t", "select coalesce(ti, (1)) as x from t",
	"select coalesce(ti, - -1) as x from t", "select coalesce(ti, 1::integer) as x from t", "select coalesce(ti, 1::smallint) as x from t",
	"select coalesce(si, cast(1 as tinyint)) as x from t", "select coalesce(si, 1::bigint) as x from t", "select coalesce(ti, 1::hugeint) as x from t",
	"select 127::tinyint + 1 as x", "select 1::tinyint + 1 as x", "select coalesce(1::tinyint, 1) as x", "select cast(1 as tinyint) + ti as x from t",
	"select 1::smallint + ti as x from t", "select ti + (1 + 1) as x from t", "select ti + 1 + 1 as x from t", "select ti + (-1) as x from t",
	"select -ti as a, +ti as b, -(-ti) as c, - - ti as d from t", "select +1 as a, -1 as b, +(-1) as c, -(+1) as d",
	"select -d9 as a, -hi as b, -f as c, -iv as d, +d38 as e from t", "select ti::int::bigint::varchar as a, 1::int1 as b from t",
	"select try_cast(v as int) as a, try_cast(v as decimal(5)) as b, try_cast(v as numeric) as c from t",
	"select cast(i as varchar(10)) as a, cast(i as decimal(5)) as b, cast(i as numeric) as c, cast(i as double precision) as d from t",
	"select cast(ts as timestamp with time zone) as a, ts::timestamptz as b, cast(ts as TIMESTAMP WITH TIME ZONE) as c from t",
	"select 1::int1 as a, 1::int2 as b, 1::short as c, 1::long as d, 'a'::bpchar as e, 'a'::char as f, 'a'::text as g, 'a'::string as h",
	"select 'a'::blob as a, gen_random_uuid()::uuid as b, '{}'::json as c, '1'::varchar(1) as d, 1::float(30) as e, 1::float(10) as f",
	"select 1::real as a, 1::float8 as b, 1::float4 as c, 1::decimal(38,38) as d, 1::numeric(38) as e, ts::timestamp(3) as f from t",
	"select ts::timestamp_s as a, ts::timestamp_ms as b, ts::timestamp_ns as c, ts::datetime as d, tm::timetz as e from t",
	"select i::int[] as a, [i]::bigint[] as b, [i]::varchar[] as c, ['1']::int[] as d from t",
	"select '1'::int::varchar::int as a, 1::varchar::int as b from t", "select 1::bit as x", "select 1::varint as x",
	"select i::uinteger as a, i::utinyint as b, i::uhugeint as c, i::usmallint as d from t",
	"select 'x'::varchar collate nocase as a, v collate nocase as b from t",
	// NULL and integer literals met in order.
	"select coalesce(NULL, 1, ti) as x from t", "select coalesce(1, NULL, ti) as x from t", "select coalesce(1, 1, ti) as x from t",
	"select coalesce(1000, 1000, si) as x from t", "select coalesce(NULL, 1000, si) as x from t", "select coalesce(NULL, NULL, 1, ti) as x from t",
	"select greatest(1, 1, ti) as x from t", "select least(NULL, 5, ti) as x from t", "select greatest(NULL, 5, si) as x from t",
	"select [NULL, 1, ti] as x from t", "select [1, 1, ti] as x from t", "select [NULL, 5, si] as x from t",
	"select ifnull(NULL, 1) + ti as x from t", "select coalesce(NULL, 1) + ti as x from t",
	"select case when bo then 1 when bo then ti end as x from t", "select case when bo then 1 when bo then ti else null end as x from t",
	"select case when bo then ti when bo then null else 1 end as x from t", "select case when bo then ti when bo then 1 else 1 end as x from t",
	"select case when bo then 1 when bo then 1 else ti end as x from t", "select case when bo then 1 else 1 end as x from t",
	"select ti + case when bo then 1 else 1 end as x from t", "select ti + case when bo then 1 end as x from t",
	"select ti + case when bo then null else 5 end as x from t", "select ti + case when bo then 1 else 2 end as x from t",
	"select coalesce(ti, case when bo then 1 else 1 end) as x from t", "select coalesce(ti, case when bo then 1 end) as x from t",
	"select ti + nullif(1, i) as x from t", "select coalesce(ti, nullif(1, i)) as x from t", "select nullif(1, i) as x from t",
	"select nullif(ti, 1000) as a, nullif(1000, ti) as b, nullif('a', v) as c, nullif(d9, 1) as d from t",
	"select coalesce(si, greatest(1, 1)) as x from t", "select coalesce(si, coalesce(1, i)) as x from t",
	"select coalesce(ti, (select 1)) as x from t", "select ti + (select 1) as x from t",
	"select case when bo then 'a' when bo then NULL else 'b' end as x from t", "select coalesce(NULL, 'a', dt) as x from t",
	"select coalesce('2020-01-01', '2020-01-02', dt) as x from t", "select coalesce('1', '1', ti) as x from t",
	"select case when bo then NULL else 1.5 end + ti as x from t",
	"select case when bo then 1 else 2147483648 end as x from t", "select case ti when 1 then si when 2 then i else bi end as x from t",
	"select case when bo then case when bo then 1 else ti end else 1000 end as x from t",
	"select case when bo then case when bo then ti end end as x from t",
	"select case when bo then dt else ts end as a, case when bo then ts else tz end as b, case when bo then dt else '2020-01-01' end as c from t",
	"select case when bo then '1' else 1 end as a, case when bo then 1 else '1' end as b from t",
	"select case when bo then 1.5 else 1 end as a, case when bo then 1e3 else 1 end as b, case when bo then 1 else 1.5 end as c from t",
	"select case when bo then d9 else d18 end as a, case when bo then f else d9 end as b, case when bo then bo else ti end as c from t",
	"select case when bo then uti else 1 end as x from u", "select coalesce(uti, 1) as a, coalesce(uti, usi) as b, coalesce(uti, ti) as c from u",
	// Comparisons, conjunctions and predicates, literals on both sides.
	"select NULL = NULL as a, NULL < 1 as b, 1 = NULL as c, 'a' = NULL as d",
	"select NULL and NULL as a, NULL or true as b, not NULL as c, NULL between 1 and 2 as d, NULL in (NULL) as e",
	"select NULL is distinct from NULL as a, NULL like NULL as b, 'a' like NULL as c, NULL ilike 'x' as d, NULL glob 'x' as e",
	"select NULL similar to 'x' as a, NULL in (select 1) as b, exists (select NULL) as c, NULL = any (select 1) as d",
	"select v = '1' as a, dt = '2020-01-01' as b, ts < dt as c, i > all (select i from t2) as d, i in (1, 2147483648) as e from t",
	"select i is true as a, bo is not false as b, i = 1 and bo as c, i between 1 and bi as d from t",
	// Rounding and the like.
	"select round(i, bi) as x from t", "select round(d9, bi) as x from t", "select round(f, bi) as x from t", "select round(i, d) as x from t",
	"select round(ti, i) as x from t", "select round(i, 1.5) as x from t", "select round(d9, 1.5) as x from t", "select round(d9, '1') as x from t",
	"select round(d9, 2147483648) as x from t", "select round(i, 2147483648) as x from t", "select round(d9, -40) as x from t",
	"select round(d38, 40) as x from t", "select round(hi, 1) as x from t", "select round(hi, -1) as x from t", "select trunc(d9, -1) as x from t",
	"select trunc(d9, 5) as x from t", "select trunc(i, -1) as x from t", "select trunc(d38, 2) as x from t", "select floor(d9) as x from t",
	"select ceil(d10) as x from t", "select floor(hi) as x from t", "select round(d9, ti) as x from t", "select round(d9, 1::tinyint) as x from t",
	"select round(1.234, 2) as a, round(-1.5) as b, round(1.5e0) as c, ceil(1.5) as d, floor(-1.5) as e",
	"select round(d55, 2) as a, round(d38s, 3) as b, round(d1) as c, round(d380, -2) as d, round(d19, 2) as e from u",
	"select trunc(d55) as a, floor(d38s) as b, ceil(d19) as c, trunc(d19, 2) as d, round(uti) as e from u",
	"select round(d9 * d9, 2) as a, round(sum(d9), 2) as b, round(avg(d9), 2) as c from t",
	"select round(5) as a, round(128, 1) as b, round(2147483648) as c, trunc(5) as d, trunc(-5, 1) as e",
	"select abs(-128::tinyint) as a, abs(hi) as b, abs(d38) as c, abs(-9223372036854775808) as d, abs(2147483648) as e from t",
	"select abs(uti) as a, abs(d55) as b, sign(uhi) as c, sign(d38s) as d from u",
	"select sign(hi) as a, sign(d38) as b, sign(f) as c, sign(-1) as d, sign(iv) as e from t", "select sign(hi) as a, sign(d38) as b, sign(f) as c, sign(-1) as d from t",
	"select round(d9, NULL) as a, round(d9, nullif(1, 1)) as b, abs(nullif(1, 1)) as c, round(cast(NULL as decimal(9,2)), 1) as d from t",
	"select round(ti, 1) + ti as a, abs(ti) + 1 as b, floor(ti) + 1 as c from t",
	// Date parts, truncation and differences.
	"select date_part('year', dt) as a, date_part('epoch', tm) as b, date_part('timezone', tz) as c, date_part('second', iv) as d from t",
	"select date_part('microseconds', ts) as a, date_part('msecs', ts) as b, date_part('YEAR', ts) as c, date_part('Year', ts) as d from t",
	"select date_part('dec', ts) as a, date_part('nanosecond', ts) as b, date_part('julian', dt) as c, date_part('julian', ts) as d from t",
	"select date_part('julian', tz) as a, date_part('epoch', tz) as b, date_part('era', ts) as c, date_part('millennia', ts) as d from t",
	"select extract(epoch from iv) as a, extract(second from tm) as b, extract(hour from iv) as c, extract(millisecond from tm) as d from t",
	"select date_part('epoch', ttz) as a, date_part('year', tss) as b, date_part('hour', ttz) as c, extract(year from tns) as d from u",
	"select date_part('year', date '2020-01-01') as a, extract(epoch from timestamp '2020-01-01') as b, extract(year from NULL::date) as c",
	"select date_part('usec', ts) as a, date_part('usecs', ts) as b, date_part('mils', ts) as c, date_part('mons', ts) as d, date_part('hrs', ts) as e from t",
	"select date_part('yrs', ts) as a, date_part('weeks', ts) as b, date_part('centuries', dt) as c, date_part('decades', dt) as d, date_part('quarters', dt) as e from t",
	"select date_part('epoch', dt) as a, date_part('epoch', iv) as b, date_part('dow', dt) as c, date_part('isodow', tz) as d from t",
	"select date_part('timezone_minute', tz) as a, date_part('weekofyear', ts) as b, date_part('minutes', tm) as c from t",
	"select date_part(['year', 'month'], ts) as a, date_part('year'::varchar, ts) as b from t",
	"select date_trunc('hour', dt) as a, date_trunc('week', tz) as b, date_trunc('month', iv) as c, date_trunc(NULL, ts) as d from t",
	"select date_trunc('day', tss) as a, date_trunc('day', tns) as b, date_trunc('day', tms) as c from u",
	"select date_trunc('day', '2020-01-01') as a, date_trunc('day', date '2020-01-01') as b, date_trunc('DAY', dt) as c, date_trunc('day', now()) as d",
	"select date_trunc('millennium', dt) as a, date_trunc('quarter', tz) as b, date_trunc('second', ts) as c, datetrunc('year', dt) as d from t",
	"select date_trunc('day', dt) + 1 as x from t", "select date_trunc('day', dt) - dt as x from t",
	"select date_diff('day', dt, ts) as a, date_diff('hour', tm, tm) as b, datediff('hour', tz, tz) as c, date_sub('month', dt, dt) as d from t",
	"select date_diff(NULL, dt, dt) as a, date_diff('day', NULL, dt) as b, date_diff('day', dt::timestamp, tz) as c from t",
	"select age(dt) as a, age(dt, dt) as b, age(tz) as c, age(tz, tz) as d, age(ts, dt) as e from t",
	"select make_date(i, i, i) as a, make_date(ti, 1, 1) as b, make_date(bi, bi, bi) as c, make_date({'year': 2020, 'month': 1, 'day': 1}) as d from t",
	"select make_timestamp(bi) as a, make_timestamp(i, i, i, i, i, d) as b, make_timestamp(2020, 1, 1, 0, 0, 0, 'UTC') as c from t",
	"select make_timestamptz(2020, 1, 1, 0, 0, 0) as a, make_time(1, 1, 1) as b, make_timestamp_ns(1) as c",
	"select epoch(ts) as a, epoch(iv) as b, epoch(dt) as c, epoch(tz) as d, epoch(tm) as e, epoch_ms(ts) as f, epoch(NULL) as g from t",
	"select epoch(ttz) as a, epoch(tss) as b, epoch(tns) as c from u", "select epoch_ms(bi) as a, epoch_us(ts) as b, epoch_ns(ts) as c from t",
	"select to_timestamp(i) as a, to_timestamp(d9) as b, to_timestamp(v, '%Y') as c from t",
	"select strptime(v, '%Y-%m-%d %H:%M:%S.%f') as a, strptime(v, '%z') as b, strptime(v, ['%Y', '%m']) as c from t",
	"select strptime(v, '100%% %z') as a, strptime(v, NULL) as b, strptime(v, '%s') as c, strptime(v, '%Y' || '') as d from t",
	"select '%Y %z' as f, strptime(v, f) as x from t", "select try_strptime(v, '%Y') as x from t",
	"select strptime('2020', '%Y') as a, strptime(NULL, '%Y') as b, strptime(v, '%Y %Z') as c, strptime(v, '%-z') as d from t",
	"select last_day(tz) as a, last_day(dt) as b, dayname(tz) as c, monthname(dt) as d, strftime(dt, '%Y') as e, strftime('%Y', ts) as f from t",
	"select year(iv) as a, month(tm) as b, second(iv) as c, week(dt) as d, yearweek(tz) as e, era(dt) as f from t",
	"select year(ttz) as a, hour(ttz) as b, year(tss) as c from u",
	// Arithmetic with dates, times and intervals.
	"select dt + i as a, dt + ti as b, si + dt as c, dt - si as d, dt + (ti + 1) as e, dt + 2147483647 as f from t",
	"select dt + bi as x from t", "select dt + hi as x from t", "select dt + ui as x from t", "select dt + (1) as x from t",
	"select 1 + dt as a, dt - 1 as b, current_date + 1 as c, current_date - current_date as d from t",
	"select tm + interval 1 hour as a, interval 1 hour + tm as b, tm - interval 1 hour as c, dt + tm as d, tm + dt as e from t",
	"select ts + tm as x from t", "select tm - tm as x from t", "select dt - tm as x from t", "select tm + 1 as x from t",
	"select ttz + interval 1 hour as a, tss + interval 1 day as b, tns - interval 1 day as c, dt + ttz as d from u, t",
	"select tss - tss as a, tns - tns as b, tms - tms as c from u",
	"select iv * 2 as a, 2 * iv as b, iv * 1.5 as c, iv / 2 as d, iv / 0.5 as e, iv * d as f, iv * bi as g from t",
	"select iv + iv as a, iv - iv as b, -iv as c, iv + dt as d, iv + ts as e, iv + tz as f from t",
	"select interval (i) day + dt as a, dt + interval (ti) hour as b, interval '1' day * i as c, to_days(i) + ts as d from t",
	"select ts - ts as a, tz - ts as b, dt - ts as c, tz - dt as d, ts - interval '1 day' as e from t",
	"select dt - dt as a, (dt - dt) + 1 as b, dt - dt + ti as c from t",
	"select date_add(dt, interval 1 day) as a, date_add(dt, 1) as b, date_add(tz, interval 1 hour) as c, date_add(tm, interval 1 hour) as d from t",
	"select date_add('day', 1, dt) as x from t",
	// Integer and decimal arithmetic beyond the matrix's widths.
	"select d1 + d1 as a, d38s + d38s as b, d380 + d38s as c, d19 + d19 as d, d55 + d55 as e, d55 * d55 as f from u",
	"select d1 * d1 as a, d19 * d19 as b, d55 * d19 as c, d380 * 1 as d, d38s * 2 as e, d19 - 1 as f from u",
	"select d1 % d1 as a, d380 % d38s as b, d19 % 3 as c, d19 // 3 as d, d55 / 2 as e from u",
	"select d1 + ti as a, d1 * i as b, d55 + bi as c, d19 + hi as d, d19 * ti as e from u",
	"select coalesce(d1, d55) as a, coalesce(d380, d38s) as b, coalesce(d19, 1) as c, coalesce(d1, 1000) as d, coalesce(d55, 2147483648) as e from u",
	"select coalesce(d19, hi) as a, greatest(d1, d55, d19) as b, [d1, d55] as c, coalesce(d38s, 1) as d from u, t",
	"select d9 + 1.5 as a, d9 * 0.001 as b, d9 - 1e3 as c, d9 + '1' as d, d9 * 2147483648 as e from t",
	"select 1.5 + 1 as a, 1.5 * 1.5 as b, 0.1 + 0.2 as c, 1 / 3 as d, 7 // 2 as e, 7 % 2 as f, 7.5 % 2 as g, 7 // 2.5 as h",
	"select ti * ti as a, ti // ti as b, ti % 2 as c, si + ti as d, i - ti as e, bi * si as f, hi + ti as g from t",
	"select ti * 1000 as a, si * 40000 as b, i * 2147483648 as c, ti + 9223372036854775808 as d from t",
	"select uti + 1 as a, uti + uti as b, usi * 2 as c, uhi + 1 as d, uti + ti as e from u",
	"select ti / 2 as a, d9 / d9 as b, f / 2 as c, f / d9 as d, f // 2 as e, d // 2 as f, i // 0.5 as g from t",
	"select ti ** 2 as a, pow(ti, 2) as b, ti ^ ti as c, ti << 1 as d, ti >> 1 as e, ti & 1 as f, ti | 1 as g, xor(ti, 1) as h, ~ti as k from t",
	"select count(*) * 1.5 as a, count(*) + 1 as b, sum(i) / count(*) as c, sum(d9) * 2 as d, sum(d9) + sum(d9) as e, sum(i) + 1 as f from t",
	"select row_number() over () + 1 as a, rank() over (order by i) * 1.5 as b, count(*) over () - 1 as c from t",
	// String functions on non-string arguments and NULLs.
	"select replace(v, NULL, 'b') as a, substr(v, NULL) as b, left(v, NULL) as c, lpad(v, 5, NULL) as d, repeat(v, NULL) as e from t",
	"select regexp_replace(v, NULL, 'x') as a, split_part(v, NULL, 1) as b, translate(v, NULL, 'b') as c, trim(v, NULL) as d from t",
	"select regexp_replace(v, 'a', 'b', 'g') as a, regexp_replace(v, 'a', 'b', NULL) as b, regexp_extract(v, NULL) as c from t",
	"select regexp_extract(v, '(a)', 1.5) as a, regexp_extract(v, '(a)', i) as b, regexp_extract(v, '(a)', 2147483648) as c from t",
	"select lower(i) as a, left(i, 1) as b, substring(bl, 1, 2) as c, reverse(li) as d, repeat(li, 2) as e, repeat('ab', 2) as f from t",
	"select upper(v collate nocase) as a, lower(v::varchar(3)) as b, trim(both 'x' from v) as c, trim(leading from v) as d from t",
	"select substring(v from 2 for 3) as a, substring(v, 1.5) as b, left(v, bi) as c, right(v, hi) as d, lpad(v, 1.5, 'x') as e from t",
	"select lower(uu) as a, upper(js) as b, trim(en) as c, replace(en, 'a', 'b') as d, reverse(vl) as e from u",
	"select lower(NULL::varchar) as a, left(NULL::varchar, 1) as b, lower(nullif('a', 'a')) as c, concat_ws(NULL, 'a') as d",
	"select concat(NULL, NULL) as a, concat(1, 2) as b, concat(v, li) as c, concat(v, NULL) as d, concat('a', 1.5) as e, concat(bl, bl) as f from t",
	"select concat(uu, tm) as a, concat(v, bo) as b, concat(NULL) as c, concat(nullif(1, 1)) as d, concat(st) as e, concat(m) as f from u, t",
	"select concat(vl, vl) as a, concat(v, vl) as b, concat(arr, arr) as c, concat(js, js) as d, concat(en, en) as e, concat(bt) as f from u, t",
	"select 'a' || 1 as a, 1 || 2 as b, NULL || 'a' as c, v || NULL as d, i || i as e, bl || 'x' as f, li || [1] as g from t",
	"select v || li as a, dt || 'x' as b, js || 'x' as c, en || 'x' as d, uu || 'x' as e, vl || 'x' as f, bt || bt as g from u, t",
	"select concat_ws(NULL, 'a', 'b') as a, concat_ws(',', li, li) as b, concat_ws(',', i, d) as c, concat_ws(',', NULL) as d from t",
	"select printf('%d', i) as a, format('{}', li) as b, to_hex(bl) as c, to_hex(hi) as d, to_hex(v) as e, chr(ti) as f from t",
	"select string_split(v, NULL) as a, regexp_split_to_array(v, NULL) as b, string_split(NULL, NULL) as c, str_split(NULL::varchar, ',') as d from t",
	"select md5(bl) as a, sha1(bl) as b, sha256(bl) as c, md5(uu) as d, hash(st) as e, md5(js) as f from u, t",
	"select length(li) as a, len(bl) as b, length(NULL) as c, strlen(v) as d, bit_length(bl) as e, length(bt) as f, len(arr) as g, len(m) as h from u, t",
	"select strpos(v, NULL) as a, instr(v, 'a') as b, position('a' in v) as c, contains(li, 1) as d, contains(m, 'k') as e from u, t",
	"select contains(vl, 'a') as a, starts_with(v, NULL) as b, prefix(NULL, NULL) as c, ascii(NULL) as d, chr(NULL) as e from u, t",
	"select array_length(li, 1) as a, array_length(arr) as b, array_length(NULL) as c, list_contains(NULL, 1) as d from u, t",
	// Lists.
	"select list_sort(li) as a, list_sort(vl) as b, list_sort(li, 'desc') as c, array_sort(NULL) as d, list_sort([1, 2]) as e from u, t",
	"select list_sort([ti]) as a, list_value(ti, NULL) as b, list_value(NULL, NULL) as c, [dt, ts] as d, ['1', 1] as e, [1, 1.5] as f from t",
	"select [1e3, 1] as a, [[1], [2]] as b, [li] as c, [] as d, list_value() as e, [uu] as f, [ttz] as g, [en] as h from u",
	"select [tns, tns] as a, [d55, d1] as b, [uti, 1] as c, [vl] as d, list_sort(arr) as e, [st] as f from u",
	"select [ts, tz] as a, [dt, tz] as b, [f, d] as c, [d9, d38] as d, [bo, ti] as e, [ti, 128] as f, [v, 'x'] as g from t",
	"select list_reverse_sort(li) as a, array_reverse_sort(vl) as b, list_sort(string_split(v, ',')) as c from u, t",
	"select list(li) as a, list(vl) as b, list(arr) as c, list(st) as d, list(uu) as e, list(tns) as f, list(ttz) as g, list(en) as h from u",
	"select array_agg(ti order by i) as a, list(distinct v) as b, list(1) as c, list(NULL) as d, list(i) filter (where bo) as e from t",
	// Aggregates on every kind of argument.
	"select sum(d1) as a, sum(d38s) as b, sum(d19) as c, sum(uti) as d, sum(uhi) as e, sum(d55) as f from u",
	"select sum(hi) as a, sum(bo) as b, sum(iv) as c, avg(iv) as d, avg(tm) as e, avg(dt) as f, avg(tz) as g, avg(d38) as h from t",
	"select avg(tss) as a, avg(tns) as b, avg(ttz) as c, avg(uti) as d, avg(d55) as e from u",
	"select sum(1) as a, sum(1.5) as b, sum(2147483648) as c, sum(9223372036854775808) as d, sum(ti::decimal(4,2)) as e, sum(1e0) as f from t",
	"select sum(distinct i) as a, sum(i) filter (where bo) as b, sum(i order by i) as c, avg(distinct d9) as d, sum(f) as e from t",
	"select min(NULL) as a, max(1) as b, max(1000) as c, max('a') as d, max(d9) as e, min(bl) as f, max(li) as g from t",
	"select max(uti) as a, max(ttz) as b, min(st) as c, max(js) as d, max(vl) as e, max(uu) as f, max(en) as g, min(tns) as h from u",
	"select max(tss) as a, min(tms) as b, any_value(ttz) as c, first(uhi) as d, last(arr) as e, arbitrary(m) as f, mode(tns) as g from u",
	"select mode(1) as a, mode('x') as b, mode(li) as c, mode(d9) as d, first(v order by i) as e, last(NULL) as f from t",
	"select arg_max(v, i) as a, arg_max(v, NULL) as b, arg_max(NULL, i) as c, arg_max(li, i) as d, arg_max(i, v) as e, arg_max(d9, i) as f from t",
	"select arg_max(uu, uti) as a, max_by(ttz, d1) as b, arg_min(st, uti) as c, arg_max(tns, tss) as d, min_by(en, d19) as e from u",
	"select arg_max(1, i) as a, arg_max(NULL::int, i) as b, arg_max('x', i) as c, arg_max(i, i, 2) as d, argmax(i, d) as e from t",
	"select median(d9) as a, median(dt) as b, median(hi) as c, median(iv) as d, median(tm) as e, median(bo) as f, median(tz) as g from t",
	"select median(uti) as a, median(tns) as b, median(d55) as c, median(tss) as d from u",
	"select quantile_cont(i, 1) as a, quantile_cont(i, 0.5e0) as b, quantile_cont(d9, 0.5) as c, quantile_cont(ts, 0.5) as d, quantile_cont(dt, 0.5) as e from t",
	"select quantile_cont(f, 0.5) as a, quantile_cont(i, '0.5') as b, quantile_disc(i, [0.25, 0.5]) as c, quantile_disc(v, 0.5) as d, quantile(i, 0.5) as e from t",
	"select quantile_disc(i, 1) as a, quantile_disc(d9, 0.5) as b, quantile_disc(li, 0.5) as c, quantile_disc('x', 0.5) as d, quantile_cont(iv, 0.5) as e from t",
	"select string_agg(v, NULL) as a, string_agg(bl, ',') as b, string_agg(distinct v, ',' order by v) as c, string_agg(uu) as d, string_agg(js) as e from u, t",
	"select string_agg(v, v) as a, listagg(i) as b, group_concat(d9, ';') as c, string_agg(NULL, NULL) as d, string_agg(st) as e from u, t",
	"select count(distinct v) as a, count(*) filter (where bo) as b, count(NULL) as c, count(li) as d, count() as e from t",
	"select bool_and(i > 0) as a, bool_or(NULL) as b, bool_and(bo) over () as c, count_if(i > 0) as d, countif(bo) over () as e from t",
	"select stddev(d9) as a, var_pop(hi) as b, stddev(bo) as c, product(i) as d, product(NULL) as e, entropy(li) as f, kurtosis(i) as g, skewness(d) as h from t",
	"select approx_count_distinct(li) as a, bit_and(i) as b, bit_or(ti) as c, bit_xor(bi) as d, histogram(i) as e, sum_no_overflow(i) as f from t",
	"select geomean(i) as a, favg(d) as b, avg(f) as c, sum(f) as d, fsum(f) as e, weighted_avg(i, d) as f, regr_slope(d, i) as g from t",
	"select min(i, 2) as a, max(v, 2) as b, arg_max(v, i, 2) as c, list(i order by v) as d, first(i) filter (where bo) as e from t",
	// Windows.
	"select lag(ti, 1, 1000) over (order by i) as x from t", "select lag(i, 1, 1.5) over (order by i) as x from t",
	"select lag(i, 1, '1') over (order by i) as x from t", "select lag(i, 1, d) over (order by i) as x from t",
	"select lag(ti, 1, i) over (order by i) as x from t", "select lead(d9, 1, 0.555) over (order by i) as x from t",
	"select lag(dt, 1, ts) over (order by i) as x from t", "select lag(NULL, 1, 1) over (order by i) as x from t",
	"select lead(ti, 1, -1) over (order by i) as x from t", "select lead(ti, 1, 127) over (order by i) as x from t",
	"select lag(1, 1, 1000) over () as a, lag('x') over () as b, lag(ti) over w as c from t window w as (order by i)",
	"select first_value(ti ignore nulls) over (order by i) as a, nth_value(d9, 2) over (order by i) as b, last_value(NULL) over () as c from t",
	"select sum(d9) over (order by i rows between 1 preceding and current row) as a, avg(i) over (partition by v) as b, min(ts) over () as c from t",
	"select string_agg(v, ',') over (order by i) as a, list(i) over (order by i) as b, first(i) over () as c, count(*) over (order by i range between 1 preceding and 1 following) as d from t",
	"select sum(i) over (order by i groups between 1 preceding and current row exclude current row) as a, max(d9) filter (where bo) over () as b from t",
	"select ntile(2) over () as a, fill(i) over (order by i) as b, row_number() over (order by i) as c, sum(ti) over () as d from t",
	"select sum(ti) over () + ti as a, lag(ti) over (order by i) + 1 as b, lag(ti, 1, 1) over (order by i) as c from t",
	"select first_value(ti) over (order by i) as a, lag(li) over (order by i) as b, lag(uu) over (order by i) as c from u, t",
	"select lag(ti, 1, 200) over (order by i) as x from t",
	// Select-list aliases.
	"select ti as a, a + 1 as b, b * 2 as c, c + 1000 as d from t", "select 1 as a, coalesce(a, 1, ti) as x from t",
	"select NULL as a, ti + a as x from t", "select 1 as a, 1 as b, coalesce(a, b, ti) as x from t",
	"select 1 as a, (select a + ti from t2 limit 1) as x from t", "select ti as a, (select a from t2 limit 1) as x from t",
	"select sum(i) as s, s + 1 as x from t", "select i + 1 as i, i * 2 as j from t", "select ti as v, v from t",
	"select d9 as x, x * x as y, y * y as z, z * z as w, w * w as q from t", "select 'x' as a, a || 'y' as b, lower(a) as c from t",
	"select 5 as a, ti + a + a as x from t", "select 1 as a, a as b, b as c, ti + c as x from t", "select 1 as A, ti + a as x from t",
	"select 1 as \"a\", ti + A as x from t", "select -1 as a, ti + a as x from t", "select 2147483648 as a, ti + a as x from t",
	"select 1 as a, sum(a) as s from t", "select 1 as a, ti + a as x from t where a > 0", "select ti as a, 1 as ti, ti + 1 as x from t",
	// Columns named like keywords, in different case.
	"select \"select\", \"Mixed\", mixed, MIXED, \"order\", current_date, localtimestamp, rowid_ from u",
	"select \"SELECT\" + 1 as a, \"ORDER\" + 1 as b, Current_Date as c, LocalTimestamp + 1 as d from u",
	"select current_date, localtimestamp, rowid from t", "select TI, Ti + 1 as x, \"ti\" from t", "select U.TI from u",
	"select current_date from u, t", "select current_date + 1 as x from u", "select localtimestamp, current_timestamp, current_time from u",
	"select x.current_date from u as x", "select \"current_date\" from (select 1 as \"current_date\")",
	// Subqueries.
	"select (select 1) + ti as a, (select NULL) as b, (select NULL::varchar) as c, (select i from t2 limit 1) + 1 as d from t",
	"select (select 'a') as a, coalesce(dt, (select '2020-01-01')) as b, (select max(i) from t2) + ti as c from t",
	"select (select 1 union all select 2 limit 1) as a, (select i from t2 union select i from t2 limit 1) as b from t",
	"select (select sum(t2.d9) from t2 where t2.i = t.i) as a, (select count(*) from t2) as b, array(select i from t2) as c from t",
	"select exists (select 1 from t2) as a, i in (select i from t2) as b, i not in (select i from t2) as c, i = any (select i from t2) as d from t",
	"select (select ti) as a, (select t.ti + 1) as b, (select x from (select t.ti as x)) as c from t",
	"select (select v from t2 where t2.i = t.i) || 'x' as a from t",
	// CTEs, set operations, VALUES.
	"with c as (select 1 as x) select x + ti as y from c, t", "with c as (select NULL as x) select x || 'a' as y, x + 1 as z from c",
	"with c(a, b) as (select ti, v from t) select a + 1 as x, b from c", "with c(a) as (select ti, v from t) select * from c",
	"with c(i) as (select ti, i from t) select i from c", "with t as (select 1 as i) select * from t", "with t as (select * from t) select i from t",
	"with c as (select ti from t), d as (select ti + 1 as ti from c) select ti, ti * 2 as x from d",
	"with recursive r(n) as (select 1::tinyint union all select n + 1 from r where n < 3) select * from r",
	"with recursive r(n) as (select 1 union all select n + 1.5 from r where n < 3) select * from r",
	"with recursive r(n) as (select NULL union all select 1 from r where false) select * from r",
	"select 1 as x union all select 1::tinyint", "select ti as x from t union all select NULL", "select NULL as x union all select ti from t",
	"select 1 as x union all select 'a'", "select '1' as x union all select '2'", "select 1 as x union all select 2147483648",
	"select ti as x from t union all select ti from t union all select si from t", "select ti as x from t union all select ti from t except select ti from t",
	"select v as x from t union all select v collate nocase from t", "select li as x from t union all select [1]",
	"select dt as x from t union all select ts from t", "select d9 as x from t union all select d18 from t",
	"select i as x, v as y from t union by name select 1 as x", "select i as x from t union all by name select ti as x, 1 as y from t",
	"select i as X from t union all by name select bi as x from t", "select 1 as x union by name select 2 as y union by name select 3 as x",
	"select count(*) from t union all by name select 1 as \"count_star()\"", "select i + 1 from t union all by name select 5 as \"(i + 1)\"",
	"select cast(i as bigint) from t union all by name select 1 as \"CAST(i AS BIGINT)\"", "select 1 union all by name select 2 as \"1\"",
	"select 'a' union all by name select 'b' as \"'a'\"", "select lower(v) from t union all by name select 'x' as \"lower(v)\"",
	"select -i from t union all by name select 1 as \"-i\"", "select i::varchar from t union all by name select 'x' as \"CAST(i AS VARCHAR)\"",
	"select * exclude (\"count_star()\") from (select count(*), 1 as a from t)", "select * exclude (\"(i + 1)\") from (select i + 1, 1 as a from t)",
	"select * from (select count(*) from t) a natural join (select 1 as \"count_star()\") b",
	"select * from (values (1), (1000)) v(a)", "select * from (values ('1'), (1)) v(a)", "select * from (values (1), ('2')) v(a)",
	"select * from (values (1.5), ('2')) v(a)", "select * from (values (date '2020-01-01'), ('2020-01-02')) v(a)",
	"select * from (values ('a'), (NULL)) v(a)", "select * from (values (1), (1.5), (1e3)) v(a)", "select * from (values (true), (1)) v(a)",
	"select * from (values (1), (true)) v(a)", "select * from (values (-1), (128)) v(a)", "select * from (values (127::tinyint), (128)) v(a)",
	"select * from (values (127::tinyint), (1)) v(a)", "select * from (values (NULL), (1), (2147483648)) v(a)",
	"select * from (values (1, 'a'), (NULL, NULL)) v(a, b)", "select * from (values (1::tinyint), (NULL), (100)) v(a)",
	"select * from (values ([1]), ([1, 2])) v(a)", "select * from (values (1, 2)) v", "select * from (values (1)) v(a, b)",
	"select a + 1 as x from (values (1), (1)) v(a)", "select col0 + 1 as x from (values (1))", "select * from (values (1)), (values (2))",
	// Star, REPLACE, EXCLUDE, COLUMNS, LIKE.
	"select * replace (i::varchar as i, 1 as ti, NULL as si) from t", "select * exclude (ti) replace (ti + 1 as i) from t",
	"select columns(*)::varchar from t", "select columns('^d') is null from t", "select count(columns(*)) from t",
	"select columns(['i', 'bi']) > 0 from t", "select i, columns(['i']) is null as n from t", "select md5(columns('^v$')) from t",
	"select columns('d9|d18') + 1 from t", "select max(columns('d9|d18')) from t", "select coalesce(*columns(['i', 'bi'])) from t",
	"select * like 'd%' from t", "select * ilike 'D%' from t", "select * not like 'd%' from t", "select * similar to 'd.*' from t",
	"select * glob 'd*' from t", "select t.* like 'd%' from t", "select concat(*) from t2", "select hash(*) from t2",
	"select struct_pack(*) from t2", "select * exclude (T.I) from t", "select * exclude (I) from t2", "select * rename (i as v) from t2",
	"select t2.* exclude (i), 1 as k from t2", "select *, i from t2", "select u.* from u", "select * from w",
	"select * from t as x(i)", "select i from t as x(i)", "select a from (select 1 as a, 'x' as a)", "select a from (select 1 as a, 'x' as A)",
	"select * from (select 1 as a, 'x' as a)", "select a_1 from (select 1 as a, 'x' as a)",
	// Joins.
	"select * from t2 natural join (t2 as a cross join (select 1 as z) b)",
	"select * from (select 1 as k, 2 as v1) x natural join ((select 1 as k, 3 as v2) y cross join (select 4 as w) z)",
	"select * from (select 1::tinyint as k) x natural full join ((select 1::bigint as k) y cross join (select 1 as w) z)",
	"select k from (select 1::tinyint as k) x natural full join ((select 1::bigint as k) y cross join (select 1 as w) z)",
	"select * from t2 a join (t2 b cross join (select 1 as z) c) using (i)", "select i from t2 a join (t2 b cross join (select 1 as z) c) using (i)",
	"select * from (select 1::tinyint as k) a full join (select 1::tinyint as k) b using (k)",
	"select * from (select 1::tinyint as k) a full join (select 1::smallint as k) b using (k)",
	"select k from (select 1::tinyint as k) a right join (select 1::smallint as k) b using (k)",
	"select k, a.k as ak, b.k as bk from (select 1::tinyint as k) a left join (select 1::smallint as k) b using (k)",
	"select * from (select 1::tinyint as k, 'x' as v) a natural right join (select 1::tinyint as k, 1 as v) b",
	"select * from t2 join t2 as b using (i) join t2 as c using (i)", "select * from t2 full join t2 as b using (i) full join t as c using (i)",
	"select i from t2 full join t2 as b using (i) full join t as c using (i)", "select * from t2 as a full join t2 as b using (I)",
	"select * from t2 join (select * from t2) using (i, v)", "select * from t2 natural join t2 as b natural join t2 as c",
	"select * from t2 natural join (select i, v from t2) x", "select * from (select i from t2) natural join (select v from t2)",
	"select * from t2, lateral (select i + 1 as j) x", "select * from t2 join lateral (select t2.i * 2 as j) x on true",
	"select * from t2 cross join unnest([1, 2]) as u(x)", "select * from t2, unnest(string_split(v, ',')) as u(x)",
	"select * from t2 positional join (select 1 as z)", "select * from t2 semi join t2 as b using (i)", "select * from t2 anti join t2 as b on t2.i = b.i",
	"select * from t2 asof join t2 as b on t2.i >= b.i", "select * from t2 asof left join t2 as b using (v, i)",
	"select * from t2 a, t2 b where a.i = b.i", "select a.*, b.i + 1 as j from t2 a join t2 b on a.i = b.i",
	"select * from (select ti as k from t) a join (select i as k from t) b using (k)",
	"select * from (select ti as k from t) a left join (select i as k from t) b using (k)",
	"select k + 1 as x from (select ti as k from t) a join (select i as k from t) b using (k)",
	// Table functions, unnest, ranges.
	"select * from range(ti)", "select * from range(hi)", "select * from range(d9)", "select * from range(1.5)",
	"select * from generate_series(tz, tz, iv)", "select * from range(dt, ts, iv)", "select * from range(NULL)",
	"select * from range(2147483648)", "select * from range(9223372036854775808)", "select * from range('1')",
	"select * from range(date '2020-01-01', date '2020-01-05', interval 1 day)", "select * from generate_series(1, 10, 2) with ordinality",
	"select * from t, range(ti)", "select * from range(3) r(x), range(x) s(y)", "select unnest([1, 2]) as x", "select unnest(li) as x from t",
	"select * from unnest([1, 2], [3])", "select * from range(3), range(4)", "select * from range(-1)", "select * from range(ti, 10::tinyint)",
	"select * from range(1, 10, 1::tinyint)", "select * from range(1::utinyint)",
	// GROUP BY ALL, QUALIFY, DISTINCT ON, grouping, FROM-first.
	"select ti, count(*) as n, sum(ti) as s from t group by all", "select ti, grouping(ti) as g from t group by cube (ti)",
	"select distinct on (i) ti + 1 as x from t order by i", "select ti, row_number() over () as rn from t qualify rn = 1",
	"from t select ti + 1 as x", "from t2", "select * from t2 order by all limit 1", "select distinct ti from t",
	"select i from t2 group by i having count(*) > 1 order by 1", "select * from t2 tablesample 10%",
	"pivot t2 on v using sum(d9)", "select * from (pivot t2 on v using sum(d9))", "unpivot t2 on v into name k value val",
	// Catalog spellings.
	"select a + 1 as a1, b * 2 as b1, c + 1 as c1, d + interval 1 day as d1, e || 'x' as e1, f || 'x' as f1, g + interval 1 day as g1 from w",
	"select h + 1 as h1, j + 1 as j1, k and true as k1, l * 2 as l1, n as n1, o as o1, p as p1, q + 1 as q1, r + 1 as r1, s as s1 from w",
	"select x1 + 1 as a, x2 + 1 as b, x3 + 1 as c, x4 as d, x5 as e, x6 as f, x7 as g, x8 as h, x9 as i, y1 as j from w",
	"select y2 as a, y3 as b, y4 as c, y5 + 1 as d, y6 + 1 as e, y7 + 1 as f, y8 as g, y9 + 1 as h, z1 + 1 as i, z2 as j from w",
	"select z3 as a, z4 + z4 as b, z5 as c, z6 as d, z7 as e, z8 as f, z9 as g, w1 as h, w2 + 1 as i, w3 as j, w4 as k, w5 as l from w",
	"select w6 + 1 as a, w7 as b, w8 as c, w9 + w9 as d, sum(b) as e, avg(l) as f, sum(y6) as g, coalesce(a, x3) as h from w group by all",
	"select coalesce(x1, x2) as a, coalesce(r, 1) as b, coalesce(q, r) as c, coalesce(d, g) as d, coalesce(p, z5) as e from w",
	// Scoping.
	"select (select i) as a from t2", "select (select i from t where false) as a from t2", "select (select t2.i) + 1 as a from t2",
	"select * from t2, (select i as j) x", "select * from (select i as j) x, t2", "select x.i from t2 as x, t as y",
	"select t2.v from t2, (select 1 as v) t", "select main.t2.i as a, t2.i as b from t2", "select memory.main.t2.i as a from t2",
	"select t2 from t2", "select s.a as x from (select {'a': 1} as s)", "select s.a from (select {'a': 1} as s) s",
	"select u.st.a as x, st.a as y from u", "select i.i from t2 as i",
	"select i from (select 1 as i) t2 join t2 using (i)", "select * from t2 where i in (select i from t where ti > 0)",
	// Miscellaneous functions.
	"select hash(NULL) as a, uuid() as b, gen_random_uuid() as c, random() as d, setseed(0.5) as e, version() as f",
	"select current_schema() as a, current_database() as b, current_user as c, txid_current() as d, pi() as e",
	"select typeof(i) as a, alias(i) as b, current_setting('threads') as c, stats(i) as d from t",
	"select if(bo, 1, 2) as a, iff(bo, 1, 2) as b, nvl(i, 1) as c, ifnull(ti, 1) as d, ifnull(NULL, NULL) as e, coalesce(NULL) as f from t",
	"select greatest(NULL, NULL) as a, least(v, 'a') as b, greatest(bo, 1) as c, greatest(dt, ts) as d, least(iv, iv) as e from t",
	"select greatest(li, li) as a, least(uu, uu) as b, greatest(1, 2.5) as c, greatest('a', 1) as d, greatest(1, '1') as e from u, t",
	"select struct_extract({'a': 1}, 'a') as a, map_extract(map {'a': 1}, 'a') as b, {'a': 1}.a as c, li[1] as d, v[1] as e from t",
	"select try(i + 1) as a, try_cast('1' as int) as b, try_cast(NULL as int) as c from t",
	"select list_transform(li, x -> x + 1) as a, list_filter(li, x -> x > 1) as b, list_reduce(li, (x, y) -> x + y) as c from t",
	"select json_extract(js, '$.a') as a, js->>'a' as b, js->'a' as c from u",
	"select to_years(2147483647) as a, to_days(ti) as b, to_hours(d) as c, to_seconds(d9) as d, to_milliseconds(1.5) as e from t",
	"select interval 1 day as a, interval '1 day' as b, interval (1) day as c, '1 day'::interval as d, interval 1 day * 2 as e",
	"select now() as a, current_timestamp as b, get_current_time() as c, current_localtimestamp() as d, today() as e",
	// Names DuckDB derives, met by name.
	"select * replace (1 as \"count_star()\") from (select count(*) from t)", "select * replace ('x' as \"(i + 1)\") from (select i + 1 from t)",
	"select * rename (\"count_star()\" as n) from (select count(*) from t)",
	"select (select a_1 from (select 1 as a, 'x' as a)) as x from (select 2.5 as a_1)",
	"select (select \"count_star()\" from (select count(*) from t)) as x from (select 2.5 as \"count_star()\")",
	"select (select \"(i + 1)\" from (select i + 1 from t)) as x from (select 'x' as \"(i + 1)\")",
	"select (select \"-(i)\" from (select -i from t)) as x from (select 'x' as \"-(i)\")",
	"select * from (select i + 1 from t) a natural join (select 1 as \"(i + 1)\") b",
	"select * from (select -i from t) a natural join (select 1 as \"-i\") b",
	"select * from (select i, i from t2) x", "with c as (select i, i from t2) select * from c",
	"select -i, +i, i + 1, (i), count(*), count(i), cast(i as bigint), i::varchar, 'a', 1, NULL, -1, 1.5, true, [1], {'a': 1}, i is null, not bo, case when bo then 1 end, coalesce(i, 1), lower(v), v like 'a', i between 1 and 2, i in (1, 2), exists (select 1), (select 1), sum(i) over (), row_number() over (order by i), interval 1 day, date '2020-01-01', extract(year from dt), i // 2, i % 2, v || 'x', li[1], -(-i), (i + 1) * 2, t.i from t group by all",
	// Stars inside expressions.
	"select *::varchar from t2", "select t2.*::varchar from t2", "select -* from t2", "select coalesce(*) from t2", "select count(*), * from t2",
	"select columns(*) from t2", "select columns(*) + 1 from (select i from t2)", "select min(columns(*)) from t2", "select columns(c -> c like 'i%') from t2",
	"select columns('i') is null, * from t2", "select i, columns(['i']) from t2", "select [columns(['i', 'v'])] from t2",
	"select * not glob 'd*' from t", "select * exclude (i) like 'v%' from t2", "select * similar to '.*' as x from t2", "select (* like 'i%') from t2",
	"select *columns(['i', 'bi']) from t", "select greatest(*columns(['i', 'bi'])) from t", "select struct_pack(*columns(['i', 'v'])) from t2",
	"select max(*columns(['i'])) from t", "select count(*columns(['i', 'v'])) from t",
	// Lists of literals and columns.
	"select [1, 1, ti] as x from t", "select [5, 5, si] as x from t", "select [1, 2, ti] as x from t", "select [1, ti, 1] as x from t",
	"select [ti, 1, 1] as x from t", "select [1, 1, 1000, si] as x from t", "select [NULL, NULL, ti] as x from t", "select [-1, -1, ti] as x from t",
	"select [1000, 1000, si] as x from t", "select [1000, 1000, ti] as x from t", "select list_value(1, 1, ti) as x from t", "select array_value(1, 1, ti) as x from t",
	"select [1, 1, d4] as x from t", "select [1, 1, f] as x from t", "select [1, 1, bo] as x from t", "select ['a', 'a', dt] as x from t",
	"select [2147483648, 2147483648, i] as x from t", "select [2147483648, 2147483648, bi] as x from t", "select [1, 1] || [ti] as x from t",
	"select list_concat([1, 1], [ti]) as x from t", "select [[1, 1], [ti]] as x from t", "select [1, 1, ti][1] as x from t",
	"select list_sort([1, 1, ti]) as x from t", "select list_value(1, 1) as x", "select [1, 1, 1] as x",
	// VALUES met row by row, with columns read laterally.
	"select a from t, (values (1), (ti)) v(a)", "select a from t, (values ('1'), (ti)) v(a)", "select a from t, (values (ti), ('1')) v(a)",
	"select a from t, (values (NULL), (1), (ti)) v(a)", "select a from t, (values (1), (NULL), (ti)) v(a)", "select a from t, (values (1000), (si)) v(a)",
	"select a from t, (values (ti), (1000)) v(a)", "select a from t, (values (1.5), (ti)) v(a)", "select a from t, (values (-1), (ti)) v(a)",
	"select a from t, (values (1), (d4)) v(a)", "select a from t, (values (d4), (1)) v(a)", "select a from t, (values ('2020-01-01'), (dt)) v(a)",
	"select a from t, (values (dt), ('2020-01-01')) v(a)", "select a from t, (values (2147483648), (i)) v(a)", "select a from t, (values (1), (1), (ti)) v(a)",
	"select a from t, (values (1), (f)) v(a)", "select a from t, (values (1), (bo)) v(a)", "select a from t, (values (NULL), (ti)) v(a)",
	"select a, b from t, (values (1, ti), (ti, 1)) v(a, b)", "select * from (values ('1'), ('2'), (3)) v(a)", "select * from (values (1), ('2'), ('3')) v(a)",
	// Ambiguous names kiln resolves.
	"select i from t, t2", "select v from t, t2 where t.i = t2.i", "select i + 1 as x from t join t2 on t.i = t2.i",
	"select ti from t, u", "select bo from t, u",
	// Precedence, casts binding tighter than operators.
	"select ti + 2 * 3 as x from t", "select (ti + 2) * 3 as x from t", "select ti * 2 + 1000 as x from t", "select - ti + 1 as x from t",
	"select ti + -1 * 1 as x from t", "select 2 * 3 + ti as x from t", "select ti::smallint * 2 as x from t", "select -1::tinyint as x",
	"select -128::tinyint as x", "select coalesce(ti, -1::tinyint) as x from t", "select 2 ^ 3 ^ 2 as x", "select ti % 3 * 2 as x from t",
	"select ti // 2 * 2 as x from t", "select 1 - -1 as x", "select ti + 1::bigint as x from t", "select ti::bigint + 1 as x from t",
	"select dt + 1::int as x from t", "select dt + 1::bigint as x from t", "select not bo = true as x from t", "select ti + 1 > 2 = bo as x from t",
	"select 1 + 1 + ti as x from t", "select ti + (1 + 1000) as x from t", "select (1 + 1) * ti as x from t", "select -(1 + 1) + ti as x from t",
	"select array_value(1, NULL, ti) as x from t", "select list_value(1, NULL, ti) as x from t", "select ['a', 'a', dt] as x from t",
	"select [1, 1, ti] || [ti] as x from t", "select [1, NULL] as x", "select [1, 1] as x", "select [NULL, 1] as x", "select [ti, ti] as x from t",
	// Ordered-set aggregates, epoch_ms, time_bucket.
	"select percentile_cont(0.5) within group (order by i) as x from t", "select percentile_cont(0.5) within group (order by i desc) as x from t",
	"select percentile_disc(0.5) within group (order by v) as x from t", "select percentile_cont(0.5) within group (order by d9) as x from t",
	"select percentile_cont([0.25, 0.5]) within group (order by i) as x from t", "select mode() within group (order by v) as x from t",
	"select percentile_cont(0.5) within group (order by ts) as x from t", "select percentile_cont(0.5) within group (order by dt) as x from t",
	"select percentile_disc(0.5) within group (order by dt) as x from t", "select percentile_cont(0.5) within group (order by hi) as x from t",
	"select percentile_disc(0.5) within group (order by li) as x from t", "select percentile_cont(NULL) within group (order by i) as x from t",
	"select percentile_cont(1) within group (order by f) as x from t", "select percentile_disc(0.5) within group (order by i) filter (where bo) as x from t",
	"select quantile_disc(0.5 order by i) as x from t", "select quantile_disc(d9 order by i) as x from t", "select quantile_cont(d order by i) as x from t",
	"select quantile_cont(0.5 order by d9) as x from t", "select quantile(0.5 order by i) as x from t", "select mode(order by v) as x from t",
	"select mode(order by li) as x from t", "select mode(v order by i) as x from t", "select quantile_disc(v order by i) as x from t",
	"select percentile_cont(0.5) within group (order by i) over () as x from t", "select PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY d) as x from t",
	"select epoch_ms(ts) as x from t", "select epoch_ms(dt) as x from t", "select epoch_ms(tz) as x from t", "select epoch_ms(bi) as x from t",
	"select epoch_ms(NULL) as x", "select epoch_ms(date '2020-01-01') as x", "select epoch_ms(timestamp '2020-01-01') as x", "select epoch_ms(tss) as x from u",
	"select epoch_ms(tns) as x from u", "select epoch_ms(i) as x from t", "select epoch_ms('2020-01-01') as x",
	"select time_bucket(interval 1 day, ts) as x from t", "select time_bucket(interval 1 day, dt) as x from t", "select time_bucket(iv, ts) as x from t",
	"select time_bucket(iv, tz) as x from t", "select time_bucket(interval 1 day, ts, interval 1 hour) as x from t", "select time_bucket(NULL, ts) as x from t",
	"select time_bucket(interval 1 month, dt) as x from t", "select time_bucket(interval (i) day, ts) as x from t", "select time_bucket(interval 1 day, tns) as x from u",
	"select time_bucket(interval 1 day, NULL::date) as x", "select time_bucket(interval 1 day, date '2020-01-01') as x", "select time_bucket('1 day', ts) as x from t",
	// SEMI and ANTI joins, unnamed subqueries.
	"select * from t2 semi join t on t2.i = t.i", "select * from t2 anti join t using (i)", "select i from t2 semi join t using (i)",
	"select t2.* from t2 semi join t2 as b on t2.i = b.i", "select * from t2 semi join t2 as b on t2.i = b.i join t on t.i = t2.i",
	"select unnamed_subquery2.v from (select i from t2), (select v from t2)", "select unnamed_subquery.i, unnamed_subquery2.v from (select i from t2), (select 'x' as v)",
	"select unnamed_subquery2.b from (select 1 as a) join (select 'x' as b) on true", "select unnamed_subquery.a from (select 1 as a) join (select 'x' as a) on true",
	"select unnamed_subquery.a from (values (1)) v(a), (select 'x' as a)", "select unnamed_subquery.x from (select 1 as x) where x in (select 2)",
	"select unnamed_subquery.x from (select (select 1) as x)", "select unnamed_subquery2.x from (select 1 as x), (select 'a' as x), (select 2.5 as x)",
	"select unnamed_subquery3.x from (select 1 as x), (select 'a' as x), (select 2.5 as x)", "select unnamed_subquery2.x from (select 1 as x) a, (select 'a' as x)",
	"select * from (select 1 as x), lateral (select unnamed_subquery.x + 1 as y)", "select unnamed_subquery.x from (select 1 as x) cross join lateral (select 'a' as y)",
	"with c as (select unnamed_subquery.x from (select 1 as x)) select x, unnamed_subquery.y from c, (select 'a' as y)",
	"select (select unnamed_subquery.z from (select 1.5 as z)) as q from (select 'a' as z)",
	// PIVOT and UNPIVOT.
	"pivot t2 on v in ('a', 'b') using sum(d9) group by i", "select * from (pivot t2 on v in ('a', 'b') using sum(d9) group by i)",
	"unpivot t on (ti, si) into name k value val", "unpivot t on columns('d9|d18') into name k value val", "select * from (unpivot t2 on v into name k value val)",
	"pivot t2 on v in ('a') using sum(d9) as s, count(*) as n group by i", "pivot t on bo in (true, false) using max(ti) group by v",
	"pivot t2 on v in ('a', 'b') using first(d9)", "unpivot (select 1 as a, 2 as b) on a, b", "unpivot (select 1 as a, 'x' as b) on a, b",
	"unpivot (select 1::tinyint as a, 1000 as b) on a, b into name k value val", "unpivot t on ti, d9 into name k value val",
	"select k, val + 1 as x from (unpivot t on ti, si into name k value val)", "pivot t2 on v in ('a' as x, 'b' as y) using sum(d9) group by i",
	"pivot (select i, v, d9 from t2) on v in ('a', 'b') using avg(d9), max(i) group by i", "unpivot t2 on d9 into name k value val",
	"from t2 pivot (sum(d9) for v in ('a', 'b'))", "from t unpivot (val for k in (ti, si))", "from t unpivot include nulls (val for k in (ti, si))",
	"pivot t2 on v, i in ('a_1', 'b_2') using sum(d9)", "pivot t2 on i in (1, 2) using sum(d9) group by v", "pivot t2 on i in (1, 2) using count(v) group by v",
	// Literals against strings, blobs, lists, UUIDs.
	"select coalesce(li, '[1]') as x from t", "select [li, '[2]'] as x from t", "select case when bo then li else '[1]' end as x from t",
	"select coalesce(bl, 'x') as x from t", "select coalesce(uu, '00000000-0000-0000-0000-000000000000') as x from u",
	"select coalesce(vl, '[a]') as x from u", "select coalesce(tm, '10:00') as x from t", "select coalesce('1', '2', 3) as x",
	"select * from t2, (values (i), (1)) v(a)", "select * from t2, (values (1), (i)) v(a)", "select * from t2, (values (NULL), (1), (i)) v(a)",
	"select * from t, (values (ti), (1), (1)) v(a)", "select * from t, (values (1), (1), (ti)) v(a)",
	// Found while fixing the above: join sides, names DuckDB reads first,
	// duplicate names, format specifiers.
	"select * from (select 1 as k) a, (select 2 as j, 5 as k) b natural join (select 3 as k) c",
	"select * from (select 1 as k, 1 as m) a, (select 2 as j) b natural join (select 3 as j, 4 as k) c",
	"select * from t join (t2 join (select i, d from t) x using (i)) using (i)", "select i, ts from t join (t2 join (select i, d from t) x using (i)) using (i)",
	"select * from (select 1::tinyint as k) x full join ((select 1::bigint as k) y cross join (select 1 as w) z) using (k)",
	"select k from (select 1::tinyint as k) x full join ((select 1::bigint as k) y cross join (select 1 as w) z) using (k)",
	"select I from t2 as x join t2 as b using (i)", "select t.i from t, t2 order by i", "select distinct on (i) t.i from t, t2",
	"select t.i as j from t, t2 order by i", "select 1 as x from t2, t2", "select t2.i from t2, t2",
	"select * from (select 1 as a, 'x' as a, 2 as a_1)", "select a_1 from (select 1 as a, 'x' as a, 2 as a_1)",
	"select a_1_1 from (select 1 as a, 'x' as a, 2 as a_1)", "select * from (select 1 as A, 'x' as a)",
	"select x from (select lower(v), 1 as x from t2)", "select \"lower(v)\" from (select lower(v), 1 as x from t2)",
	"unpivot (select count(*), 1 as a from t2) on a", "select * rename (nope as x) from t2", "select * exclude (nope) from t2",
	"with c(a, b) as (select 1) select * from c", "select * from (select 1 as a) x(a, b)", "select * from (values (1)), (values (2))",
	"select strptime(v, '%n') as x from t", "select strptime(v, '%G') as x from t", "select strptime(v, '%Y %g %z') as x from t",
	"select 1 as A, a from t", "select CURRENT_DATE, Current_Date from t", "select u.ST.A from u",
	"select * from t2, lateral (select I)", "select * from t2, lateral (select T2.I)", "with c(A) as (select 1) select a from c",
	"select K from (select 1 as k) a full join (select 2 as K) b using (k)", "select * from (select 1 as K) a full join (select 2 as k) b using (k)",
	"select K from (select 1 as k) a right join (select 2 as K) b using (k)", "select * from (select 1 as K) a right join (select 2 as k) b using (k)",
	"select K from (select 1 as k) a natural full join (select 2 as k) b", "select a.K from (select 1 as k) a full join (select 2 as k) b using (k)",
	"select J from (select 1 as k, 3 as j) a asof join (select 2 as K, 4 as J) b using (K, J)",
}

// reviewQueries are the probes, and each column of a probe of several
// columns on its own, so that one column DuckDB rejects does not hide the
// others.
func reviewQueries() []string {
	var out []string
	seen := map[string]bool{}
	add := func(q string) {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	ops := []string{"NULL", "1", "2", "1000", "-1", "2147483648", "'1'", "1.5", "ti", "si", "d4", "bo", "cast(NULL as tinyint)"}
	forms := []string{"coalesce(%s, %s, %s)", "[%s, %s, %s]", "greatest(%s, %s, %s)", "case when bo then %s when bo then %s else %s end",
		"case when bo then %s when i > 0 then %s when i < 0 then %s end", "least(%s, %s, %s)"}
	var gen []string
	for i, f := range forms {
		fops := ops
		if i != 1 { // lists take every operand; the rest a few
			fops = []string{"NULL", "1", "1000", "-1", "'1'", "1.5", "ti", "si", "d4"}
		}
		for _, a := range fops {
			for _, b := range fops {
				for _, c := range fops {
					gen = append(gen, "select "+fmt.Sprintf(f, a, b, c)+" as x from t")
				}
			}
		}
	}
	for _, a := range ops[:8] {
		for _, b := range ops[:8] {
			for _, c := range ops[:8] {
				gen = append(gen, fmt.Sprintf("select * from (values (%s), (%s), (%s)) v(a)", a, b, c))
			}
		}
	}
	for _, q := range append(reviewProbes, gen...) {
		add(q)
		items, from, ok := splitSelect(q)
		if !ok || len(items) < 2 {
			continue
		}
		for _, it := range items {
			add("select " + it + from)
		}
	}
	return out
}

// splitSelect splits "select a, b from …" into its top-level select-list
// items and the rest (" from …", or "").
func splitSelect(q string) (items []string, rest string, ok bool) {
	if !strings.HasPrefix(q, "select ") || strings.HasPrefix(q, "select *") {
		return nil, "", false
	}
	s := q[len("select "):]
	depth, start := 0, 0
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case depth == 0 && c == ',':
			items = append(items, strings.TrimSpace(s[start:i]))
			start = i + 1
		case depth == 0 && strings.HasPrefix(s[i:], " from "):
			items = append(items, strings.TrimSpace(s[start:i]))
			return items, s[i:], true
		case depth == 0 && (strings.HasPrefix(s[i:], " union ") || strings.HasPrefix(s[i:], " where ")):
			return nil, "", false
		}
	}
	items = append(items, strings.TrimSpace(s[start:]))
	return items, "", true
}

// reviewCatalog knows t, t2 as the matrix does, u with DuckDB's types and
// w with the types as declared.
func reviewCatalog(t *testing.T, o *typeOracle) fixtureCatalog {
	cat := matrixCatalog()
	cols := o.columns(t, "main")
	cat["u"] = &sqlast.Relation{ID: "u", Columns: cols["u"]}
	w := &sqlast.Relation{ID: "w"}
	for _, c := range reviewSpelled {
		w.Columns = append(w.Columns, sqlast.Column{Name: c[0], Type: c[1]})
	}
	cat["w"] = w
	return cat
}

// TestExactTypeReview checks every probe's exact types against DuckDB's,
// and lists every mismatch.
func TestExactTypeReview(t *testing.T) {
	o := newTypeOracle(t, matrixSetup(), "create table t2 (i bigint, v varchar, d9 decimal(18, 2))", reviewExtraTable, reviewSpelledTable())
	cat := reviewCatalog(t, o)
	probes := reviewQueries()
	cases := typeCases(t, o, cat, probes)
	dump := os.Getenv("KILN_REVIEW_DUMP") != ""
	var mismatches, misnamed, rejectedTyped []string
	rejected := 0
	for _, c := range cases {
		if c.want == nil {
			rejected++
			if dump {
				t.Logf("DuckDB rejects: %s", c.query)
			}
			// kiln does not bind a model it types entirely: DuckDB's error
			// then shows only when the model runs.
			if c.known && allExact(c.got) {
				rejectedTyped = append(rejectedTyped, c.query)
				if dump {
					t.Logf("rejected but typed: %s\n\t%v", c.query, o.create(fmt.Sprintf("review_rejected_%d", len(rejectedTyped)), c.query))
				}
			}
			continue
		}
		// A model typed entirely keeps kiln's column names too.
		if c.known && allExact(c.got) && len(c.got) == len(c.want) && !duplicateColumnNames(c.want) {
			for j, g := range c.got {
				if g.Name != c.want[j].Name {
					misnamed = append(misnamed, fmt.Sprintf("%s\n\tcolumn %d: kiln names it %q, DuckDB %q", c.query, j+1, g.Name, c.want[j].Name))
				}
			}
		}
		if dump {
			var b strings.Builder
			for j, w := range c.want {
				g, name := "?", ""
				if c.known && j < len(c.got) {
					g = c.got[j].Exact
					if c.got[j].Name != w.Name {
						name = " (kiln names it " + c.got[j].Name + ")"
					}
				}
				fmt.Fprintf(&b, "\n\t%s: kiln %q, DuckDB %s%s", w.Name, g, w.Type, name)
			}
			if c.known && len(c.got) != len(c.want) {
				fmt.Fprintf(&b, "\n\tkiln has %d columns", len(c.got))
			}
			t.Logf("%s%s", c.query, b.String())
		}
		if !c.known {
			continue
		}
		if len(c.got) != len(c.want) {
			if allExact(c.got) {
				mismatches = append(mismatches, fmt.Sprintf("%s\n\tkiln has %d columns, each with an exact type; DuckDB has %d", c.query, len(c.got), len(c.want)))
			}
			continue
		}
		for j, g := range c.got {
			if g.Exact != "" && g.Exact != c.want[j].Type {
				mismatches = append(mismatches, fmt.Sprintf("%s\n\tcolumn %d (%s): kiln says %s, DuckDB %s", c.query, j+1, c.want[j].Name, g.Exact, c.want[j].Type))
			}
		}
	}
	cols, typed, n, whole := coverage(cases)
	t.Logf("review: %d probes, %d accepted by DuckDB (%d rejected), %d with every column typed; columns: %d of %d typed",
		len(probes), n, rejected, whole, typed, cols)
	// Not types, but what an entirely typed model records in the manifest
	// instead of DuckDB's binding: logged, not failed.
	if len(misnamed) > 0 {
		t.Logf("%d columns of entirely typed queries named otherwise than DuckDB names them (first 40):\n%s", len(misnamed), strings.Join(misnamed[:min(40, len(misnamed))], "\n"))
	}
	if len(rejectedTyped) > 0 {
		t.Logf("%d queries DuckDB rejects have every column typed, so a model of them would not be bound (first 40):\n%s", len(rejectedTyped), strings.Join(rejectedTyped[:min(40, len(rejectedTyped))], "\n"))
	}
	if len(mismatches) > 0 {
		t.Errorf("%d wrong exact types:\n%s", len(mismatches), strings.Join(mismatches, "\n"))
	}
}

// duplicateColumnNames says whether DuckDB renamed a duplicate column
// (a, a_1): the compiler binds such a model anyway.
func duplicateColumnNames(cols []sqlast.Column) bool {
	seen := map[string]bool{}
	for _, c := range cols {
		k := strings.ToLower(c.Name)
		if seen[k] || strings.Contains(k, "_1") {
			return true
		}
		seen[k] = true
	}
	return false
}
