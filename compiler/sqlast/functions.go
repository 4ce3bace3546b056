package sqlast

import (
	"slices"
	"strconv"
	"strings"
)

// function prints a function call or an operator written as one.
func (p *printer) function(e *Expr) {
	name := strings.ToLower(e.FunctionName)
	if e.IsOperator {
		p.operatorFunc(name, e)
		return
	}
	if p.pg() {
		if p.pgFunction(name, e) {
			return
		}
		if _, ok := pgSame[name]; !ok {
			p.fail("function "+e.FunctionName, e.Location, "kiln does not know a PostgreSQL equivalent of "+e.FunctionName+"; write the model so that it runs on both, or keep it on DuckDB")
			return
		}
		if _, ok := pgIntParams[name]; ok {
			p.callAs(e.FunctionName, e, p.intArgs(name, e.Children)...)
			return
		}
	}
	switch name {
	case "count_star":
		p.call("count", nil, e, "*")
		return
	case "position":
		// position(a IN b) reaches us as position(b, a), which DuckDB
		// only reads as strpos.
		p.call("strpos", e.Children, e, "")
		return
	case "like_escape", "not_like_escape", "ilike_escape", "not_ilike_escape":
		if len(e.Children) == 3 {
			op := map[string]string{"like_escape": "LIKE", "not_like_escape": "NOT LIKE", "ilike_escape": "ILIKE", "not_ilike_escape": "NOT ILIKE"}[name]
			p.w("(")
			p.expr(e.Children[0])
			p.w(" ", op, " ")
			p.expr(e.Children[1])
			p.w(" ESCAPE ")
			p.expr(e.Children[2])
			p.w(")")
			return
		}
	case "list_value":
		if !p.pg() {
			p.w("[")
			p.exprList(e.Children)
			p.w("]")
			return
		}
	case "struct_pack":
		if !p.pg() {
			p.w("{")
			for i, c := range e.Children {
				if i > 0 {
					p.w(", ")
				}
				p.w(quoteString(c.Alias), ": ")
				a := *c
				a.Alias = ""
				p.expr(&a)
			}
			p.w("}")
			return
		}
	}
	fn := e.FunctionName
	if e.Schema != "" && e.Schema != "main" && !p.pg() {
		fn = identDuck(e.Schema) + "." + fn
	}
	p.call(fn, e.Children, e, "")
}

// call writes name(args) with the call's DISTINCT, ORDER BY, FILTER and a
// pending OVER clause. star replaces the arguments when set.
func (p *printer) call(name string, args []*Expr, e *Expr, star string) {
	over := p.over
	p.over = nil
	if strings.EqualFold(name, "count") && len(args) == 0 && star == "" {
		star = "*" // count() is DuckDB's count(*)
	}
	p.w(name, "(")
	if e != nil && e.Distinct {
		p.w("DISTINCT ")
	}
	if star != "" {
		p.w(star)
	} else {
		p.exprList(args)
	}
	if e != nil && len(e.OrderBys.Orders) > 0 {
		p.w(" ORDER BY ")
		p.orders(e.OrderBys.Orders)
	}
	p.w(")")
	if e != nil && e.Filter != nil {
		p.w(" FILTER (WHERE ")
		p.expr(e.Filter)
		p.w(")")
	}
	if over != nil {
		over()
	}
}

// callAs is call with another name and arguments, keeping e's modifiers.
func (p *printer) callAs(name string, e *Expr, args ...*Expr) {
	p.call(name, args, e, "")
}

var binaryOps = map[string]string{
	"+": "+", "-": "-", "*": "*", "/": "/", "//": "//", "%": "%", "**": "**", "^": "^", "||": "||",
	"~~": "LIKE", "!~~": "NOT LIKE", "~~*": "ILIKE", "!~~*": "NOT ILIKE", "~~~": "GLOB", "!~~~": "NOT GLOB",
	"&": "&", "|": "|", "<<": "<<", ">>": ">>", "@>": "@>", "<@": "<@", "&&": "&&", "->": "->", "->>": "->>",
	"^@": "^@", "<->": "<->", "@": "@",
}

func (p *printer) operatorFunc(name string, e *Expr) {
	c := e.Children
	if len(c) == 1 {
		switch name {
		case "-", "+", "~":
			p.w("(", name)
			p.expr(c[0])
			p.w(")")
			return
		}
		p.fail("operator "+name, e.Location, "")
		return
	}
	op, ok := binaryOps[name]
	if !ok || len(c) != 2 {
		p.fail("operator "+name, e.Location, "")
		return
	}
	if p.pg() {
		switch name {
		case "/":
			lt, rt := p.typeOf(c[0]), p.typeOf(c[1])
			if isInterval(lt) || isInterval(rt) {
				break
			}
			// DuckDB's / divides as floating point, whatever the operands.
			p.w("(")
			if isFloat(lt) {
				p.expr(c[0])
			} else {
				p.w("CAST(")
				p.expr(c[0])
				p.w(" AS double precision)")
			}
			p.w(" / ")
			p.expr(c[1])
			p.w(")")
			return
		case "//":
			lt, rt := p.typeOf(c[0]), p.typeOf(c[1])
			if !(isInt(lt) && isInt(rt)) {
				p.fail("// on operands that are not known to be integers", e.Location, "cast both operands to an integer type, or use / and floor()")
				return
			}
			if lt == "HUGEINT" || rt == "HUGEINT" || lt == "UHUGEINT" || rt == "UHUGEINT" {
				// numeric on PostgreSQL (sum of bigints is one), where / keeps
				// the fraction: div truncates as DuckDB's // does.
				p.w("div(")
				p.expr(c[0])
				p.w(", ")
				p.expr(c[1])
				p.w(")")
				return
			}
			op = "/" // PostgreSQL's integer division truncates like DuckDB's //
		case "**", "^":
			p.w("power(CAST(")
			p.expr(c[0])
			p.w(" AS double precision), ")
			p.expr(c[1])
			p.w(")")
			return
		case "%":
			lt, rt := p.typeOf(c[0]), p.typeOf(c[1])
			if isFloat(lt) || isFloat(rt) {
				p.fail("% on floating-point values", e.Location, "")
				return
			}
		case "~~~", "!~~~":
			p.fail("GLOB", e.Location, "use LIKE with % and _")
			return
		case "||":
			if isFloat(p.typeOf(c[0])) || isFloat(p.typeOf(c[1])) {
				p.w("(")
				p.text(c[0])
				p.w(" || ")
				p.text(c[1])
				p.w(")")
				return
			}
		case "@", "^@", "<->":
			p.fail("operator "+name, e.Location, "")
			return
		}
	}
	p.w("(")
	p.expr(c[0])
	p.w(" ", op, " ")
	p.expr(c[1])
	p.w(")")
}

