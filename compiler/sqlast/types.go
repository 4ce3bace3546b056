package sqlast

import (
	"slices"
	"strings"
)

// Exact types: the type DuckDB gives an output column, as
// duckdb_columns().data_type spells it, inferred without DuckDB. Every rule
// here was checked against DuckDB (dialects/duckdb/types_test.go); where a
// rule is not certain the type is "", and kiln asks DuckDB instead. A wrong
// type is a bug, a missing one only costs time.
//
// DuckDB's binder types literals specially, and so does this file: an
// integer literal takes the type of the integer it meets when its value
// fits (TINYINT + 1 is a TINYINT), a string literal takes the type of
// whatever it meets, and NULL has a type of its own (sqlNull) that a table
// stores as INTEGER. A function that DuckDB folds to NULL at binding (one
// whose argument is a constant NULL) changes type, so type-dependent
// functions give "" for an argument that may be one.

// sqlNull is DuckDB's type of a NULL literal; a table column of it becomes
// an INTEGER.
const sqlNull = "NULL"

// The canonical names of the types DuckDB reports.
const (
	tBoolean   = "BOOLEAN"
	tTinyint   = "TINYINT"
	tSmallint  = "SMALLINT"
	tInteger   = "INTEGER"
	tBigint    = "BIGINT"
	tHugeint   = "HUGEINT"
	tFloat     = "FLOAT"
	tDouble    = "DOUBLE"
	tVarchar   = "VARCHAR"
	tDate      = "DATE"
	tTime      = "TIME"
	tTimestamp = "TIMESTAMP"
	tTZ        = "TIMESTAMP WITH TIME ZONE"
	tInterval  = "INTERVAL"
)

