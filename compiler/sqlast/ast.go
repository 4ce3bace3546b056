package sqlast

import (
	"encoding/json"
	"fmt"
	"strconv"

	gojson "github.com/goccy/go-json"
)

// NoLocation is DuckDB's query_location for nodes it made up itself.
const NoLocation = ^uint64(0)

// Statement is one parsed SELECT statement.
type Statement struct {
	Node *QueryNode `json:"node"`
}

// QueryNode is a query: a SELECT, a set operation (UNION, EXCEPT,
// INTERSECT), or the body of a recursive CTE. Type says which.
type QueryNode struct {
	Type      string      `json:"type"` // SELECT_NODE, SET_OPERATION_NODE, RECURSIVE_CTE_NODE, CTE_NODE
	Modifiers []*Modifier `json:"modifiers"`
	CTEMap    CTEMap      `json:"cte_map"`

	// SELECT_NODE
	SelectList        []*Expr   `json:"select_list"`
	FromTable         *TableRef `json:"from_table"`
	Where             *Expr     `json:"where_clause"`
	GroupExpressions  []*Expr   `json:"group_expressions"`
	GroupSets         [][]int   `json:"group_sets"`
	AggregateHandling string    `json:"aggregate_handling"` // STANDARD_HANDLING, FORCE_AGGREGATES (GROUP BY ALL)
	Having            *Expr     `json:"having"`
	Qualify           *Expr     `json:"qualify"`
	Sample            any       `json:"sample"`

	// SET_OPERATION_NODE, RECURSIVE_CTE_NODE
	SetOpType string     `json:"setop_type"` // UNION, EXCEPT, INTERSECT, UNION_BY_NAME
	SetOpAll  bool       `json:"setop_all"`
	Left      *QueryNode `json:"left"`
	Right     *QueryNode `json:"right"`
	CTEName   string     `json:"cte_name"`
	UnionAll  bool       `json:"union_all"`
	// CTE_NODE (a materialized CTE wrapped around a query)
	Query *QueryNode `json:"query"`
	Child *QueryNode `json:"child"`
}

// CTEMap is a WITH clause, in order.
type CTEMap struct {
	Map []CTEEntry `json:"map"`
}

// CTEEntry is one named common table expression.
type CTEEntry struct {
	Key   string `json:"key"`
	Value struct {
		Aliases      []string   `json:"aliases"`
		Query        *Statement `json:"query"`
		Materialized string     `json:"materialized"` // CTE_MATERIALIZE_DEFAULT, _ALWAYS, _NEVER
	} `json:"value"`
}

// Modifier is ORDER BY, LIMIT/OFFSET or DISTINCT [ON] of a query.
type Modifier struct {
	Type             string     `json:"type"` // ORDER_MODIFIER, LIMIT_MODIFIER, LIMIT_PERCENT_MODIFIER, DISTINCT_MODIFIER
	Orders           []*OrderBy `json:"orders"`
	Limit            *Expr      `json:"limit"`
	Offset           *Expr      `json:"offset"`
	DistinctOnTarget []*Expr    `json:"distinct_on_targets"`
}

// OrderBy is one ORDER BY term.
type OrderBy struct {
	Type      string `json:"type"`       // ORDER_DEFAULT, ASCENDING, DESCENDING
	NullOrder string `json:"null_order"` // ORDER_DEFAULT, NULLS FIRST, NULLS LAST
	Expr      *Expr  `json:"expression"`
}

// TableRef is one item of a FROM clause.
type TableRef struct {
	Type          string   `json:"type"` // BASE_TABLE, JOIN, SUBQUERY, TABLE_FUNCTION, EXPRESSION_LIST, EMPTY, PIVOT
	Alias         string   `json:"alias"`
	Location      uint64   `json:"query_location"`
	ColumnAliases []string `json:"column_name_alias"`
	Sample        any      `json:"sample"`

	// BASE_TABLE
	Catalog string `json:"catalog_name"`
	Schema  string `json:"schema_name"`
	Table   string `json:"table_name"`

	// JOIN
	Left         *TableRef `json:"left"`
	Right        *TableRef `json:"right"`
	Condition    *Expr     `json:"condition"`
	JoinType     string    `json:"join_type"` // INNER, LEFT, RIGHT, OUTER, SEMI, ANTI
	RefType      string    `json:"ref_type"`  // REGULAR, CROSS, NATURAL, POSITIONAL, ASOF, DEPENDENT
	UsingColumns []string  `json:"using_columns"`
	Lateral      bool      `json:"is_lateral"`

	// SUBQUERY
	Subquery *Statement `json:"subquery"`

	// TABLE_FUNCTION
	Function       *Expr  `json:"function"`
	WithOrdinality string `json:"with_ordinality"`

	// EXPRESSION_LIST (VALUES)
	Values [][]*Expr `json:"values"`

	// PIVOT: PIVOT source ON … IN (…) USING aggregates GROUP BY groups, or
	// with UnpivotNames (its value columns) UNPIVOT source ON … INTO …
	Source       *TableRef `json:"source"`
	Aggregates   []*Expr   `json:"aggregates"`
	Groups       []string  `json:"groups"`
	Pivots       []*Pivot  `json:"pivots"`
	UnpivotNames []string  `json:"unpivot_names"`
	IncludeNulls bool      `json:"include_nulls"`
}