// pgSame are DuckDB functions that PostgreSQL has with the same name,
// arguments and meaning.
var pgSame = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, f := range strings.Fields(`abs ceil ceiling floor sqrt cbrt exp ln log10 sign pi sin cos tan asin acos atan atan2 degrees radians
lower upper length char_length character_length octet_length lpad rpad ltrim rtrim replace reverse repeat left right
split_part md5 ascii chr initcap translate concat concat_ws strpos nullif greatest least coalesce
count sum min max bool_and bool_or every string_agg array_agg row_number rank dense_rank ntile lag lead
first_value last_value nth_value percent_rank cume_dist random gen_random_uuid now current_date
make_date make_time age isfinite unnest trunc gcd lcm factorial to_hex array_to_string cardinality
regexp_replace quote_ident quote_literal date_trunc generate_series round
like_escape not_like_escape ilike_escape not_ilike_escape`) {
		m[f] = struct{}{}
	}
	return m
}()

// pgIntParams are the parameters of PostgreSQL functions that take an
// integer, by function: DuckDB passes BIGINT there (strpos(…) + 1), which
// PostgreSQL does not cast on its own.
var pgIntParams = map[string][]int{
	"substr": {1, 2}, "left": {1}, "right": {1}, "split_part": {2}, "repeat": {1}, "lpad": {1}, "rpad": {1},
	"chr": {0}, "make_date": {0, 1, 2}, "make_time": {0, 1}, "make_timestamp": {0, 1, 2, 3, 4},
}

// intArgs returns args with those that PostgreSQL's name takes as an
// integer cast to integer, unless they are one already.
func (p *printer) intArgs(name string, args []*Expr) []*Expr {
	out := slices.Clone(args)
	for _, i := range pgIntParams[name] {
		if i >= len(out) {
			continue
		}
		switch t := p.typeOf(out[i]); {
		case t == "INTEGER" || t == "SMALLINT" || t == "TINYINT" || t == "UTINYINT":
		case out[i].Class == "CONSTANT" && out[i].Value != nil && out[i].Value.IsNull:
		default:
			out[i] = &Expr{Class: "CAST", CastType: &LogicalType{ID: "INTEGER"}, Child: out[i], Location: out[i].Location}
		}
	}
	return out
}