// CanonicalType returns DuckDB's name for a column type as a user declares
// it (INT, NUMERIC(18, 2), TEXT, TIMESTAMPTZ …) or as DuckDB reports it, and
// "" for a type it does not know.
func CanonicalType(t string) string {
	switch t { // DuckDB's own names first: most catalog types are those
	case tBoolean, tTinyint, tSmallint, tInteger, tBigint, tHugeint, tFloat, tDouble, tVarchar,
		tDate, tTime, tTimestamp, tTZ, tInterval, "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
		"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIME WITH TIME ZONE", "UUID", "BLOB":
		return t
	}
	if w, s, ok := parseDecimal(t); ok {
		return decimalName(w, s)
	}
	t = strings.ToUpper(strings.TrimSpace(t))
	if strings.HasSuffix(t, "[]") {
		if c := CanonicalType(t[:len(t)-2]); c != "" {
			return c + "[]"
		}
		return ""
	}
	name, params, hasParams := strings.Cut(t, "(")
	name = strings.Join(strings.Fields(name), " ")
	if hasParams {
		if !strings.HasSuffix(params, ")") {
			return ""
		}
		params = params[:len(params)-1]
	}
	switch name {
	case "DECIMAL", "NUMERIC", "DEC":
		if !hasParams {
			return decimalName(18, 3)
		}
		ws, ss, two := strings.Cut(params, ",")
		w, ok := atoi(strings.TrimSpace(ws))
		s, okS := 0, true
		if two {
			s, okS = atoi(strings.TrimSpace(ss))
		}
		if !ok || !okS {
			return ""
		}
		return decimalName(w, s)
	case "VARCHAR", "CHAR", "BPCHAR", "TEXT", "STRING", "NVARCHAR", "CHARACTER", "CHARACTER VARYING":
		if hasParams {
			if _, ok := atoi(strings.TrimSpace(params)); !ok {
				return ""
			}
		}
		return tVarchar
	}
	if hasParams {
		return ""
	}
	switch name {
	case "BOOLEAN", "BOOL", "LOGICAL":
		return tBoolean
	case "TINYINT", "INT1":
		return tTinyint
	case "SMALLINT", "INT2", "SHORT":
		return tSmallint
	case "INTEGER", "INT", "INT4", "SIGNED":
		return tInteger
	case "BIGINT", "INT8", "LONG":
		return tBigint
	case "HUGEINT", "INT128":
		return tHugeint
	case "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return name
	case "UINT8":
		return "UTINYINT"
	case "UINT16":
		return "USMALLINT"
	case "UINT32":
		return "UINTEGER"
	case "UINT64":
		return "UBIGINT"
	case "UINT128":
		return "UHUGEINT"
	case "FLOAT", "FLOAT4", "REAL":
		return tFloat
	case "DOUBLE", "FLOAT8", "DOUBLE PRECISION":
		return tDouble
	case "DATE":
		return tDate
	case "TIME", "TIME WITHOUT TIME ZONE":
		return tTime
	case "TIMETZ", "TIME WITH TIME ZONE":
		return "TIME WITH TIME ZONE"
	case "TIMESTAMP", "DATETIME", "TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP_US":
		return tTimestamp
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE":
		return tTZ
	case "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return name
	case "INTERVAL":
		return tInterval
	case "UUID":
		return "UUID"
	case "BLOB", "BYTEA", "BINARY", "VARBINARY":
		return "BLOB"
	}
	return ""
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// decimalNames[w][s] is "DECIMAL(w,s)", made once so that decimal
// arithmetic allocates nothing.
var decimalNames = func() (out [39][39]string) {
	for w := 1; w <= 38; w++ {
		for s := 0; s <= w; s++ {
			out[w][s] = "DECIMAL(" + itoa(w) + "," + itoa(s) + ")"
		}
	}
	return out
}()

func decimalName(w, s int) string {
	if w < 1 || w > 38 || s < 0 || s > w {
		return ""
	}
	return decimalNames[w][s]
}

// parseDecimal reads DuckDB's "DECIMAL(w,s)".
func parseDecimal(t string) (w, s int, ok bool) {
	if len(t) < len("DECIMAL(1,0)") || t[:8] != "DECIMAL(" || t[len(t)-1] != ')' {
		return 0, 0, false
	}
	ws, ss, found := strings.Cut(t[8:len(t)-1], ",")
	if !found {
		return 0, 0, false
	}
	w, ok1 := atoi(ws)
	s, ok2 := atoi(ss)
	if !ok1 || !ok2 || w < 1 || w > 38 || s > w {
		return 0, 0, false
	}
	return w, s, true
}

// intRank orders DuckDB's signed integer types; 0 for any other type.
func intRank(t string) int {
	switch t {
	case tTinyint:
		return 1
	case tSmallint:
		return 2
	case tInteger:
		return 3
	case tBigint:
		return 4
	case tHugeint:
		return 5
	}
	return 0
}

var intByRank = [...]string{"", tTinyint, tSmallint, tInteger, tBigint, tHugeint}

// intWidth is the decimal width DuckDB gives an integer type when it meets
// a DECIMAL.
func intWidth(t string) int {
	switch t {
	case tTinyint:
		return 3
	case tSmallint:
		return 5
	case tInteger:
		return 10
	case tBigint:
		return 19
	case tHugeint:
		return 38
	}
	return 0
}

// decimalLike gives the width and scale of a DECIMAL or of an integer type
// as DuckDB sees it in decimal arithmetic.
func decimalLike(t string) (w, s int, ok bool) {
	if w := intWidth(t); w > 0 {
		return w, 0, true
	}
	return parseDecimal(t)
}

func isDecimalType(t string) bool { return strings.HasPrefix(t, "DECIMAL(") }

func isFloatType(t string) bool { return t == tFloat || t == tDouble }

// litKind says what kind of literal an operand is.
type litKind uint8

const (
	notLit litKind = iota
	intLit
	strLit
	nullLit
)

// operand is a function argument as DuckDB's binder sees it.
type operand struct {
	t   string // exact type ("" unknown, sqlNull for NULL)
	lit litKind
	n   int64 // an integer literal's value
	big bool  // an integer literal outside int64
}

// fits says whether an integer literal's value fits the integer type t.
func (o operand) fits(t string) bool {
	if o.big {
		return t == tHugeint
	}
	switch t {
	case tTinyint:
		return o.n >= -128 && o.n <= 127
	case tSmallint:
		return o.n >= -32768 && o.n <= 32767
	case tInteger:
		return o.n >= -2147483648 && o.n <= 2147483647
	case tBigint, tHugeint:
		return true
	}
	return false
}

// parseInt reads a JSON integer into an int64.
func parseInt(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 20 {
		return 0, false
	}
	neg := raw[0] == '-'
	i := 0
	if neg {
		i = 1
	}
	if i == len(raw) {
		return 0, false
	}
	var u uint64
	for ; i < len(raw); i++ {
		c := raw[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (1<<63)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// constType is the type of a constant once it is no longer a literal.
func constType(v *Value) string {
	if v == nil {
		return ""
	}
	if v.IsNull {
		return sqlNull
	}
	switch v.Type.ID {
	case tInteger, tBigint, tHugeint, tVarchar, tDouble, tFloat, tBoolean:
		return v.Type.ID
	case "DECIMAL":
		if v.Type.TypeInfo != nil {
			return decimalName(v.Type.TypeInfo.Width, v.Type.TypeInfo.Scale)
		}
	}
	return ""
}

// castType is DuckDB's name for the target of a CAST.
func castType(t *LogicalType) string {
	if t == nil {
		return ""
	}
	switch t.ID {
	case "DECIMAL":
		if t.TypeInfo != nil {
			return decimalName(t.TypeInfo.Width, t.TypeInfo.Scale)
		}
		return ""
	case "LIST":
		if t.TypeInfo != nil {
			if c := castType(t.TypeInfo.ChildType); c != "" {
				return c + "[]"
			}
		}
		return ""
	case "UNBOUND", "USER":
		return ""
	}
	return CanonicalType(t.ID)
}

// finalType is the type a table stores a column of type t as.
func finalType(t string) string {
	if t == sqlNull {
		return tInteger
	}
	return t
}

// deref follows select-list alias references to the expression they stand
// for: DuckDB binds the expression itself there, literals and all.
func (z *analyzer) deref(e *Expr) *Expr {
	for i := 0; i < 8 && e != nil && e.Class == "COLUMN_REF"; i++ {
		ae, ok := z.alias[e]
		if !ok {
			break
		}
		e = ae
	}
	return e
}

func (z *analyzer) operand(e *Expr) operand {
	e = z.deref(e)
	if e == nil {
		return operand{}
	}
	if e.Class == "CONSTANT" && e.Value != nil {
		v := e.Value
		if v.IsNull {
			return operand{t: sqlNull, lit: nullLit}
		}
		switch v.Type.ID {
		case tInteger, tBigint:
			n, ok := parseInt(v.Raw)
			if !ok {
				return operand{}
			}
			return operand{t: v.Type.ID, lit: intLit, n: n}
		case tHugeint:
			return operand{t: tHugeint, lit: intLit, big: true}
		case tVarchar:
			return operand{t: tVarchar, lit: strLit}
		}
	}
	return operand{t: z.exactType(e)}
}

// known says whether an argument's type is known, is not NULL's, and the
// argument cannot be a constant NULL when DuckDB binds the call.
func (z *analyzer) known(o operand, e *Expr) bool {
	return o.t != "" && o.t != sqlNull && !z.mayFoldNull(e)
}

// mayFoldNull says whether e might be a constant that is NULL: it reads no
// column and kiln cannot tell that it is not NULL.
func (z *analyzer) mayFoldNull(e *Expr) bool {
	return !z.readsData(e) && !z.nonNullConst(e)
}

// readsData says whether e reads a column, a subquery or an aggregate, so
// that DuckDB cannot fold it to a constant.
func (z *analyzer) readsData(e *Expr) bool {
	e = z.deref(e)
	if e == nil {
		return false
	}
	switch e.Class {
	case "COLUMN_REF", "SUBQUERY", "WINDOW":
		return true
	case "FUNCTION":
		if aggregateNames[e.FunctionName] {
			return true
		}
	}
	for _, c := range children(e) {
		if z.readsData(c) {
			return true
		}
	}
	return false
}

// nonNullConst says whether e is a constant that cannot be NULL.
func (z *analyzer) nonNullConst(e *Expr) bool {
	e = z.deref(e)
	if e == nil {
		return false
	}
	switch e.Class {
	case "CONSTANT":
		return e.Value != nil && !e.Value.IsNull
	case "CAST":
		// A cast that fails is an error, not a NULL.
		return !e.TryCast && z.nonNullConst(e.Child)
	case "FUNCTION":
		switch e.FunctionName {
		case "now", "today", "current_date", "get_current_timestamp", "transaction_timestamp":
			return len(e.Children) == 0
		case "+", "-", "*", "trunc", "to_years", "to_months", "to_weeks", "to_days", "to_hours", "to_minutes",
			"to_seconds", "to_milliseconds", "to_microseconds":
			for _, c := range e.Children {
				if !z.nonNullConst(c) {
					return false
				}
			}
			return len(e.Children) > 0
		}
	}
	return false
}

var aggregateNames = map[string]bool{
	"count_star": true, "count": true, "sum": true, "avg": true, "mean": true, "min": true, "max": true,
	"any_value": true, "first": true, "last": true, "arbitrary": true, "string_agg": true, "listagg": true,
	"group_concat": true, "list": true, "array_agg": true, "bool_and": true, "bool_or": true, "count_if": true,
	"countif": true, "median": true, "mode": true, "quantile_cont": true, "quantile_disc": true, "quantile": true,
	"stddev": true, "stddev_samp": true, "stddev_pop": true, "variance": true, "var_samp": true, "var_pop": true,
	"arg_max": true, "arg_min": true, "max_by": true, "min_by": true, "argmax": true, "argmin": true,
	"approx_count_distinct": true, "product": true, "fsum": true, "sumkahan": true, "kahan_sum": true,
	"corr": true, "covar_pop": true, "covar_samp": true, "entropy": true,
}

// exactType is the type DuckDB gives e, "" when kiln is not certain.
func (z *analyzer) exactType(e *Expr) string {
	if e == nil {
		return ""
	}
	switch e.Class {
	case "COLUMN_REF":
		return z.exact[e]
	case "CONSTANT":
		return constType(e.Value)
	case "CAST":
		return castType(e.CastType)
	case "COMPARISON", "CONJUNCTION", "BETWEEN":
		return tBoolean
	case "OPERATOR":
		switch e.Type {
		case "OPERATOR_NOT", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL", "COMPARE_IN", "COMPARE_NOT_IN":
			return tBoolean
		case "OPERATOR_COALESCE":
			return z.maxOf(e.Children)
		case "GROUPING_FUNCTION":
			return tBigint
		}
	case "CASE":
		// DuckDB starts from ELSE, then meets each THEN in turn.
		if e.ElseExpr == nil {
			return ""
		}
		t := z.operand(e.ElseExpr)
		for _, c := range e.CaseChecks {
			if t = maxType(t, z.operand(c.Then)); t.t == "" {
				return ""
			}
		}
		return t.t
	case "FUNCTION":
		if e.Schema != "" && e.Schema != "main" || e.Catalog != "" && e.Catalog != "system" {
			return ""
		}
		if x, c, ok := orderedSet(e); ok {
			return z.callType(strings.ToLower(e.FunctionName), append([]*Expr{x}, c...))
		}
		return z.callType(e.FunctionName, e.Children)
	case "WINDOW":
		return z.windowType(e)
	case "SUBQUERY":
		switch e.SubqueryType {
		case "EXISTS", "NOT_EXISTS", "ANY":
			return tBoolean
		case "SCALAR":
			return z.exact[e]
		}
	case "COLLATE":
		if z.exactType(e.Child) == tVarchar {
			return tVarchar
		}
	}
	return ""
}

// orderedSet recognises what the parser makes of percentile_cont(f)
// WITHIN GROUP (ORDER BY x) and mode() WITHIN GROUP (ORDER BY x):
// quantile_cont(f ORDER BY x), mode(ORDER BY x). It returns x and the
// other arguments.
func orderedSet(e *Expr) (x *Expr, args []*Expr, ok bool) {
	if len(e.OrderBys.Orders) != 1 {
		return nil, nil, false
	}
	switch strings.ToLower(e.FunctionName) {
	case "quantile_cont", "quantile_disc", "quantile":
		ok = len(e.Children) == 1
	case "mode":
		ok = len(e.Children) == 0
	}
	if !ok {
		return nil, nil, false
	}
	return e.OrderBys.Orders[0].Expr, e.Children, true
}

// maxOf is DuckDB's common type of xs, met left to right: the type of
// COALESCE and the like.
func (z *analyzer) maxOf(xs []*Expr) string {
	var t operand
	for i, x := range xs {
		if i == 0 {
			t = z.operand(x)
		} else {
			t = maxType(t, z.operand(x))
		}
		if t.t == "" {
			return ""
		}
	}
	return t.t
}

// listOf is the element type of [xs…] (list_value): DuckDB meets the
// elements left to right as maxOf does, but a literal stays one when it
// meets a NULL or an equal integer literal ([1, 1, ti] is a TINYINT[]).
func (z *analyzer) listOf(xs []*Expr) string {
	var t operand
	for i, x := range xs {
		o := z.operand(x)
		switch {
		case i == 0:
			t = o
		case o.t == sqlNull:
		case t.lit == intLit && o.lit == intLit && !t.big && !o.big && t.n == o.n:
		default:
			t = maxType(t, o)
		}
		if t.t == "" {
			return ""
		}
	}
	return t.t
}

// maxType is DuckDB's common type of two operands (LogicalType's
// MaxLogicalType with its literal rules); the result is no literal, but
// for NULL meeting NULL.
func maxType(a, b operand) operand {
	if a.t == "" || b.t == "" {
		return operand{}
	}
	if a.t == sqlNull {
		return operand{t: b.t}
	}
	if b.t == sqlNull {
		return operand{t: a.t}
	}
	if a.lit == intLit && b.lit == intLit {
		return operand{t: maxInt(a.t, b.t)}
	}
	if a.lit == strLit || b.lit == strLit {
		if b.lit == strLit {
			a, b = b, a
		}
		// a is a string literal: it takes the other's type.
		return operand{t: b.t}
	}
	if b.lit == intLit {
		a, b = b, a
	}
	if a.lit == intLit {
		// a is an integer literal, b is not a literal.
		switch {
		case intRank(b.t) > 0:
			if a.fits(b.t) {
				return operand{t: b.t}
			}
			return operand{t: maxInt(a.t, b.t)}
		case isDecimalType(b.t):
			return operand{t: maxDecimal(a.t, b.t)}
		case isFloatType(b.t):
			return operand{t: b.t}
		case b.t == tBoolean:
			return operand{t: a.t}
		}
		return operand{}
	}
	if a.t == b.t {
		return operand{t: a.t}
	}
	switch {
	case intRank(a.t) > 0 && intRank(b.t) > 0:
		return operand{t: maxInt(a.t, b.t)}
	case (intRank(a.t) > 0 || isDecimalType(a.t)) && (intRank(b.t) > 0 || isDecimalType(b.t)):
		return operand{t: maxDecimal(a.t, b.t)}
	case a.t == tDouble && (isNumeric(b.t)) || b.t == tDouble && isNumeric(a.t):
		return operand{t: tDouble}
	case a.t == tFloat && isNumeric(b.t) || b.t == tFloat && isNumeric(a.t):
		return operand{t: tFloat}
	case a.t == tBoolean && intRank(b.t) > 0:
		return operand{t: b.t}
	case b.t == tBoolean && intRank(a.t) > 0:
		return operand{t: a.t}
	}
	return operand{t: maxTime(a.t, b.t)}
}

func isNumeric(t string) bool {
	return intRank(t) > 0 || isDecimalType(t) || isFloatType(t)
}

// isNumber says whether t is a numeric type, unsigned integers included.
func isNumber(t string) bool {
	switch t {
	case "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return true
	}
	return isNumeric(t)
}

// isTemporal says whether t is a date, a time or a timestamp.
func isTemporal(t string) bool {
	switch t {
	case tDate, tTime, "TIME WITH TIME ZONE", tTimestamp, tTZ, "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return true
	}
	return false
}

// isTimeOfDay says whether t is a TIME, with or without a time zone.
func isTimeOfDay(t string) bool { return t == tTime || t == "TIME WITH TIME ZONE" }

func maxInt(a, b string) string {
	ra, rb := intRank(a), intRank(b)
	if ra == 0 || rb == 0 {
		return ""
	}
	return intByRank[max(ra, rb)]
}

// maxDecimal is the decimal that holds both a and b, one of them a
// DECIMAL: the larger integral part and the larger scale. Past 38 digits,
// two DECIMALs lose scale, while an integer meeting a DECIMAL keeps it
// and loses the digits.
func maxDecimal(a, b string) string {
	wa, sa, ok1 := decimalLike(a)
	wb, sb, ok2 := decimalLike(b)
	if !ok1 || !ok2 {
		return ""
	}
	integral, s := max(wa-sa, wb-sb), max(sa, sb)
	if integral+s <= 38 {
		return decimalName(integral+s, s)
	}
	if isDecimalType(a) && isDecimalType(b) {
		return decimalName(38, 38-integral)
	}
	return decimalName(38, s)
}

// maxTime is the common type of two dates and timestamps.
func maxTime(a, b string) string {
	rank := func(t string) int {
		switch t {
		case tDate:
			return 1
		case tTimestamp:
			return 2
		case tTZ:
			return 3
		}
		return 0
	}
	ra, rb := rank(a), rank(b)
	if ra == 0 || rb == 0 {
		return ""
	}
	if ra > rb {
		return a
	}
	return b
}

// arg is the operand e of a type-dependent function, ok when its type is
// known (see known).
func (z *analyzer) arg(e *Expr) (operand, bool) {
	o := z.operand(e)
	return o, z.known(o, e)
}

// args2 is arg for both arguments of a call of two.
func (z *analyzer) args2(c []*Expr) (a, b operand, ok bool) {
	if len(c) != 2 {
		return a, b, false
	}
	if a, ok = z.arg(c[0]); ok {
		b, ok = z.arg(c[1])
	}
	return a, b, ok
}

// arithmetic is the type of a binary +, -, *, /, // or %.
func arithmetic(op string, a, b operand) string {
	if a.lit == strLit || b.lit == strLit {
		return ""
	}
	switch {
	case isNumeric(a.t) && isNumeric(b.t):
		return numericArithmetic(op, a, b)
	case a.t == tInterval || b.t == tInterval:
		return intervalArithmetic(op, a, b)
	}
	return dateArithmetic(op, a, b)
}

func numericArithmetic(op string, a, b operand) string {
	switch {
	case a.t == tDouble || b.t == tDouble:
		return tDouble
	case a.t == tFloat || b.t == tFloat:
		return tFloat
	case op == "/":
		return tDouble
	case isDecimalType(a.t) || isDecimalType(b.t):
		switch op {
		case "+", "-":
			return decimalAdd(a.t, b.t)
		case "*":
			return decimalMultiply(a.t, b.t)
		case "%":
			return decimalModulo(a.t, b.t)
		case "//":
			return tDouble
		}
		return ""
	}
	// Both integers.
	return maxType(a, b).t
}

// decimalAdd is DuckDB's type of a DECIMAL sum or difference: one digit
// more than the larger operand needs, but not past 18 digits unless an
// operand is wider already, nor past 38.
func decimalAdd(a, b string) string {
	wa, sa, ok1 := decimalLike(a)
	wb, sb, ok2 := decimalLike(b)
	if !ok1 || !ok2 {
		return ""
	}
	maxW, s := max(wa, wb), max(sa, sb)
	w := max(s+max(wa-sa, wb-sb), maxW) + 1
	if w > 18 && maxW <= 18 {
		w = 18
	}
	return decimalName(min(w, 38), s)
}

// decimalMultiply is DuckDB's type of a DECIMAL product: the widths and the
// scales added, at most 18 digits unless an operand is wider or the scale
// needs more, at most 38.
func decimalMultiply(a, b string) string {
	wa, sa, ok1 := decimalLike(a)
	wb, sb, ok2 := decimalLike(b)
	if !ok1 || !ok2 {
		return ""
	}
	w, s, maxW := wa+wb, sa+sb, max(wa, wb)
	if s > 38 {
		return ""
	}
	if w > 18 && maxW <= 18 && s < 18 {
		w = 18
	}
	return decimalName(min(w, 38), s)
}

// decimalModulo is DuckDB's type of a DECIMAL remainder: a DECIMAL that
// holds both operands, or a DOUBLE when none does.
func decimalModulo(a, b string) string {
	wa, sa, ok1 := decimalLike(a)
	wb, sb, ok2 := decimalLike(b)
	if !ok1 || !ok2 {
		return ""
	}
	integral, s := max(wa-sa, wb-sb), max(sa, sb)
	if integral+s > 38 {
		return tDouble
	}
	return decimalName(integral+s, s)
}

func intervalArithmetic(op string, a, b operand) string {
	switch op {
	case "+":
		switch {
		case a.t == tInterval && b.t == tInterval:
			return tInterval
		case a.t == tInterval:
			return intervalPlus(b.t)
		default:
			return intervalPlus(a.t)
		}
	case "-":
		if a.t == tInterval && b.t == tInterval {
			return tInterval
		}
		if b.t == tInterval {
			return intervalPlus(a.t)
		}
	case "*":
		if a.t == tInterval && isNumeric(b.t) || b.t == tInterval && isNumeric(a.t) {
			return tInterval
		}
	case "/":
		if a.t == tInterval && isNumeric(b.t) {
			return tInterval
		}
	}
	return ""
}

// intervalPlus is the type of t plus an interval.
func intervalPlus(t string) string {
	switch t {
	case tDate, tTimestamp:
		return tTimestamp
	case tTZ:
		return tTZ
	case tTime:
		return tTime
	}
	return ""
}

func dateArithmetic(op string, a, b operand) string {
	smallInt := func(o operand) bool {
		if o.lit == intLit {
			return o.fits(tInteger)
		}
		return o.t == tTinyint || o.t == tSmallint || o.t == tInteger
	}
	switch op {
	case "+":
		if a.t == tDate && smallInt(b) || b.t == tDate && smallInt(a) {
			return tDate
		}
		if a.t == tDate && b.t == tTime || a.t == tTime && b.t == tDate {
			return tTimestamp
		}
	case "-":
		switch {
		case a.t == tDate && b.t == tDate:
			return tBigint
		case a.t == tDate && smallInt(b):
			return tDate
		case maxTime(a.t, b.t) != "":
			return tInterval
		}
	}
	return ""
}

// callType is the type of a call of the function name on c.
func (z *analyzer) callType(name string, c []*Expr) string {
	switch name {
	case "epoch_ms":
		if a, ok := z.arg(first(c)); ok && len(c) == 1 && a.lit != strLit && (a.t == tTimestamp || a.t == tDate) {
			return tBigint
		}
	case "time_bucket":
		if a, b, ok := z.args2(c); ok && a.t == tInterval && b.lit != strLit && (b.t == tTimestamp || b.t == tDate) {
			return b.t
		}
	case "mod":
		if a, b, ok := z.args2(c); ok {
			return arithmetic("%", a, b)
		}
	case "+", "-", "*", "/", "//", "%":
		if len(c) == 1 && (name == "+" || name == "-") {
			if a, ok := z.arg(c[0]); ok && a.lit != strLit && (isNumeric(a.t) || a.t == tInterval) {
				return a.t
			}
			return ""
		}
		if a, b, ok := z.args2(c); ok {
			return arithmetic(name, a, b)
		}
	case "random", "pi":
		if len(c) == 0 {
			return tDouble
		}
	case "sqrt", "cbrt", "ln", "log2", "log10", "exp", "radians", "degrees", "sin", "cos", "tan", "asin", "acos",
		"atan":
		if len(c) == 1 && z.numbers(c, true) {
			return tDouble
		}
	case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "product", "fsum", "sumkahan",
		"kahan_sum":
		// An aggregate takes no string literal for a number.
		if len(c) == 1 && z.numbers(c, false) {
			return tDouble
		}
	case "**", "^", "pow", "power", "atan2":
		if len(c) == 2 && z.numbers(c, true) {
			return tDouble
		}
	case "corr", "covar_pop", "covar_samp":
		if len(c) == 2 && z.numbers(c, false) {
			return tDouble
		}
	case "log":
		if (len(c) == 1 || len(c) == 2) && z.numbers(c, true) {
			return tDouble
		}
	case "entropy":
		if len(c) == 1 {
			return tDouble
		}
	case "epoch":
		if a, ok := z.arg(first(c)); ok && len(c) == 1 && a.lit == notLit && (isTemporal(a.t) || a.t == tInterval) {
			return tDouble
		}
	case "year", "month", "day", "quarter", "dayofweek", "dayofyear", "week", "weekofyear", "dayofmonth", "isodow",
		"isoyear", "decade", "century", "millennium", "era", "yearweek", "weekday":
		// Parts of a date: not of a TIME.
		if a := z.operand(first(c)); len(c) == 1 && a.lit == notLit && (isTemporal(a.t) && !isTimeOfDay(a.t) || a.t == tInterval) {
			return tBigint
		}
	case "hour", "minute", "second", "millisecond", "microsecond":
		if a := z.operand(first(c)); len(c) == 1 && a.lit == notLit && (isTemporal(a.t) || a.t == tInterval) {
			return tBigint
		}
	case "length", "len", "char_length", "character_length":
		if o := z.operand(first(c)); len(c) == 1 && (o.t == tVarchar || o.t == sqlNull || strings.HasSuffix(o.t, "[]")) {
			return tBigint
		}
	case "strlen", "bit_length":
		if o := z.operand(first(c)); len(c) == 1 && (o.t == tVarchar || o.t == sqlNull) {
			return tBigint
		}
	case "count", "count_star", "approx_count_distinct", "strpos", "instr", "position", "date_diff", "datediff",
		"date_sub", "datesub", "array_length":
		return tBigint
	case "~~", "!~~", "~~*", "!~~*", "~~~", "!~~~", "like_escape", "not_like_escape", "ilike_escape",
		"not_ilike_escape", "regexp_matches", "regexp_full_match", "contains", "starts_with", "ends_with", "prefix",
		"suffix", "bool_and", "bool_or", "isnan", "isinf", "isfinite", "list_contains", "array_contains", "list_has":
		return tBoolean
	case "md5", "sha1", "sha256":
		if o := z.operand(first(c)); len(c) == 1 && (o.t == tVarchar || o.t == "BLOB" || o.t == sqlNull) {
			return tVarchar
		}
	case "concat_ws", "printf", "format", "to_hex", "chr", "strftime", "dayname", "monthname":
		return tVarchar
	case "lower", "upper", "lcase", "ucase", "trim", "ltrim", "rtrim", "replace", "split_part", "left", "right",
		"lpad", "rpad", "substring", "substr", "regexp_replace", "reverse", "repeat", "translate":
		if len(c) > 0 && z.isString(c[0]) && z.stringArgs(name, c[1:]) {
			return tVarchar
		}
	case "string_agg", "listagg", "group_concat":
		// Any argument but a BLOB is cast to VARCHAR; the separator is a
		// constant string.
		if len(c) > 0 && len(c) <= 2 {
			o := z.operand(c[0])
			if o.t != "" && o.t != "BLOB" && (len(c) == 1 || z.operand(c[1]).lit == strLit || z.operand(c[1]).lit == nullLit) {
				return tVarchar
			}
		}
	case "date_add":
		if a, b, ok := z.args2(c); ok && b.t == tInterval {
			return arithmetic("+", a, b)
		}
	case "regexp_extract":
		if len(c) >= 2 && len(c) <= 3 && z.isString(c[0]) {
			if g := z.operand(c[len(c)-1]); len(c) < 3 || g.lit == intLit && g.fits(tInteger) {
				return tVarchar
			}
		}
	case "concat", "||":
		return z.concatType(name, c)
	case "hash":
		return "UBIGINT"
	case "uuid", "gen_random_uuid":
		return "UUID"
	case "sign":
		if a := z.operand(first(c)); len(c) == 1 && a.lit != strLit && (isNumber(a.t) || a.t == sqlNull) {
			return tTinyint
		}
	case "ascii":
		return tInteger
	case "string_split", "str_split", "string_split_regex", "regexp_split_to_array":
		return "VARCHAR[]"
	case "to_timestamp":
		if len(c) == 1 && z.numbers(c, true) {
			return tTZ
		}
	case "now", "get_current_timestamp", "current_timestamp", "transaction_timestamp":
		return tTZ
	case "make_date", "last_day", "current_date", "today":
		return tDate
	case "make_timestamp":
		// make_timestamp(micros) or (year, month, day, hour, minute, seconds).
		switch len(c) {
		case 1:
			if z.intArgs(c, tBigint) {
				return tTimestamp
			}
		case 6:
			if z.intArgs(c[:5], tBigint) && z.numbers(c[5:], true) {
				return tTimestamp
			}
		}
	case "strptime":
		// A format with a UTC offset or time zone makes a TIMESTAMP WITH
		// TIME ZONE.
		if o := z.operand(first(c)); len(c) == 2 && (o.t == tVarchar || o.t == sqlNull) {
			if f := z.deref(c[1]); f.Class == "CONSTANT" && f.Value != nil && f.Value.Type.ID == tVarchar {
				return strptimeType(f.Value.Text())
			}
		}
	case "age":
		return tInterval
	case "to_years", "to_months", "to_weeks", "to_days":
		// Of several overloads: a string literal does not choose one.
		if len(c) == 1 && z.intArgs(c, tBigint) && z.operand(c[0]).lit != strLit {
			return tInterval
		}
	case "to_hours", "to_minutes", "to_microseconds":
		if len(c) == 1 && z.intArgs(c, tBigint) {
			return tInterval
		}
	case "to_seconds", "to_milliseconds":
		if len(c) == 1 && z.numbers(c, true) {
			return tInterval
		}
	case "count_if", "countif":
		return tHugeint
	case "date_part", "datepart":
		if len(c) == 2 {
			return z.datePart(c[0], c[1])
		}
	case "date_trunc", "datetrunc":
		if len(c) == 2 {
			if a, ok := z.arg(c[1]); ok {
				switch a.t {
				case tDate, tTimestamp:
					return tTimestamp
				case tTZ:
					return tTZ
				}
			}
		}
	case "coalesce", "ifnull":
		return z.maxOf(c)
	case "greatest", "least":
		return z.maxOf(c)
	case "nullif":
		if len(c) == 2 {
			if o := z.operand(c[0]); o.t != sqlNull {
				return o.t
			}
		}
	case "abs":
		if len(c) == 1 {
			if a, ok := z.arg(c[0]); ok && a.lit != strLit && (intRank(a.t) > 0 || isFloatType(a.t) || isDecimalType(a.t)) {
				return a.t
			}
		}
	case "round", "trunc", "floor", "ceil", "ceiling":
		return z.roundType(name, c)
	case "sum", "avg", "mean", "min", "max", "any_value", "first", "last", "arbitrary", "mode", "arg_max",
		"arg_min", "max_by", "min_by", "argmax", "argmin", "median", "quantile_cont", "quantile_disc", "list",
		"array_agg":
		return z.aggregateType(name, c)
	case "list_sort", "array_sort", "list_reverse_sort", "array_reverse_sort":
		if len(c) > 0 {
			if t := z.exactType(c[0]); strings.HasSuffix(t, "[]") {
				return t
			}
		}
	case "list_value":
		if t := z.listOf(c); t != "" && t != sqlNull && !strings.HasSuffix(t, "]") {
			return t + "[]"
		}
	}
	return ""
}

// strptimeType is the type strptime gives for a constant format: a
// TIMESTAMP WITH TIME ZONE with a UTC offset or time zone name in it, else
// a TIMESTAMP; "" for a format with specifiers kiln has not checked
// (%n makes a TIMESTAMP_NS, %s is an error) or with %%.
func strptimeType(format string) string {
	t := tTimestamp
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if i++; i == len(format) {
			return ""
		}
		switch format[i] {
		case 'z', 'Z':
			t = tTZ
		case 'a', 'A', 'w', 'd', 'b', 'B', 'h', 'm', 'y', 'Y', 'H', 'I', 'p', 'M', 'S', 'f', 'g', 'j', 'U', 'W',
			'c', 'x', 'X', 'T':
		default:
			return ""
		}
	}
	return t
}

// numbers says whether every one of xs is a number, or NULL, as a
// function of DOUBLE parameters takes them; a scalar function (lits) takes
// a string literal too.
func (z *analyzer) numbers(xs []*Expr, lits bool) bool {
	for _, x := range xs {
		switch o := z.operand(x); {
		case o.t == sqlNull:
		case o.lit == strLit:
			if !lits {
				return false
			}
		case !isNumber(o.t):
			return false
		}
	}
	return true
}

// intArgs says whether every one of xs fits an integer parameter of type
// param (INTEGER or BIGINT) of a scalar function: a narrower integer, an
// integer literal whose value fits, a string literal, or NULL.
func (z *analyzer) intArgs(xs []*Expr, param string) bool {
	for _, x := range xs {
		o := z.operand(x)
		switch {
		case o.t == sqlNull || o.lit == strLit:
		case o.lit == intLit:
			if !o.fits(param) {
				return false
			}
		case o.lit != notLit:
			return false
		case o.t == "UTINYINT" || o.t == "USMALLINT":
		case o.t == "UINTEGER":
			if param != tBigint {
				return false
			}
		default:
			if r := intRank(o.t); r == 0 || r > intRank(param) {
				return false
			}
		}
	}
	return true
}

// stringParams are the parameters of string functions after the string,
// for each number of them: s a VARCHAR, b a BIGINT, i an INTEGER.
var stringParams = map[string][]string{
	"lower": {""}, "upper": {""}, "lcase": {""}, "ucase": {""}, "reverse": {""},
	"trim": {"", "s"}, "ltrim": {"", "s"}, "rtrim": {"", "s"}, "replace": {"ss"}, "translate": {"ss"},
	"split_part": {"sb"}, "left": {"b"}, "right": {"b"}, "lpad": {"is"}, "rpad": {"is"},
	"substring": {"b", "bb"}, "substr": {"b", "bb"}, "regexp_replace": {"ss", "sss"}, "repeat": {"b"},
}

// stringArgs says whether args fit the parameters of the string function
// name after its string.
func (z *analyzer) stringArgs(name string, args []*Expr) bool {
	for _, ps := range stringParams[name] {
		if len(ps) != len(args) {
			continue
		}
		for i, x := range args {
			switch ps[i] {
			case 's':
				if o := z.operand(x); o.t != tVarchar && o.t != sqlNull {
					return false
				}
			case 'b':
				if !z.intArgs(args[i:i+1], tBigint) {
					return false
				}
			case 'i':
				if !z.intArgs(args[i:i+1], tInteger) {
					return false
				}
			}
		}
		return true
	}
	return false
}

// isString says whether e is a VARCHAR, so that a function with string and
// list overloads takes the string one.
func (z *analyzer) isString(e *Expr) bool {
	o := z.operand(e)
	return o.t == tVarchar
}

// concatType is the type of concat(…) or ||: VARCHAR unless an argument
// is a list (or, for ||, every one a BLOB). || is NULL when an argument is,
// and DuckDB then types it as NULL.
func (z *analyzer) concatType(name string, c []*Expr) string {
	for _, x := range c {
		o := z.operand(x)
		if o.t == "" || strings.HasSuffix(o.t, "]") || o.t == "BLOB" {
			return ""
		}
		if name == "||" && !z.known(o, x) {
			return ""
		}
	}
	return tVarchar
}

// datePart is the type of date_part(part, x) and extract(part FROM x).
func (z *analyzer) datePart(part, x *Expr) string {
	p := z.deref(part)
	if p.Class != "CONSTANT" || p.Value == nil || p.Value.Type.ID != tVarchar {
		return ""
	}
	// A NULL would be typed by date_part's declaration, BIGINT even for an epoch.
	o := z.operand(x)
	switch {
	case !z.known(o, x) || o.lit != notLit:
		return ""
	case o.t != tDate && o.t != tTimestamp && o.t != tTZ && o.t != tInterval && o.t != tTime:
		return ""
	}
	return datePartType(p.Value)
}

// datePartType is the type of date_part for the part named by v. It looks
// a part written in lower case up without making a string of it.
func datePartType(v *Value) string {
	raw := v.Raw
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		plain := true
		for _, c := range raw[1 : len(raw)-1] {
			if c == '\\' || c >= 'A' && c <= 'Z' {
				plain = false
				break
			}
		}
		if plain {
			return datePartTypes[string(raw[1:len(raw)-1])]
		}
	}
	return datePartTypes[strings.ToLower(v.Text())]
}

// datePartTypes is the type of date_part for each part name DuckDB knows.
var datePartTypes = func() map[string]string {
	m := map[string]string{"epoch": tDouble, "julian": tDouble}
	for _, p := range strings.Fields(`year years y yr yrs month months mon day days d dayofmonth
		hour hours h hr minute minutes min m second seconds sec s millisecond milliseconds ms msec
		microsecond microseconds us usec quarter quarters dow dayofweek weekday isodow doy dayofyear
		week weeks w isoyear decade decades century centuries millennium millennia era yearweek`) {
		m[p] = tBigint
	}
	return m
}()

// roundType is the type of round, trunc, floor and ceil: integers and
// floats keep their type (but floor and ceil of an integer are DOUBLE), a
// DECIMAL loses the scale that is rounded away.
func (z *analyzer) roundType(name string, c []*Expr) string {
	if len(c) == 0 || len(c) > 2 || len(c) == 2 && (name == "floor" || name == "ceil" || name == "ceiling") {
		return ""
	}
	a, ok := z.arg(c[0])
	// The precision is an INTEGER.
	if !ok || a.lit == strLit || len(c) == 2 && (!z.known(z.operand(c[1]), c[1]) || !z.intArgs(c[1:], tInteger)) {
		return ""
	}
	t := a.t
	switch {
	case intRank(t) > 0:
		if name == "floor" || name == "ceil" || name == "ceiling" {
			return tDouble
		}
		return t
	case isFloatType(t):
		return t
	case isDecimalType(t):
		w, s, _ := parseDecimal(t)
		if len(c) == 1 {
			return decimalName(w, 0)
		}
		p := z.operand(c[1])
		if p.lit != intLit || !p.fits(tInteger) {
			return ""
		}
		switch {
		case p.n >= int64(s):
			return t
		case p.n <= 0:
			return decimalName(w, 0)
		}
		return decimalName(w, int(p.n))
	}
	return ""
}

// constant says whether e is a constant, or a cast of one, as the
// fractions of quantile_cont and quantile_disc must be.
func (z *analyzer) constant(e *Expr) bool {
	e = z.deref(e)
	for e != nil && e.Class == "CAST" && !e.TryCast {
		e = e.Child
	}
	return e != nil && e.Class == "CONSTANT"
}

// aggregateType is the type of an aggregate whose type depends on its
// argument's.
func (z *analyzer) aggregateType(name string, c []*Expr) string {
	if len(c) == 0 || len(c) > 2 {
		return ""
	}
	a, ok := z.arg(c[0])
	if !ok {
		return ""
	}
	var b operand
	if len(c) == 2 {
		if b, ok = z.arg(c[1]); !ok {
			return ""
		}
	}
	t, n := a.t, len(c)
	switch name {
	case "sum":
		switch {
		case n != 1 || a.lit == strLit:
		case intRank(t) > 0 || t == tBoolean:
			return tHugeint
		case isDecimalType(t):
			_, s, _ := parseDecimal(t)
			return decimalName(38, s)
		case isFloatType(t):
			return tDouble
		}
	case "avg", "mean":
		switch {
		case n != 1 || a.lit == strLit:
		case isNumeric(t):
			return tDouble
		case t == tInterval || t == tTimestamp || t == tTZ:
			return t
		case t == tDate:
			return tTimestamp
		}
	case "min", "max", "any_value", "first", "last", "arbitrary", "mode":
		if n == 1 {
			return t
		}
	case "arg_max", "arg_min", "max_by", "min_by", "argmax", "argmin":
		if n == 2 {
			return t
		}
	case "median", "quantile_cont":
		if a.lit == strLit {
			return ""
		}
		if n == 1 && name == "median" || n == 2 && name == "quantile_cont" && isNumeric(b.t) && z.constant(c[1]) {
			switch {
			case intRank(t) > 0:
				return tDouble
			case isFloatType(t) || isDecimalType(t) || t == tTimestamp || t == tTZ:
				return t
			}
		}
	case "quantile_disc":
		if n == 2 && isNumeric(b.t) && z.constant(c[1]) {
			return t
		}
	case "list", "array_agg":
		if n == 1 && !strings.HasSuffix(t, "]") {
			return t + "[]"
		}
	}
	return ""
}

// windowType is the type of a window function.
func (z *analyzer) windowType(e *Expr) string {
	switch e.Type {
	case "WINDOW_ROW_NUMBER", "WINDOW_RANK", "WINDOW_RANK_DENSE", "WINDOW_NTILE":
		return tBigint
	case "WINDOW_PERCENT_RANK", "WINDOW_CUME_DIST":
		return tDouble
	case "WINDOW_LAG", "WINDOW_LEAD", "WINDOW_FIRST_VALUE", "WINDOW_LAST_VALUE", "WINDOW_NTH_VALUE":
		if len(e.Children) == 0 {
			return ""
		}
		if o := z.operand(e.Children[0]); o.t != sqlNull {
			return o.t
		}
	case "WINDOW_AGGREGATE":
		if e.Schema != "" && e.Schema != "main" {
			return ""
		}
		return z.callType(e.FunctionName, e.Children)
	}
	return ""
}

// keywordType is the type of the keywords DuckDB reads as functions when no
// column has their name.
func keywordType(name string) string {
	switch strings.ToLower(name) {
	case "current_date":
		return tDate
	case "current_timestamp":
		return tTZ
	case "localtimestamp":
		return tTimestamp
	case "current_time":
		return "TIME WITH TIME ZONE"
	}
	return ""
}

// setOpType is the type of a column of a UNION, EXCEPT or INTERSECT whose
// sides have types a and b: kiln vouches only for equal types (and NULL
// meeting a type).
func setOpType(a, b string) string {
	switch {
	case a == b:
		return a
	case a == sqlNull:
		return b
	case b == sqlNull:
		return a
	}
	return ""
}

// valuesTypes sets the types of the columns of a VALUES list: each
// column's rows met in order, the first row's types as they are and the
// later rows' literals adapting to them.
func (z *analyzer) valuesTypes(rows [][]*Expr, cols []col) {
	for i := range cols {
		var t operand
		for r, row := range rows {
			if i >= len(row) {
				t = operand{}
				break
			}
			if r == 0 {
				// The first row's literals are not literals any more.
				t = operand{t: z.operand(row[i]).t}
			} else {
				t = maxType(t, z.operand(row[i]))
			}
			if t.t == "" {
				break
			}
		}
		cols[i].exact = t.t
	}
}

// rangeType is the type of the column of range(…) and generate_series(…).
func (z *analyzer) rangeType(name string, args []*Expr) string {
	if name != "range" && name != "generate_series" || len(args) == 0 || len(args) > 3 {
		return ""
	}
	ints, times := true, true
	for i, x := range args {
		o, ok := z.arg(x)
		if !ok {
			return ""
		}
		r := intRank(o.t)
		ints = ints && (o.lit == intLit && o.fits(tBigint) || o.lit == notLit && r > 0 && r <= 4)
		if i < 2 {
			times = times && o.lit == notLit && (o.t == tTimestamp || o.t == tDate)
		} else {
			times = times && o.t == tInterval
		}
	}
	switch {
	case ints:
		return tBigint
	case times && len(args) == 3:
		return tTimestamp
	}
	return ""
}

// joinTypes withdraws the types kiln cannot vouch for after a join of
// sc.rels[start:before] and sc.rels[before:]: the right side of a SEMI or
// ANTI join (DuckDB shows only the left), the right side of a USING or
// NATURAL join with several relations there, and a USING column of a
// RIGHT, FULL or ASOF join whose sides' types differ (DuckDB shows the two
// merged).
func (z *analyzer) joinTypes(t *TableRef, sc *scope, start, before int, hide []string) {
	semi := t.JoinType == "SEMI" || t.JoinType == "ANTI"
	if semi || len(hide) > 0 && len(sc.rels)-before != 1 {
		for i := before; i < len(sc.rels); i++ {
			sc.rels[i] = inexact(sc.rels[i], "")
		}
	}
	if semi || len(hide) == 0 || (t.JoinType == "INNER" || t.JoinType == "LEFT") && (t.RefType == "REGULAR" || t.RefType == "NATURAL") {
		return
	}
	for _, h := range hide {
		var rc col
		for _, r := range sc.rels[before:] {
			if c, ok := r.find(h); ok {
				rc = c
				break
			}
		}
		for i := start; i < before; i++ {
			lc, ok := sc.rels[i].find(h)
			if !ok {
				continue
			}
			if rc.exact == "" || lc.exact != rc.exact {
				sc.rels[i] = inexact(sc.rels[i], h)
			}
			switch {
			case t.JoinType == "RIGHT" && lc.name != rc.name:
				// DuckDB shows the right side's column, spelt its way.
				sc.rels[i] = withCols(sc.rels[i], h, func(c *col) { c.guessed = true })
			case t.JoinType == "FULL" || t.JoinType == "OUTER":
				// DuckDB names an unnamed reference to the merged
				// column as written.
				sc.rels[i] = withCols(sc.rels[i], h, func(c *col) { c.merged = true })
			}
		}
	}
}

// inexact copies r without the exact type of its column name, or of all
// its columns when name is "".
func inexact(r *rel, name string) *rel {
	return withCols(r, name, func(c *col) { c.exact = "" })
}

// withCols copies r with f applied to its column name, or to all its
// columns when name is "".
func withCols(r *rel, name string, f func(*col)) *rel {
	out := *r
	out.cols = slices.Clone(r.cols)
	for i := range out.cols {
		if name == "" || strings.EqualFold(out.cols[i].name, name) {
			f(&out.cols[i])
		}
	}
	return &out
}