// Pivot is the ON … IN (…) of a PIVOT, or the ON … of an UNPIVOT.
type Pivot struct {
	Expressions  []*Expr  `json:"pivot_expressions"` // PIVOT: what is compared with the values
	UnpivotNames []string `json:"unpivot_names"`     // UNPIVOT: the name column
	Enum         string   `json:"pivot_enum"`
	Entries      []struct {
		Values []*Value `json:"values"` // PIVOT: one per expression; UNPIVOT: the column
		Alias  string   `json:"alias"`
	} `json:"entries"`
}

// Expr is an expression. Class is DuckDB's expression class (COLUMN_REF,
// CONSTANT, FUNCTION, CAST, OPERATOR, COMPARISON, CONJUNCTION, CASE,
// BETWEEN, WINDOW, SUBQUERY, STAR, LAMBDA, COLLATE, PARAMETER,
// POSITIONAL_REFERENCE); Type refines it (COMPARE_EQUAL, OPERATOR_NOT …).
type Expr struct {
	Class    string `json:"class"`
	Type     string `json:"type"`
	Alias    string `json:"alias"`
	Location uint64 `json:"query_location"`

	// COLUMN_REF
	ColumnNames []string `json:"column_names"`
	// CONSTANT
	Value *Value `json:"value"`

	// FUNCTION, WINDOW
	FunctionName string   `json:"function_name"`
	Schema       string   `json:"schema"`
	Catalog      string   `json:"catalog"`
	Children     []*Expr  `json:"children"`
	Filter       *Expr    `json:"filter"`
	OrderBys     Modifier `json:"order_bys"`
	Distinct     bool     `json:"distinct"`
	IsOperator   bool     `json:"is_operator"`

	// CAST, COLLATE, SUBQUERY (ANY/ALL), LAMBDA body
	Child     *Expr        `json:"child"`
	CastType  *LogicalType `json:"cast_type"`
	TryCast   bool         `json:"try_cast"`
	Collation string       `json:"collation"`

	// COMPARISON
	Left  *Expr `json:"left"`
	Right *Expr `json:"right"`

	// CASE
	CaseChecks []CaseCheck `json:"case_checks"`
	ElseExpr   *Expr       `json:"else_expr"`

	// BETWEEN
	Input *Expr `json:"input"`
	Lower *Expr `json:"lower"`
	Upper *Expr `json:"upper"`

	// WINDOW
	Partitions    []*Expr    `json:"partitions"`
	Orders        []*OrderBy `json:"orders"`
	Start         string     `json:"start"`
	End           string     `json:"end"`
	StartExpr     *Expr      `json:"start_expr"`
	EndExpr       *Expr      `json:"end_expr"`
	OffsetExpr    *Expr      `json:"offset_expr"`
	DefaultExpr   *Expr      `json:"default_expr"`
	IgnoreNulls   bool       `json:"ignore_nulls"`
	FilterExpr    *Expr      `json:"filter_expr"`
	ExcludeClause string     `json:"exclude_clause"`
	ArgOrders     []*OrderBy `json:"arg_orders"`

	// SUBQUERY
	Subquery       *Statement `json:"subquery"`
	SubqueryType   string     `json:"subquery_type"` // SCALAR, EXISTS, NOT_EXISTS, ANY
	ComparisonType string     `json:"comparison_type"`

	// STAR
	RelationName         string        `json:"relation_name"`
	ExcludeList          []ExcludeItem `json:"exclude_list"`
	QualifiedExcludeList []ExcludeItem `json:"qualified_exclude_list"`
	ReplaceList          []struct {
		Key   string `json:"key"`
		Value *Expr  `json:"value"`
	} `json:"replace_list"`
	RenameList []struct {
		Key   ExcludeItem `json:"key"`
		Value string      `json:"value"`
	} `json:"rename_list"`
	Columns bool  `json:"columns"` // COLUMNS(…)
	Expr    *Expr `json:"expr"`    // COLUMNS('regex') and LAMBDA body

	// LAMBDA
	LHS *Expr `json:"lhs"`

	// PARAMETER
	Identifier string `json:"identifier"`
	// POSITIONAL_REFERENCE
	Index int `json:"index"`
}