// pgFunction prints a DuckDB function whose PostgreSQL spelling or
// semantics differ. It returns false to print the call unchanged.
func (p *printer) pgFunction(name string, e *Expr) bool {
	c := e.Children
	arg := func(i int) *Expr {
		if i < len(c) {
			return c[i]
		}
		return nil
	}
	argc := len(c)
	switch name {
	case "count_star":
		p.call("count", nil, e, "*")
	case "median", "quantile_cont", "quantile", "quantile_disc", "mode":
		return p.pgQuantile(name, e)
	case "avg", "mean", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "corr", "covar_pop", "covar_samp":
		// DuckDB returns DOUBLE; PostgreSQL returns numeric for integer
		// and numeric input.
		if isInterval(p.typeOf(arg(0))) {
			return false
		}
		p.w("CAST(")
		switch name {
		case "mean":
			p.callAs("avg", e, c...)
		case "stddev":
			p.callAs("stddev_samp", e, c...)
		case "variance":
			p.callAs("var_samp", e, c...)
		case "median":
			if e.Distinct || len(e.OrderBys.Orders) > 0 || argc != 1 {
				p.fail("median with DISTINCT or ORDER BY", e.Location, "")
				return true
			}
			over := p.over
			p.over = nil
			p.w("percentile_cont(0.5) WITHIN GROUP (ORDER BY ")
			p.expr(arg(0))
			p.w(")")
			if e.Filter != nil {
				p.w(" FILTER (WHERE ")
				p.expr(e.Filter)
				p.w(")")
			}
			if over != nil {
				p.fail("median as a window function", e.Location, "")
			}
		default:
			p.callAs(name, e, c...)
		}
		p.w(" AS double precision)")
	case "count_if", "countif":
		if argc != 1 {
			return false
		}
		over := p.over
		p.over = nil
		p.w("count(*) FILTER (WHERE ")
		if e.Filter != nil {
			p.w("(")
			p.expr(e.Filter)
			p.w(") AND ")
		}
		p.expr(arg(0))
		p.w(")")
		if over != nil {
			over()
		}
	case "list_sort", "array_sort", "list_reverse_sort", "array_reverse_sort":
		// list(x ORDER BY x) reaches us as list_sort(list(x), 'DESCENDING', …).
		in := arg(0)
		if in == nil || in.Class != "FUNCTION" || len(in.Children) != 1 || !(strings.EqualFold(in.FunctionName, "list") || strings.EqualFold(in.FunctionName, "array_agg")) {
			p.fail("function "+e.FunctionName, e.Location, "")
			return true
		}
		o := &OrderBy{Type: "ASCENDING", NullOrder: "ORDER_DEFAULT", Expr: in.Children[0]}
		if strings.Contains(name, "reverse") || argc > 1 && arg(1).Class == "CONSTANT" && strings.HasPrefix(strings.ToUpper(arg(1).Value.Text()), "DESC") {
			o.Type = "DESCENDING"
		}
		if argc > 2 && arg(2).Class == "CONSTANT" {
			o.NullOrder = strings.ToUpper(strings.ReplaceAll(arg(2).Value.Text(), "_", " "))
		}
		agg := *in
		agg.OrderBys = Modifier{Orders: []*OrderBy{o}}
		p.callAs("array_agg", &agg, in.Children...)
	case "list", "array_agg":
		p.callAs("array_agg", e, c...)
	case "listagg", "group_concat", "string_agg":
		if isFloat(p.typeOf(arg(0))) {
			// DuckDB joins the values as text; PostgreSQL takes only text.
			c = append([]*Expr{{Class: "CAST", CastType: &LogicalType{ID: "VARCHAR"}, Child: arg(0), Location: NoLocation}}, c[1:]...)
		}
		if argc == 1 {
			p.callAs("string_agg", e, arg(0), &Expr{Class: "CONSTANT", Value: &Value{Type: LogicalType{ID: "VARCHAR"}, Raw: []byte(`","`)}})
		} else {
			p.callAs("string_agg", e, c...)
		}
	case "any_value", "arbitrary":
		p.callAs("min", e, c...)
	case "first", "last":
		p.firstLast(name, e)
	case "date_add":
		// date_add(x, INTERVAL …) is x + INTERVAL …, a TIMESTAMP for a DATE
		// in both dialects.
		if argc != 2 || !isInterval(p.typeOf(arg(1))) {
			p.fail("date_add without an interval", e.Location, "write x + INTERVAL …")
			return true
		}
		p.infix(arg(0), " + ", arg(1))
	case "arg_max", "arg_min", "argmax", "argmin", "max_by", "min_by":
		if argc != 2 || p.over != nil || len(e.OrderBys.Orders) > 0 || e.Distinct {
			p.fail(name+" with these arguments", e.Location, "")
			return true
		}
		dir := " DESC"
		if strings.Contains(name, "min") {
			dir = " ASC"
		}
		p.w("(array_agg(")
		p.expr(arg(0))
		p.w(" ORDER BY ")
		p.expr(arg(1))
		p.w(dir, ") FILTER (WHERE ")
		if e.Filter != nil {
			p.w("(")
			p.expr(e.Filter)
			p.w(") AND ")
		}
		// DuckDB skips the rows where either is NULL.
		p.expr(arg(0))
		p.w(" IS NOT NULL AND ")
		p.expr(arg(1))
		p.w(" IS NOT NULL))[1]")
	case "approx_count_distinct":
		e2 := *e
		e2.Distinct = true
		p.callAs("count", &e2, c...)
	case "round":
		t := p.typeOf(arg(0))
		if isFloat(t) {
			p.roundDouble(arg(0), arg(1), e.Location)
			return true
		}
		if t == "" {
			p.fail("round of a value of unknown type", e.Location, "cast the value to a decimal or double first")
			return true
		}
		return false
	case "ifnull":
		p.callAs("coalesce", e, c...)
	case "if", "iif":
		if argc != 3 {
			return false
		}
		p.w("CASE WHEN ")
		p.expr(arg(0))
		p.w(" THEN ")
		p.expr(arg(1))
		p.w(" ELSE ")
		p.expr(arg(2))
		p.w(" END")
	case "log":
		if argc == 1 {
			p.callAs("log10", e, c...)
		} else {
			p.callAs("log", e, c...)
		}
	case "pow", "power":
		p.w("power(CAST(")
		p.expr(arg(0))
		p.w(" AS double precision), ")
		p.expr(arg(1))
		p.w(")")
	case "mod":
		p.infix(arg(0), " % ", arg(1))
	case "len", "strlen", "length":
		// DuckDB's lengths are BIGINT and NULL for NULL; PostgreSQL's are
		// integer, and cardinality is NULL for NULL and 0 for '{}' too.
		p.w("CAST(")
		switch {
		case name == "strlen":
			p.callAs("octet_length", e, c...)
		case isList(p.typeOf(arg(0))):
			p.callAs("cardinality", e, arg(0))
		default:
			p.callAs("length", e, c...)
		}
		p.w(" AS bigint)")
	case "array_length", "list_length":
		p.w("CAST(")
		p.callAs("cardinality", e, arg(0))
		p.w(" AS bigint)")
	case "lcase":
		p.callAs("lower", e, c...)
	case "ucase":
		p.callAs("upper", e, c...)
	case "trim":
		if argc == 2 {
			p.callAs("btrim", e, c...)
		} else {
			p.callAs("btrim", e, c...)
		}
	case "substring", "substr":
		if argc < 2 {
			return false
		}
		if negativeConst(arg(1)) {
			p.fail(name+" with a negative start (DuckDB counts it from the end, PostgreSQL does not)", e.Location, "use right(s, n), or length(s) + start + 1 as the start")
			return true
		}
		p.callAs("substr", e, p.intArgs("substr", c)...)
	case "instr", "position", "strpos":
		p.w("CAST(")
		p.callAs("strpos", e, c...)
		p.w(" AS bigint)")
	case "contains":
		p.w("(strpos(")
		p.exprList(c)
		p.w(") > 0)")
	case "starts_with", "prefix":
		p.callAs("starts_with", e, c...)
	case "ends_with", "suffix":
		p.w("(right(")
		p.expr(arg(0))
		p.w(", length(")
		p.expr(arg(1))
		p.w(")) = ")
		p.expr(arg(1))
		p.w(")")
	case "regexp_matches":
		op := map[string]string{"": " ~ ", "c": " ~ ", "i": " ~* "}[constantText(arg(2))]
		if argc < 2 || op == "" {
			p.fail("regexp_matches with options", e.Location, "kiln carries over the options 'i' and 'c'")
			return true
		}
		p.infix(arg(0), op, arg(1))
	case "regexp_split_to_array", "string_split_regex", "str_split_regex":
		if argc != 2 {
			p.fail(name+" with options", e.Location, "")
			return true
		}
		p.callAs("regexp_split_to_array", e, c...)
	case "list_append", "array_append", "array_push_back":
		p.callAs("array_append", e, c...)
	case "list_prepend", "array_prepend", "array_push_front":
		p.callAs("array_prepend", e, c...)
	case "list_concat", "list_cat", "array_concat", "array_cat":
		if argc != 2 {
			p.fail(name+" of more than two lists", e.Location, "")
			return true
		}
		p.callAs("array_cat", e, c...)
	case "to_timestamp":
		// From seconds since the epoch, a TIMESTAMP WITH TIME ZONE in both.
		if argc != 1 {
			return false
		}
		p.w("to_timestamp(CAST(")
		p.expr(arg(0))
		p.w(" AS double precision))")
	case "time_bucket":
		p.timeBucket(e)
	case "row":
		// A row is only carried over where it is compared: (a, b) IN (…).
		p.fail("row value", e.Location, "PostgreSQL's rows are not DuckDB's structs; compare the fields one by one")
	case "regexp_full_match":
		p.w("(")
		p.expr(arg(0))
		p.w(" ~ ('^(?:' || ")
		p.expr(arg(1))
		p.w(" || ')$'))")
	case "regexp_extract":
		group := "0"
		if argc >= 3 {
			if !isIntLiteral(arg(2)) {
				p.fail("regexp_extract with a non-constant group", e.Location, "")
				return true
			}
			group = arg(2).Value.Text()
		}
		if argc > 3 || argc < 2 {
			p.fail("regexp_extract with these arguments", e.Location, "")
			return true
		}
		// DuckDB returns '' when nothing matches, NULL for NULL input.
		p.w("CASE WHEN ")
		p.expr(arg(0))
		p.w(" IS NULL THEN NULL ELSE coalesce((regexp_match(")
		p.expr(arg(0))
		p.w(", ")
		if group == "0" {
			p.w("'(' || ")
			p.expr(arg(1))
			p.w(" || ')'")
			group = "1"
		} else {
			p.expr(arg(1))
		}
		p.w("))[", group, "], '') END")
	case "concat", "concat_ws":
		p.w(name, "(")
		for i, a := range c {
			if i > 0 {
				p.w(", ")
			}
			p.text(a)
		}
		p.w(")")
	case "string_split", "str_split", "string_to_array", "split":
		// DuckDB splits '' into [''], PostgreSQL into {}.
		sep := constantText(arg(1))
		if argc != 2 || sep == "" {
			p.fail(name+" without a constant separator", e.Location, "")
			return true
		}
		x := p.sub(arg(0))
		p.w("CASE WHEN ", x, " = '' THEN ARRAY[''] ELSE string_to_array(", x, ", ", quoteString(sep), ") END")
	case "list_value", "array_value":
		if argc == 0 {
			p.fail("empty list literal", e.Location, "cast it to a typed list, e.g. CAST([] AS INTEGER[])")
			return true
		}
		p.w("ARRAY[")
		p.exprList(c)
		p.w("]")
	case "sum":
		// DuckDB sums booleans (a count of the true ones); PostgreSQL has
		// no sum(boolean).
		if argc != 1 || !p.isBoolean(arg(0)) {
			return false
		}
		p.callAs("sum", e, &Expr{Class: "CAST", CastType: &LogicalType{ID: "INTEGER"}, Child: arg(0), Location: arg(0).Location})
	case "split_part":
		if argc == 3 && arg(2).Class == "CONSTANT" && arg(2).Value != nil && arg(2).Value.Text() == "0" {
			p.fail("split_part with index 0 (DuckDB gives '', PostgreSQL an error)", e.Location, "parts count from 1")
			return true
		}
		return false
	case "list_contains", "array_contains", "list_has", "array_has":
		p.w("(")
		p.expr(arg(1))
		p.w(" = ANY(")
		p.expr(arg(0))
		p.w("))")
	case "list_extract", "array_extract":
		if isString(p.typeOf(arg(0))) {
			p.fail(name+" on a string", e.Location, "")
			return true
		}
		if negativeConst(arg(1)) {
			p.fail(name+" with a negative index (DuckDB counts it from the end, PostgreSQL gives NULL)", e.Location, "index from the start, e.g. with len(list)")
			return true
		}
		p.w("(")
		p.expr(arg(0))
		p.w(")[")
		p.expr(arg(1))
		p.w("]")
	case "today", "current_date":
		p.w("current_date")
	case "current_timestamp", "get_current_timestamp", "now", "transaction_timestamp":
		p.w("now()")
	case "date_trunc", "datetrunc":
		p.dateTrunc(e)
	case "date_part", "datepart", "extract":
		if argc != 2 || arg(0).Class != "CONSTANT" {
			p.fail("date_part with a non-constant part", e.Location, "")
			return true
		}
		p.datePart(arg(0).Value.Text(), arg(1), e.Location)
	case "year", "month", "day", "hour", "minute", "second", "quarter", "dayofweek", "dayofyear", "week", "weekofyear",
		"isodow", "isoyear", "dayofmonth", "millisecond", "microsecond", "epoch", "decade", "century", "millennium", "yearweek", "weekday":
		part := map[string]string{"dayofweek": "dow", "weekday": "dow", "dayofyear": "doy", "weekofyear": "week", "dayofmonth": "day"}[name]
		if part == "" {
			part = name
		}
		p.datePart(part, arg(0), e.Location)
	case "date_diff", "datediff", "date_sub", "datesub":
		p.dateDiff(name, e)
	case "last_day":
		p.w("CAST(date_trunc('month', CAST(")
		p.expr(arg(0))
		p.w(" AS timestamp)) + interval '1 month' - interval '1 day' AS date)")
	case "dayname":
		p.w("trim(to_char(")
		p.expr(arg(0))
		p.w(", 'Day'))")
	case "monthname":
		p.w("trim(to_char(")
		p.expr(arg(0))
		p.w(", 'Month'))")
	case "strftime", "strptime":
		// The same format codes, translated to PostgreSQL's: to_char formats
		// a timestamp, to_timestamp parses one.
		if argc != 2 || arg(1).Class != "CONSTANT" {
			p.fail(name+" with a non-constant format", e.Location, "")
			return true
		}
		f, ok := strftimeToPG(arg(1).Value.Text())
		if !ok {
			p.fail(name+" format "+quoteString(arg(1).Value.Text()), arg(1).Location, "kiln translates %Y %m %d %H %M %S %y %b %h %B %a %A %j %I %p %f %G %V %u %x %X %c %%, and %-d %-m %-H %-M %-S %-I %-j %-y")
			return true
		}
		if name == "strftime" {
			p.w("to_char(")
			p.expr(arg(0))
			p.w(", ", quoteString(f), ")")
		} else {
			p.w("to_timestamp(")
			p.expr(arg(0))
			p.w(", ", quoteString(f), ")::timestamp")
		}
	case "epoch_ms":
		if argc == 1 && isInt(p.typeOf(arg(0))) {
			p.w("(timestamp '1970-01-01' + (")
			p.expr(arg(0))
			p.w(") * interval '1 millisecond')")
			return true
		}
		if t := p.typeOf(arg(0)); argc == 1 && (t == "TIMESTAMP" || t == "DATE") {
			// Milliseconds since the epoch, truncated like DuckDB's.
			p.w("CAST(trunc(extract(epoch FROM CAST(")
			p.expr(arg(0))
			p.w(" AS timestamp)) * 1000) AS bigint)")
			return true
		}
		p.fail("epoch_ms", e.Location, "")
	case "to_years", "to_months", "to_weeks", "to_days", "to_hours", "to_minutes", "to_seconds", "to_milliseconds", "to_microseconds":
		p.interval(name, e)
	case "make_timestamp":
		if argc == 6 {
			p.callAs("make_timestamp", e, p.intArgs(name, c)...)
			return true
		}
		p.fail("make_timestamp from microseconds", e.Location, "")
	case "uuid", "gen_random_uuid":
		p.w("gen_random_uuid()")
	case "generate_series", "range":
		// As a scalar DuckDB returns a list; in a FROM clause this is
		// handled by tableFunction.
		p.w("ARRAY(SELECT ")
		p.series(name, c, e.Location)
		p.w(")")
	case "unnest":
		if argc == 1 && arg(0).Class == "FUNCTION" {
			inner := strings.ToLower(arg(0).FunctionName)
			if inner == "generate_series" || inner == "range" {
				// unnest(generate_series(…)) is PostgreSQL's set-returning
				// generate_series.
				p.series(inner, arg(0).Children, arg(0).Location)
				return true
			}
		}
		if argc != 1 {
			p.fail("unnest with options", e.Location, "")
			return true
		}
		p.callAs("unnest", e, c...)
	case "hash", "list_transform", "list_filter", "list_reduce", "struct_pack", "map", "printf", "format":
		p.fail("function "+e.FunctionName, e.Location, "")
	default:
		return false
	}
	return true
}

func (p *printer) dateTrunc(e *Expr) {
	if len(e.Children) != 2 {
		p.fail("date_trunc with these arguments", e.Location, "")
		return
	}
	t := p.typeOf(e.Children[1])
	// DuckDB truncates a DATE to a TIMESTAMP; PostgreSQL would pick
	// timestamptz for a date, so make the argument a timestamp.
	over := p.over
	p.over = nil
	p.w("date_trunc(")
	p.expr(e.Children[0])
	p.w(", ")
	switch {
	case t == "TIMESTAMP WITH TIME ZONE" || isInterval(t):
		p.expr(e.Children[1])
	default:
		p.w("CAST(")
		p.expr(e.Children[1])
		p.w(" AS timestamp)")
	}
	p.w(")")
	if over != nil {
		over()
	}
}

// datePart prints DuckDB's date_part(part, x), which returns BIGINT for
// every part but epoch (DOUBLE).
func (p *printer) datePart(part string, x *Expr, loc uint64) {
	part = strings.ToLower(part)
	alias := map[string]string{"years": "year", "y": "year", "months": "month", "days": "day", "d": "day", "hours": "hour", "h": "hour",
		"minutes": "minute", "m": "minute", "seconds": "second", "s": "second", "weekday": "dow", "dayofweek": "dow", "dayofyear": "doy",
		"weeks": "week", "w": "week", "quarters": "quarter", "milliseconds": "millisecond", "ms": "millisecond", "microseconds": "microsecond", "us": "microsecond"}
	if a, ok := alias[part]; ok {
		part = a
	}
	switch part {
	case "year", "month", "day", "hour", "minute", "quarter", "dow", "isodow", "doy", "week", "isoyear", "decade", "century", "millennium":
		p.w("CAST(extract(", part, " FROM ")
		p.expr(x)
		p.w(") AS bigint)")
	case "second", "millisecond", "microsecond":
		// PostgreSQL's seconds have a fraction; DuckDB's are whole.
		pg := map[string]string{"second": "second", "millisecond": "milliseconds", "microsecond": "microseconds"}[part]
		p.w("CAST(floor(extract(", pg, " FROM ")
		p.expr(x)
		p.w(")) AS bigint)")
	case "epoch":
		p.w("CAST(extract(epoch FROM ")
		p.expr(x)
		p.w(") AS double precision)")
	default:
		p.fail("date part "+quoteString(part), loc, "")
	}
}