// CaseCheck is one WHEN … THEN … of a CASE.
type CaseCheck struct {
	When *Expr `json:"when_expr"`
	Then *Expr `json:"then_expr"`
}

// ExcludeItem is a column named in EXCLUDE or RENAME. DuckDB writes a bare
// name, or a qualified one as an object.
type ExcludeItem struct {
	Names []string
}

// UnmarshalJSON accepts "name" and {"column_names": [...]} / {"name": …}.
func (e *ExcludeItem) UnmarshalJSON(b []byte) error {
	var s string
	if err := gojson.Unmarshal(b, &s); err == nil {
		e.Names = []string{s}
		return nil
	}
	var o struct {
		ColumnNames []string `json:"column_names"`
		Name        string   `json:"name"`
		Table       string   `json:"table"`
		Column      string   `json:"column"`
	}
	if err := gojson.Unmarshal(b, &o); err != nil {
		return err
	}
	e.Names = o.ColumnNames
	switch {
	case len(e.Names) > 0:
	case o.Column != "" && o.Table != "":
		e.Names = []string{o.Table, o.Column}
	case o.Column != "":
		e.Names = []string{o.Column}
	case o.Name != "":
		e.Names = []string{o.Name}
	}
	return nil
}

// Excludes lists the columns of a star's EXCLUDE, qualified or not.
func (e *Expr) Excludes() []ExcludeItem {
	if len(e.QualifiedExcludeList) == 0 {
		return e.ExcludeList
	}
	return append(append([]ExcludeItem(nil), e.ExcludeList...), e.QualifiedExcludeList...)
}

// Last is the column name without its qualifier.
func (e ExcludeItem) Last() string {
	if len(e.Names) == 0 {
		return ""
	}
	return e.Names[len(e.Names)-1]
}

// LogicalType is a DuckDB type as the parser writes it.
type LogicalType struct {
	ID       string    `json:"id"`
	TypeInfo *TypeInfo `json:"type_info"`
}

// TypeInfo holds a type's parameters: DECIMAL width and scale, a LIST's
// child, a STRUCT's fields, a user type's name.
type TypeInfo struct {
	Type       string       `json:"type"`
	Alias      string       `json:"alias"`
	Width      int          `json:"width"`
	Scale      int          `json:"scale"`
	ChildType  *LogicalType `json:"child_type"`
	ChildTypes []struct {
		First  string       `json:"first"`
		Second *LogicalType `json:"second"`
	} `json:"child_types"`
	UserTypeName string `json:"user_type_name"`
	Name         string `json:"name"` // of an UNBOUND type: one the parser left to the binder, as JSON
	Size         int    `json:"size"`
	Modifiers    []any  `json:"user_type_modifiers"`
}

// Value is a constant.
type Value struct {
	Type   LogicalType     `json:"type"`
	IsNull bool            `json:"is_null"`
	Raw    json.RawMessage `json:"value"`
}

// Text returns a constant's value as DuckDB would print it: the string for
// a VARCHAR, digits for numbers (a DECIMAL with its scale applied).
func (v *Value) Text() string {
	if v == nil || v.IsNull {
		return ""
	}
	var s string
	if len(v.Raw) > 0 && v.Raw[0] == '"' {
		_ = json.Unmarshal(v.Raw, &s)
		return s
	}
	if len(v.Raw) > 0 && v.Raw[0] == '{' { // HUGEINT {upper, lower}
		var h struct {
			Upper int64  `json:"upper"`
			Lower uint64 `json:"lower"`
		}
		if json.Unmarshal(v.Raw, &h) == nil {
			s = hugeint(h.Upper, h.Lower)
		}
	} else {
		s = string(v.Raw)
	}
	if v.Type.ID == "DECIMAL" && v.Type.TypeInfo != nil && v.Type.TypeInfo.Scale > 0 {
		s = applyScale(s, v.Type.TypeInfo.Scale)
	}
	return s
}