// dateDiff prints date_diff(part, a, b): the number of part boundaries
// between a and b, as DuckDB counts them.
func (p *printer) dateDiff(name string, e *Expr) {
	c := e.Children
	if len(c) != 3 || c[0].Class != "CONSTANT" {
		p.fail(name+" with a non-constant part", e.Location, "")
		return
	}
	part := strings.ToLower(strings.TrimSuffix(c[0].Value.Text(), "s"))
	a, b := c[1], c[2]
	if strings.HasPrefix(name, "date_sub") || strings.HasPrefix(name, "datesub") {
		p.fail(name, e.Location, "use date_diff, which kiln carries over")
		return
	}
	months := func(x *Expr) {
		p.w("(extract(year FROM ")
		p.expr(x)
		p.w(") * 12 + extract(month FROM ")
		p.expr(x)
		p.w("))")
	}
	switch part {
	case "day":
		p.w("CAST(CAST(")
		p.expr(b)
		p.w(" AS date) - CAST(")
		p.expr(a)
		p.w(" AS date) AS bigint)")
	case "week":
		// Whole weeks between the dates, truncated towards zero.
		p.w("CAST((CAST(")
		p.expr(b)
		p.w(" AS date) - CAST(")
		p.expr(a)
		p.w(" AS date)) / 7 AS bigint)")
	case "month":
		p.w("CAST(")
		months(b)
		p.w(" - ")
		months(a)
		p.w(" AS bigint)")
	case "quarter":
		p.w("CAST((extract(year FROM ")
		p.expr(b)
		p.w(") * 4 + extract(quarter FROM ")
		p.expr(b)
		p.w(")) - (extract(year FROM ")
		p.expr(a)
		p.w(") * 4 + extract(quarter FROM ")
		p.expr(a)
		p.w(")) AS bigint)")
	case "year":
		p.w("CAST(extract(year FROM ")
		p.expr(b)
		p.w(") - extract(year FROM ")
		p.expr(a)
		p.w(") AS bigint)")
	case "hour", "minute", "second":
		div := map[string]string{"hour": "3600", "minute": "60", "second": "1"}[part]
		one := func(x *Expr) {
			p.w("floor(extract(epoch FROM date_trunc('", part, "', CAST(")
			p.expr(x)
			p.w(" AS timestamp))) / ", div, ")")
		}
		p.w("CAST(")
		one(b)
		p.w(" - ")
		one(a)
		p.w(" AS bigint)")
	default:
		p.fail("date_diff by "+quoteString(c[0].Value.Text()), c[0].Location, "kiln carries over day, week, month, quarter, year, hour, minute and second")
	}
}

var intervalUnits = map[string][2]string{
	"to_years": {"years", "year"}, "to_months": {"months", "month"}, "to_weeks": {"weeks", "week"}, "to_days": {"days", "day"},
	"to_hours": {"hours", "hour"}, "to_minutes": {"mins", "minute"}, "to_seconds": {"secs", "second"},
	"to_milliseconds": {"secs", "millisecond"}, "to_microseconds": {"secs", "microsecond"},
}

// pgQuantile prints DuckDB's ordered-set aggregates with WITHIN GROUP:
// median(x), quantile_cont(x, f), quantile_disc(x, f), mode(x), and what
// the parser makes of percentile_cont(f) WITHIN GROUP (ORDER BY x) and
// mode() WITHIN GROUP (ORDER BY x): quantile_cont(f ORDER BY x) and
// mode(ORDER BY x). Both dialects read a descending order the same way.
func (p *printer) pgQuantile(name string, e *Expr) bool {
	if name == "quantile" {
		name = "quantile_disc"
	}
	c := e.Children
	want := 2 // arguments of the plain form
	switch name {
	case "median", "mode":
		want = 1
	}
	order := &OrderBy{Type: "ORDER_DEFAULT", NullOrder: "ORDER_DEFAULT"}
	var x, frac *Expr
	switch {
	case e.Distinct || p.over != nil:
		p.fail(name+" as a window function or with DISTINCT", e.Location, "")
		return true
	case len(e.OrderBys.Orders) == 1 && len(c) == want-1 && name != "median":
		order = e.OrderBys.Orders[0]
		x, frac = order.Expr, first(c)
	case len(e.OrderBys.Orders) == 0 && len(c) == want:
		x = c[0]
		if want == 2 {
			frac = c[1]
		}
	default:
		p.fail(name+" with these arguments", e.Location, "")
		return true
	}
	if name == "median" {
		frac = &Expr{Class: "CONSTANT", Value: &Value{Type: LogicalType{ID: "DECIMAL", TypeInfo: &TypeInfo{Width: 2, Scale: 1}}, Raw: []byte("5")}}
	}
	if name != "mode" {
		if t := p.typeOf(x); !(isInt(t) || isFloat(t)) && !(name == "quantile_disc" && t != "") {
			p.fail(name+" of a "+map[bool]string{true: "value of unknown type", false: t}[t == ""], e.Location,
				"DuckDB keeps the scale of a DECIMAL, PostgreSQL interpolates; cast the argument to double")
			return true
		}
		if frac.Class != "CONSTANT" {
			p.fail(name+" with several quantiles", e.Location, "")
			return true
		}
	}
	switch name {
	case "mode":
		p.w("mode() WITHIN GROUP (ORDER BY ")
	case "quantile_disc":
		p.w("percentile_disc(")
		p.expr(frac)
		p.w(") WITHIN GROUP (ORDER BY ")
	default:
		// DuckDB's result is a DOUBLE for integers too.
		p.w("CAST(percentile_cont(")
		p.expr(frac)
		p.w(") WITHIN GROUP (ORDER BY ")
		defer p.w(" AS double precision)")
	}
	p.expr(x)
	p.orderSuffix(order)
	p.w(")")
	if e.Filter != nil {
		p.w(" FILTER (WHERE ")
		p.expr(e.Filter)
		p.w(")")
	}
	return true
}

// firstLast prints DuckDB's first(x) and last(x), which keep NULLs: over
// a window they are first_value and last_value, with ORDER BY the first
// element of an array_agg in that order (last reverses it).
func (p *printer) firstLast(name string, e *Expr) {
	c := e.Children
	over := p.over
	p.over = nil
	switch {
	case len(c) != 1 || e.Distinct:
		p.fail(name+" with these arguments", e.Location, "")
	case over != nil:
		if len(e.OrderBys.Orders) > 0 || e.Filter != nil {
			p.fail(name+" with ORDER BY or FILTER over a window", e.Location, "")
			return
		}
		p.w(name, "_value(")
		p.expr(c[0])
		p.w(")")
		over()
	case len(e.OrderBys.Orders) == 0:
		p.fail(name, e.Location, "without ORDER BY DuckDB's "+name+" takes whichever row comes "+name+"; add ORDER BY, or use min, max or any_value when any value will do")
	default:
		orders := e.OrderBys.Orders
		if name == "last" {
			orders = reversed(orders)
		}
		a := &Expr{Class: "FUNCTION", FunctionName: "array_agg", Children: c, OrderBys: Modifier{Orders: orders}, Filter: e.Filter}
		p.w("(")
		p.callAs("array_agg", a, c...)
		p.w(")[1]")
	}
}

// reversed returns ORDER BY terms that sort the other way round, NULLs
// included (DuckDB sorts them last by default).
func reversed(os []*OrderBy) []*OrderBy {
	out := make([]*OrderBy, len(os))
	for i, o := range os {
		r := *o
		r.Type = "DESCENDING"
		if o.Type == "DESCENDING" {
			r.Type = "ASCENDING"
		}
		r.NullOrder = "NULLS_FIRST"
		if o.NullOrder == "NULLS_FIRST" || o.NullOrder == "NULLS FIRST" {
			r.NullOrder = "NULLS_LAST"
		}
		out[i] = &r
	}
	return out
}

// interval prints DuckDB's INTERVAL n unit, which its parser turns into
// to_days(CAST(trunc(CAST(n AS DOUBLE)) AS INTEGER)) and the like.
func (p *printer) interval(name string, e *Expr) {
	u := intervalUnits[name]
	if len(e.Children) != 1 {
		p.fail(name, e.Location, "")
		return
	}
	x := e.Children[0]
	// The constant form: INTERVAL '1 day'.
	if n, ok := intervalConstant(x); ok {
		p.w("interval '", n, " ", u[1], "'")
		return
	}
	p.w("make_interval(", u[0], " => ")
	switch name {
	case "to_milliseconds":
		p.w("(")
		p.expr(x)
		p.w(") / 1000.0")
	case "to_microseconds":
		p.w("(")
		p.expr(x)
		p.w(") / 1000000.0")
	default:
		p.expr(x)
	}
	p.w(")")
}

func intervalConstant(x *Expr) (string, bool) {
	// CAST(trunc(CAST(n AS DOUBLE)) AS INTEGER) or a bare integer constant.
	if x.Class == "CAST" && x.Child != nil && x.Child.Class == "FUNCTION" && x.Child.FunctionName == "trunc" && len(x.Child.Children) == 1 {
		in := x.Child.Children[0]
		if in.Class == "CAST" && in.Child != nil {
			in = in.Child
		}
		if isIntLiteral(in) {
			return in.Value.Text(), true
		}
		return "", false
	}
	if isIntLiteral(x) {
		return x.Value.Text(), true
	}
	if x.Class == "CONSTANT" && x.Value != nil && (x.Value.Type.ID == "DECIMAL" || x.Value.Type.ID == "DOUBLE") {
		return x.Value.Text(), true
	}
	return "", false
}

// strftimeCodes are to_char's patterns for strftime's codes.
var strftimeCodes = map[byte]string{
	'Y': "YYYY", 'm': "MM", 'd': "DD", 'H': "HH24", 'M': "MI", 'S': "SS", 'y': "YY", 'b': "Mon", 'h': "Mon",
	'B': "FMMonth", 'a': "Dy", 'A': "FMDay", 'j': "DDD", 'I': "HH12", 'p': "AM", 'f': "US", 'G': "IYYY", 'V': "IW",
	'u': "ID", 'x': "YYYY-MM-DD", 'X': "HH24:MI:SS", 'c': "YYYY-MM-DD HH24:MI:SS",
}

// strftimeToPG translates a strftime format into to_char's.
func strftimeToPG(f string) (string, bool) {
	var b strings.Builder
	lit := strings.Builder{}
	flush := func() {
		if lit.Len() > 0 {
			b.WriteString(`"` + strings.ReplaceAll(lit.String(), `"`, `\"`) + `"`)
			lit.Reset()
		}
	}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			lit.WriteByte(f[i])
			continue
		}
		i++
		if f[i] == '%' {
			lit.WriteByte('%')
			continue
		}
		// %-d and the like print the number without padding.
		fm := ""
		if f[i] == '-' && i+1 < len(f) {
			fm = "FM"
			i++
		}
		code := strftimeCodes[f[i]]
		if code == "" || fm != "" && !strings.ContainsRune("dmHMSIjy", rune(f[i])) {
			return "", false
		}
		flush()
		b.WriteString(fm + code)
	}
	flush()
	return b.String(), true
}