func hugeint(upper int64, lower uint64) string {
	// value = upper * 2^64 + lower, printed exactly with big arithmetic in base 10.
	neg := upper < 0
	hi, lo := uint64(upper), lower
	if neg { // two's complement negate
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	digits := []byte{}
	for hi != 0 || lo != 0 {
		// divide the 128-bit (hi, lo) by 10
		rh := hi % 10
		hi /= 10
		// (rh * 2^64 + lo) / 10
		q, r := div128(rh, lo, 10)
		lo = q
		digits = append(digits, byte('0'+r))
	}
	if len(digits) == 0 {
		digits = []byte{'0'}
	}
	for i, j := 0, len(digits)-1; i < j; i, j = i+1, j-1 {
		digits[i], digits[j] = digits[j], digits[i]
	}
	if neg {
		return "-" + string(digits)
	}
	return string(digits)
}

// div128 divides hi*2^64+lo by d (hi < d) and returns quotient and remainder.
func div128(hi, lo, d uint64) (uint64, uint64) {
	var q uint64
	r := hi
	for i := 63; i >= 0; i-- {
		r = r<<1 | (lo>>uint(i))&1
		q <<= 1
		if r >= d {
			r -= d
			q |= 1
		}
	}
	return q, r
}

func applyScale(s string, scale int) string {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	for len(s) <= scale {
		s = "0" + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}

// ParseError is a statement DuckDB's parser rejected.
type ParseError struct {
	Message  string
	Position int    // byte offset into the query; -1 when unknown
	Type     string // DuckDB's error type, e.g. "parser"
	Subtype  string // e.g. "SYNTAX_ERROR"
}

// Syntax says whether the parser rejected the text as malformed, rather
// than as something it cannot serialize.
func (e *ParseError) Syntax() bool { return e.Type == "parser" }

func (e *ParseError) Error() string { return e.Message }

// result is json_serialize_sql's envelope.
type result struct {
	Error        bool         `json:"error"`
	ErrorType    string       `json:"error_type"`
	ErrorMessage string       `json:"error_message"`
	ErrorSubtype string       `json:"error_subtype"`
	Position     string       `json:"position"`
	Statements   []*Statement `json:"statements"`
}

// Decode reads the output of json_serialize_sql. A query the parser
// rejected gives a *ParseError. It decodes with github.com/goccy/go-json,
// which fills the same structs as encoding/json from the same tags, about
// three times faster: decoding is a large part of analysing a project.
func Decode(data []byte) ([]*Statement, error) {
	var r result
	if err := gojson.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decoding the parse tree: %w", err)
	}
	if r.Error {
		pos := -1
		if r.Position != "" {
			if n, err := strconv.Atoi(r.Position); err == nil {
				pos = n
			}
		}
		msg := r.ErrorMessage
		if r.ErrorType != "" && r.ErrorType != "parser" {
			msg = r.ErrorType + ": " + msg
		}
		return nil, &ParseError{Message: msg, Position: pos, Type: r.ErrorType, Subtype: r.ErrorSubtype}
	}
	return r.Statements, nil
}

// Shift moves every location in st by delta bytes; the compiler parses
// several models in one string and shifts each back to its own text.
func Shift(st *Statement, delta int64) {
	sh := func(l *uint64) {
		if *l != NoLocation {
			*l = uint64(int64(*l) + delta)
		}
	}
	var node func(n *QueryNode)
	var expr func(e *Expr)
	var table func(t *TableRef)
	expr = func(e *Expr) {
		if e == nil {
			return
		}
		sh(&e.Location)
		for _, c := range children(e) {
			expr(c)
		}
		if e.Class == "LAMBDA" {
			expr(e.LHS)
			expr(e.Expr)
		}
		if e.Subquery != nil {
			node(e.Subquery.Node)
		}
	}
	table = func(t *TableRef) {
		if t == nil {
			return
		}
		sh(&t.Location)
		table(t.Left)
		table(t.Right)
		expr(t.Condition)
		expr(t.Function)
		if t.Subquery != nil {
			node(t.Subquery.Node)
		}
		for _, row := range t.Values {
			for _, e := range row {
				expr(e)
			}
		}
	}
	node = func(n *QueryNode) {
		if n == nil {
			return
		}
		for _, c := range n.CTEMap.Map {
			if c.Value.Query != nil {
				node(c.Value.Query.Node)
			}
		}
		for _, m := range n.Modifiers {
			for _, o := range m.Orders {
				expr(o.Expr)
			}
			expr(m.Limit)
			expr(m.Offset)
			for _, e := range m.DistinctOnTarget {
				expr(e)
			}
		}
		for _, e := range n.SelectList {
			expr(e)
		}
		table(n.FromTable)
		expr(n.Where)
		for _, e := range n.GroupExpressions {
			expr(e)
		}
		expr(n.Having)
		expr(n.Qualify)
		node(n.Left)
		node(n.Right)
		node(n.Query)
		node(n.Child)
	}
	node(st.Node)
}