// -------------------------------------------------------------- types

// typeOf infers the DuckDB type of e where that is easy and matters for
// printing; "" when unknown.
func (p *printer) typeOf(e *Expr) string {
	if e == nil {
		return ""
	}
	switch e.Class {
	case "COLUMN_REF":
		if sub, ok := p.a.AliasRefs[e]; ok {
			return p.typeOf(sub)
		}
		return normType(p.a.Types[e])
	case "CONSTANT":
		if e.Value == nil || e.Value.IsNull {
			return ""
		}
		return e.Value.Type.ID
	case "CAST":
		if e.CastType != nil {
			return e.CastType.ID
		}
	case "CASE":
		for _, c := range e.CaseChecks {
			if t := p.typeOf(c.Then); t != "" {
				return t
			}
		}
		return p.typeOf(e.ElseExpr)
	case "OPERATOR":
		if e.Type == "OPERATOR_COALESCE" {
			for _, c := range e.Children {
				if t := p.typeOf(c); t != "" {
					return t
				}
			}
		}
		if e.Type == "ARRAY_CONSTRUCTOR" {
			return "LIST"
		}
	case "WINDOW":
		switch e.Type {
		case "WINDOW_ROW_NUMBER", "WINDOW_RANK", "WINDOW_RANK_DENSE", "WINDOW_NTILE":
			return "BIGINT"
		case "WINDOW_AGGREGATE":
			return p.typeOf(&Expr{Class: "FUNCTION", FunctionName: e.FunctionName, Children: e.Children})
		case "WINDOW_LAG", "WINDOW_LEAD", "WINDOW_FIRST_VALUE", "WINDOW_LAST_VALUE", "WINDOW_NTH_VALUE":
			return p.typeOf(first(e.Children))
		}
	case "FUNCTION":
		name := strings.ToLower(e.FunctionName)
		c := e.Children
		switch name {
		case "+", "-", "*", "%":
			if len(c) == 1 {
				return p.typeOf(c[0])
			}
			if len(c) != 2 {
				return ""
			}
			l, r := p.typeOf(c[0]), p.typeOf(c[1])
			switch {
			case l == "" || r == "":
				if name != "%" && (l == "DATE" || r == "DATE" || isTimestamp(l) || isTimestamp(r)) {
					return ""
				}
				return ""
			case isInt(l) && isInt(r):
				return "BIGINT"
			case isFloat(l) || isFloat(r):
				return "DOUBLE"
			case isDecimal(l) || isDecimal(r):
				if (isDecimal(l) || isInt(l)) && (isDecimal(r) || isInt(r)) {
					return "DECIMAL"
				}
			case l == "DATE" && isInt(r), l == "DATE" && name == "-" && r == "DATE":
				if r == "DATE" {
					return "BIGINT"
				}
				return "DATE"
			case (l == "DATE" || isTimestamp(l)) && isInterval(r):
				return "TIMESTAMP"
			}
			return ""
		case "/", "**", "^", "avg", "mean", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "median", "sqrt", "ln", "log", "log10", "exp", "power", "pow", "random", "epoch":
			return "DOUBLE"
		case "//":
			l, r := p.typeOf(first(c)), p.typeOf(c[len(c)-1])
			if isInt(l) && isInt(r) {
				return "BIGINT"
			}
			return "DOUBLE"
		case "count", "count_star", "count_if", "length", "len", "strlen", "strpos", "instr", "position", "date_diff", "datediff",
			"year", "month", "day", "hour", "minute", "second", "quarter", "dayofweek", "dayofyear", "week", "date_part", "extract", "row_number", "rank", "dense_rank":
			if name == "date_part" && len(c) == 2 && c[0].Class == "CONSTANT" && c[0].Value.Text() == "epoch" {
				return "DOUBLE"
			}
			return "BIGINT"
		case "sum":
			t := p.typeOf(first(c))
			if isInt(t) {
				return "HUGEINT"
			}
			return t
		case "min", "max", "any_value", "first", "last", "abs", "ceil", "ceiling", "floor", "round", "trunc", "nullif", "greatest", "least", "coalesce", "ifnull", "arg_max", "arg_min":
			return p.typeOf(first(c))
		case "lower", "upper", "trim", "ltrim", "rtrim", "concat", "concat_ws", "||", "substring", "substr", "replace", "left", "right",
			"lpad", "rpad", "md5", "string_agg", "listagg", "split_part", "strftime", "regexp_replace", "regexp_extract", "reverse", "repeat", "initcap", "dayname", "monthname":
			return "VARCHAR"
		case "date_trunc", "datetrunc", "strptime":
			if len(c) == 2 && p.typeOf(c[1]) == "TIMESTAMP WITH TIME ZONE" {
				return "TIMESTAMP WITH TIME ZONE"
			}
			return "TIMESTAMP"
		case "now", "current_timestamp", "get_current_timestamp":
			return "TIMESTAMP WITH TIME ZONE"
		case "current_date", "today", "make_date", "last_day":
			return "DATE"
		case "list_value", "list", "array_agg", "string_split", "str_split", "generate_series", "range":
			return "LIST"
		case "to_years", "to_months", "to_weeks", "to_days", "to_hours", "to_minutes", "to_seconds", "to_milliseconds", "to_microseconds":
			return "INTERVAL"
		}
	}
	return ""
}

// normType reduces a type as information_schema spells it to the parser's
// type ids: DECIMAL(18,2) → DECIMAL, INTEGER[] → LIST.
func normType(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	switch {
	case t == "":
		return ""
	case strings.HasSuffix(t, "[]"):
		return "LIST"
	case strings.HasPrefix(t, "DECIMAL"), strings.HasPrefix(t, "NUMERIC"):
		return "DECIMAL"
	case strings.HasPrefix(t, "VARCHAR"), t == "TEXT", t == "STRING":
		return "VARCHAR"
	case t == "INT", t == "INT4":
		return "INTEGER"
	case t == "INT8", t == "LONG":
		return "BIGINT"
	case t == "FLOAT8":
		return "DOUBLE"
	case t == "TIMESTAMPTZ":
		return "TIMESTAMP WITH TIME ZONE"
	}
	return t
}

// isBoolean says whether e is a boolean: a comparison, AND/OR/NOT, IS
// [NOT] NULL, BETWEEN, IN, or typed so.
func (p *printer) isBoolean(e *Expr) bool {
	switch e.Class {
	case "COMPARISON", "CONJUNCTION", "BETWEEN":
		return true
	case "OPERATOR":
		switch e.Type {
		case "OPERATOR_NOT", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL", "COMPARE_IN", "COMPARE_NOT_IN":
			return true
		}
	}
	return p.typeOf(e) == "BOOLEAN"
}

// negativeConst says whether e is a negative number written as a constant
// (-3, or the unary minus of 3).
func negativeConst(e *Expr) bool {
	if e == nil {
		return false
	}
	if e.Class == "CONSTANT" && e.Value != nil && !e.Value.IsNull {
		return strings.HasPrefix(e.Value.Text(), "-")
	}
	if e.Class == "FUNCTION" && e.FunctionName == "-" && len(e.Children) == 1 {
		c := e.Children[0]
		return c.Class == "CONSTANT" && c.Value != nil && !c.Value.IsNull && !strings.HasPrefix(c.Value.Text(), "-")
	}
	return false
}

func isInt(t string) bool {
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return true
	}
	return false
}

func isFloat(t string) bool    { return t == "DOUBLE" || t == "FLOAT" }
func isDecimal(t string) bool  { return strings.HasPrefix(t, "DECIMAL") }
func isInterval(t string) bool { return t == "INTERVAL" }
func isList(t string) bool     { return t == "LIST" || strings.HasSuffix(t, "[]") }
func isString(t string) bool   { return t == "VARCHAR" }
func isTimestamp(t string) bool {
	return strings.HasPrefix(t, "TIMESTAMP")
}

var _ = strconv.Itoa

// timeBucket prints time_bucket(width, ts) as date_bin, for a width of
// days or less: DuckDB counts those buckets from Monday 2000-01-03.
func (p *printer) timeBucket(e *Expr) {
	c := e.Children
	if len(c) != 2 || !fixedInterval(c[0]) {
		p.fail("time_bucket with these arguments", e.Location, "kiln carries over time_bucket(INTERVAL …, timestamp) for a constant width of weeks or less")
		return
	}
	t := p.typeOf(c[1])
	if t != "TIMESTAMP" && t != "DATE" {
		p.fail("time_bucket of a "+map[bool]string{true: "value of unknown type", false: t}[t == ""], e.Location, "")
		return
	}
	if t == "DATE" {
		p.w("CAST(")
		defer p.w(" AS date)")
	}
	p.w("date_bin(")
	p.expr(c[0])
	p.w(", ")
	p.seriesBound(c[1])
	p.w(", timestamp '2000-01-03')")
}

// fixedInterval says whether e is a constant interval of weeks, days or
// less, whose length does not depend on the calendar.
func fixedInterval(e *Expr) bool {
	switch {
	case e.Class == "FUNCTION" && len(e.Children) == 1:
		name := strings.ToLower(e.FunctionName)
		_, ok := intervalConstant(e.Children[0])
		return ok && intervalUnits[name][0] != "" && name != "to_months" && name != "to_years"
	case e.Class == "CAST" && e.Child != nil && e.Child.Class == "CONSTANT" && e.Child.Value != nil && e.Child.Value.Type.ID == "VARCHAR":
		fields := strings.Fields(strings.ToLower(e.Child.Value.Text()))
		if len(fields) == 0 || len(fields)%2 != 0 {
			return false
		}
		for i := 0; i < len(fields); i += 2 {
			if _, err := strconv.ParseFloat(fields[i], 64); err != nil || strings.HasPrefix(fields[i], "-") {
				return false
			}
			switch strings.TrimSuffix(fields[i+1], "s") {
			case "week", "day", "hour", "minute", "min", "second", "sec":
			default:
				return false
			}
		}
		return true
	}
	return false
}

// constantText is the text of a string constant, "" for another
// expression or none.
func constantText(e *Expr) string {
	if e == nil || e.Class != "CONSTANT" || e.Value == nil || e.Value.IsNull || e.Value.Type.ID != "VARCHAR" {
		return ""
	}
	return e.Value.Text()
}

// roundDouble prints DuckDB's round of a DOUBLE x to digits places (nil:
// to a whole number). DuckDB scales x by a power of ten and rounds half
// away from zero in floating point: round(9.995, 2) is 9.99, as 9.995 is
// a little less. PostgreSQL rounds a double half to even, and a numeric
// made from one in decimal, so the arithmetic is written out.
func (p *printer) roundDouble(x, digits *Expr, loc uint64) {
	n := 0
	if digits != nil {
		if !isIntLiteral(digits) {
			p.fail("round of a DOUBLE to a non-constant number of digits", loc, "")
			return
		}
		n, _ = strconv.Atoi(digits.Value.Text())
	}
	y := "CAST(" + p.sub(x) + " AS double precision)"
	switch {
	case n > 0:
		p.w("(", halfAway("("+y+" * 1e"+strconv.Itoa(n)+")"), " / 1e", strconv.Itoa(n), ")")
	case n < 0:
		p.w("(", halfAway("("+y+" / 1e"+strconv.Itoa(-n)+")"), " * 1e", strconv.Itoa(-n), ")")
	default:
		p.w(halfAway(y))
	}
}

// doubleToDecimal prints DuckDB's CAST of a DOUBLE x to DECIMAL(width,
// scale): x scaled by a power of ten in floating point, rounded half away
// from zero. PostgreSQL would first write x with 15 significant digits.
func (p *printer) doubleToDecimal(x *Expr, width, scale int) {
	y := "(CAST(" + p.sub(x) + " AS double precision) * 1e" + strconv.Itoa(scale) + ")"
	p.w("CAST(CAST(", halfAway(y), " AS numeric) / 1e", strconv.Itoa(scale), " AS numeric(", strconv.Itoa(width), ", ", strconv.Itoa(scale), "))")
}

// halfAway rounds the double y to a whole number, half away from zero, as
// C's round does.
func halfAway(y string) string {
	return "(trunc(" + y + ") + CASE WHEN abs(" + y + " - trunc(" + y + ")) >= 0.5 THEN sign(" + y + ") ELSE 0 END)"
}

// text prints e as DuckDB turns it into a VARCHAR: a DOUBLE or FLOAT that
// is a whole number keeps ".0" (4.0, 1000000000000000.0), and NaN and
// infinity are "nan" and "inf". PostgreSQL writes 4, 1e+15, NaN, Infinity.
func (p *printer) text(e *Expr) {
	if !isFloat(p.typeOf(e)) || !p.pg() {
		p.expr(e)
		return
	}
	x := p.sub(e)
	p.w("CASE WHEN ", x, " = trunc(", x, ") AND abs(", x, ") < 1e16 THEN CAST(CAST(", x, " AS bigint) AS text) || '.0' ",
		"ELSE lower(replace(CAST(", x, " AS text), 'Infinity', 'inf')) END")
}
