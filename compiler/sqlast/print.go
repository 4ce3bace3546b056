package sqlast

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Dialect is a SQL dialect kiln prints.
type Dialect string

// The dialects Print writes.
const (
	DuckDB   Dialect = "duckdb"
	Postgres Dialect = "postgres"
)

// UnsupportedError is a construct that cannot be carried over to the
// target dialect with the same meaning.
type UnsupportedError struct {
	Construct string // what it is, e.g. "TRY_CAST"
	Location  uint64 // byte offset in the query, NoLocation when unknown
	Hint      string
}

func (e *UnsupportedError) Error() string {
	return e.Construct + " cannot be carried over"
}

// PrintOptions say how to print.
type PrintOptions struct {
	Dialect Dialect
	// Analysis, when set, lets the printer expand stars, name unnamed
	// columns and pick operations by operand type. Print for PostgreSQL
	// needs it for EXCLUDE, QUALIFY, GROUP BY ALL and ORDER BY ALL.
	Analysis *Analysis
}

// Print writes st in the given dialect. For PostgreSQL it returns the
// first construct it cannot carry over as an *UnsupportedError.
func Print(st *Statement, opts PrintOptions) (string, error) {
	p := &printer{d: opts.Dialect, a: opts.Analysis}
	if p.d == "" {
		p.d = DuckDB
	}
	if p.a == nil {
		p.a = &Analysis{}
	}
	p.query(st.Node, true)
	if p.err != nil {
		return "", p.err
	}
	return p.b.String(), nil
}

type printer struct {
	b   strings.Builder
	d   Dialect
	a   *Analysis
	err *UnsupportedError
	seq int // for generated names
	// unnamed counts the subqueries without an alias of the FROM clause
	// being printed, which DuckDB names unnamed_subquery, …2, …
	unnamed int
	// spine is set while the FROM item being printed is one whose rows
	// the joins above it only filter or extend (see semiJoin); exists
	// holds the conditions those SEMI and ANTI JOINs leave to WHERE.
	spine  bool
	exists []func()
	// over, when set, prints the OVER clause of the window aggregate whose
	// call is being printed.
	over func()
}

func (p *printer) pg() bool { return p.d == Postgres }

func (p *printer) w(s ...string) {
	for _, x := range s {
		p.b.WriteString(x)
	}
}

// infix writes "(a op b)"; op carries its own spacing.
func (p *printer) infix(a *Expr, op string, b *Expr) {
	p.w("(")
	p.expr(a)
	p.w(op)
	p.expr(b)
	p.w(")")
}

// sub returns e as p prints it, for a printer that needs it more than once.
func (p *printer) sub(e *Expr) string {
	s := &printer{d: p.d, a: p.a, seq: p.seq}
	s.expr(e)
	if s.err != nil && p.err == nil {
		p.err = s.err
	}
	p.seq = s.seq
	return s.b.String()
}

func (p *printer) fail(construct string, loc uint64, hint string) {
	if p.err == nil {
		p.err = &UnsupportedError{Construct: construct, Location: loc, Hint: hint}
	}
}

func (p *printer) gen(prefix string) string {
	p.seq++
	return fmt.Sprintf("__kiln_%s%d", prefix, p.seq)
}

// ---------------------------------------------------------------- queries

func (p *printer) query(n *QueryNode, top bool) {
	if n == nil {
		return
	}
	switch n.Type {
	case "SELECT_NODE":
		p.with(n.CTEMap)
		if n.Qualify != nil && p.pg() {
			p.qualifySelect(n)
			return
		}
		p.selectCore(n)
		p.modifiers(n, n.Modifiers, false)
	case "SET_OPERATION_NODE":
		p.with(n.CTEMap)
		p.setOp(n)
		p.modifiers(n, n.Modifiers, false)
	case "RECURSIVE_CTE_NODE":
		p.with(n.CTEMap)
		p.query(n.Left, false)
		p.w("\nUNION ")
		if n.UnionAll {
			p.w("ALL ")
		}
		p.w("\n")
		p.query(n.Right, false)
		p.modifiers(n, n.Modifiers, false)
	case "CTE_NODE":
		inner := n.Child
		if inner == nil {
			inner = n.Query
		}
		p.query(inner, top)
	default:
		p.fail("query node "+n.Type, NoLocation, "")
	}
}

func (p *printer) with(m CTEMap) {
	if len(m.Map) == 0 {
		return
	}
	p.w("WITH ")
	for _, c := range m.Map {
		if c.Value.Query != nil && c.Value.Query.Node != nil && c.Value.Query.Node.Type == "RECURSIVE_CTE_NODE" {
			p.w("RECURSIVE ")
			break
		}
	}
	for i, c := range m.Map {
		if i > 0 {
			p.w(",\n")
		}
		p.w(p.ident(c.Key))
		if len(c.Value.Aliases) > 0 {
			p.w("(", p.idents(c.Value.Aliases), ")")
		}
		p.w(" AS ")
		switch c.Value.Materialized {
		case "CTE_MATERIALIZE_ALWAYS":
			p.w("MATERIALIZED ")
		case "CTE_MATERIALIZE_NEVER":
			p.w("NOT MATERIALIZED ")
		}
		p.w("(\n")
		if c.Value.Query != nil {
			p.query(c.Value.Query.Node, false)
		}
		p.w("\n)")
	}
	p.w("\n")
}

func (p *printer) setOp(n *QueryNode) {
	op := n.SetOpType
	switch op {
	case "UNION", "EXCEPT", "INTERSECT":
	case "UNION_BY_NAME":
		if p.pg() {
			p.fail("UNION BY NAME", NoLocation, "list the columns of both sides in the same order and use UNION")
		}
		op = "UNION"
	default:
		p.fail("set operation "+op, NoLocation, "")
	}
	p.setSide(n.Left)
	p.w("\n", op)
	if n.SetOpAll {
		p.w(" ALL")
	}
	if n.SetOpType == "UNION_BY_NAME" {
		p.w(" BY NAME")
	}
	p.w("\n")
	p.setSide(n.Right)
}

func (p *printer) setSide(n *QueryNode) {
	if n != nil && n.Type == "SELECT_NODE" && len(n.Modifiers) == 0 && len(n.CTEMap.Map) == 0 && !(p.pg() && n.Qualify != nil) {
		p.selectCore(n)
		return
	}
	if n != nil && n.Type == "SET_OPERATION_NODE" && len(n.Modifiers) == 0 && len(n.CTEMap.Map) == 0 {
		p.w("(")
		p.setOp(n)
		p.w(")")
		return
	}
	p.w("(")
	p.query(n, false)
	p.w(")")
}

func (p *printer) selectCore(n *QueryNode) {
	p.w("SELECT ")
	for _, m := range n.Modifiers {
		if m.Type == "DISTINCT_MODIFIER" {
			p.w("DISTINCT ")
			if len(m.DistinctOnTarget) > 0 {
				p.w("ON (")
				p.exprList(m.DistinctOnTarget)
				p.w(") ")
			}
		}
	}
	p.selectList(n)
	p.where(n.Where, p.from(n.FromTable))
	p.groupBy(n)
	if n.Having != nil {
		p.w("\nHAVING ")
		p.expr(n.Having)
	}
	if n.Qualify != nil {
		p.w("\nQUALIFY ")
		p.expr(n.Qualify)
	}
	if n.Sample != nil {
		p.fail("USING SAMPLE", NoLocation, "")
	}
}

// where prints WHERE cond AND more…, or nothing when there is neither.
func (p *printer) where(cond *Expr, more []func()) {
	if cond == nil && len(more) == 0 {
		return
	}
	p.w("\nWHERE ")
	if cond != nil {
		p.expr(cond)
	}
	for i, f := range more {
		if i > 0 || cond != nil {
			p.w("\nAND ")
		}
		f()
	}
}

func (p *printer) selectList(n *QueryNode) {
	for i, e := range n.SelectList {
		if i > 0 {
			p.w(", ")
		}
		if e.Class == "STAR" {
			p.star(e)
			continue
		}
		p.expr(e)
		switch {
		case e.Alias != "":
			p.w(" AS ", p.ident(e.Alias))
		case p.pg() && e.Class != "COLUMN_REF" && p.a.ItemNames[e] != "":
			// PostgreSQL names unnamed expressions differently ("?column?",
			// "sum"); keep DuckDB's name so that downstream models still find it.
			p.w(" AS ", p.ident(p.a.ItemNames[e]))
		}
	}
}

func (p *printer) star(e *Expr) {
	plain := len(e.Excludes()) == 0 && len(e.ReplaceList) == 0 && len(e.RenameList) == 0 && !e.Columns
	if !p.pg() || plain {
		if e.Columns {
			p.w("COLUMNS(")
			if e.Expr != nil {
				p.expr(e.Expr)
			} else {
				p.w("*")
			}
			p.w(")")
			return
		}
		if e.RelationName != "" {
			p.w(p.ident(e.RelationName), ".")
		}
		p.w("*")
		if len(e.Excludes()) > 0 {
			p.w(" EXCLUDE (")
			for i, x := range e.Excludes() {
				if i > 0 {
					p.w(", ")
				}
				p.w(p.qualified(x.Names))
			}
			p.w(")")
		}
		if len(e.ReplaceList) > 0 {
			p.w(" REPLACE (")
			for i, r := range e.ReplaceList {
				if i > 0 {
					p.w(", ")
				}
				p.expr(r.Value)
				p.w(" AS ", p.ident(r.Key))
			}
			p.w(")")
		}
		if len(e.RenameList) > 0 {
			p.w(" RENAME (")
			for i, r := range e.RenameList {
				if i > 0 {
					p.w(", ")
				}
				p.w(p.qualified(r.Key.Names), " AS ", p.ident(r.Value))
			}
			p.w(")")
		}
		return
	}
	items, ok := p.a.Stars[e]
	if !ok {
		what := "SELECT * EXCLUDE/REPLACE/RENAME"
		if e.Columns {
			what = "COLUMNS(…)"
		}
		p.fail(what, e.Location, "kiln expands it into a column list when it knows the columns of every relation in FROM; declare the columns of the sources it reads")
		return
	}
	for i, it := range items {
		if i > 0 {
			p.w(", ")
		}
		if it.Replace != nil {
			p.expr(it.Replace)
			p.w(" AS ", p.ident(it.Name))
			continue
		}
		if it.Qualifier != "" {
			p.w(p.ident(it.Qualifier), ".")
		}
		p.w(p.ident(it.Column))
		if it.Name != it.Column {
			p.w(" AS ", p.ident(it.Name))
		}
	}
}

func (p *printer) groupBy(n *QueryNode) {
	if n.AggregateHandling == "FORCE_AGGREGATES" {
		if !p.pg() {
			p.w("\nGROUP BY ALL")
			return
		}
		var pos []string
		for i, e := range n.SelectList {
			if e.Class == "STAR" {
				p.fail("GROUP BY ALL with *", e.Location, "name the columns in the select list")
				return
			}
			if !hasAggregate(e) {
				pos = append(pos, strconv.Itoa(i+1))
			}
		}
		if len(pos) > 0 {
			p.w("\nGROUP BY ", strings.Join(pos, ", "))
		}
		return
	}
	if len(n.GroupExpressions) == 0 {
		return
	}
	p.w("\nGROUP BY ")
	simple := len(n.GroupSets) <= 1
	if simple && len(n.GroupSets) == 1 {
		s := n.GroupSets[0]
		if len(s) != len(n.GroupExpressions) {
			simple = false
		}
		for i, x := range s {
			if x != i {
				simple = false
			}
		}
	}
	if simple {
		p.exprList(n.GroupExpressions)
		return
	}
	p.w("GROUPING SETS (")
	for i, s := range n.GroupSets {
		if i > 0 {
			p.w(", ")
		}
		p.w("(")
		for j, x := range s {
			if j > 0 {
				p.w(", ")
			}
			if x >= 0 && x < len(n.GroupExpressions) {
				p.expr(n.GroupExpressions[x])
			}
		}
		p.w(")")
	}
	p.w(")")
}

// qualifySelect prints SELECT … QUALIFY cond for PostgreSQL, which has no
// QUALIFY: the window functions of cond are computed in a subquery and
// filtered outside it.
func (p *printer) qualifySelect(n *QueryNode) {
	names := p.a.OutputNames[n]
	if len(names) == 0 || slices.Contains(names, "") {
		p.fail("QUALIFY", n.Qualify.Location, "kiln rewrites QUALIFY as a subquery when it knows the output columns; avoid * or declare the columns of the sources it reads")
		return
	}
	// Replace window functions and columns that are not outputs by
	// generated columns of the inner query.
	var extra []*Expr
	var extraNames []string
	outputs := map[string]bool{}
	for _, nm := range names {
		outputs[strings.ToLower(nm)] = true
	}
	rewrite := func(e *Expr) *Expr {
		return rewriteExpr(e, func(e *Expr) *Expr {
			if e.Class == "WINDOW" || e.Class == "COLUMN_REF" && !(len(e.ColumnNames) == 1 && outputs[strings.ToLower(e.ColumnNames[0])]) {
				name := p.gen("q")
				extra = append(extra, e)
				extraNames = append(extraNames, name)
				return &Expr{Class: "COLUMN_REF", Type: "COLUMN_REF", ColumnNames: []string{name}, Location: NoLocation}
			}
			return nil
		})
	}
	cond := rewrite(n.Qualify)
	// ORDER BY is printed outside, where only the outputs and the
	// generated columns are in scope.
	var rest []*Modifier
	for _, m := range n.Modifiers {
		if m.Type == "ORDER_MODIFIER" {
			c := *m
			c.Orders = nil
			for _, o := range m.Orders {
				r := *o
				if r.Expr != nil && r.Expr.Class != "STAR" {
					r.Expr = rewrite(o.Expr)
				}
				c.Orders = append(c.Orders, &r)
			}
			m = &c
		}
		if m.Type == "DISTINCT_MODIFIER" && len(m.DistinctOnTarget) > 0 {
			c := *m
			c.DistinctOnTarget = nil
			for _, e := range m.DistinctOnTarget {
				c.DistinctOnTarget = append(c.DistinctOnTarget, rewrite(e))
			}
			m = &c
		}
		rest = append(rest, m)
	}
	inner := *n
	inner.Qualify = nil
	inner.Modifiers = nil
	inner.CTEMap = CTEMap{}
	inner.SelectList = slices.Clone(n.SelectList)
	for i, e := range extra {
		c := *e
		c.Alias = extraNames[i]
		inner.SelectList = append(inner.SelectList, &c)
	}
	sub := p.gen("qualify")
	p.w("SELECT ")
	for _, m := range rest {
		if m.Type == "DISTINCT_MODIFIER" {
			p.w("DISTINCT ")
			if len(m.DistinctOnTarget) > 0 {
				p.w("ON (")
				p.exprList(m.DistinctOnTarget)
				p.w(") ")
			}
		}
	}
	for i, nm := range names {
		if i > 0 {
			p.w(", ")
		}
		p.w(p.ident(nm))
	}
	p.w("\nFROM (\n")
	p.selectCore(&inner)
	p.w("\n) AS ", sub, "\nWHERE ")
	p.expr(cond)
	p.modifiers(n, rest, true)
}

// rewriteExpr returns a copy of e in which f replaced what it returns
// non-nil for. f sees e, its arguments, operands and CASE branches, and
// theirs, but not what lies inside a replaced expression, nor FILTER,
// ORDER BY, OVER or subqueries.
func rewriteExpr(e *Expr, f func(*Expr) *Expr) *Expr {
	if e == nil {
		return nil
	}
	if r := f(e); r != nil {
		return r
	}
	re := func(x *Expr) *Expr { return rewriteExpr(x, f) }
	c := *e
	c.Children = nil
	for _, ch := range e.Children {
		c.Children = append(c.Children, re(ch))
	}
	c.Left, c.Right, c.Child = re(e.Left), re(e.Right), re(e.Child)
	c.Input, c.Lower, c.Upper = re(e.Input), re(e.Lower), re(e.Upper)
	c.ElseExpr = re(e.ElseExpr)
	c.CaseChecks = nil
	for _, cc := range e.CaseChecks {
		c.CaseChecks = append(c.CaseChecks, CaseCheck{When: re(cc.When), Then: re(cc.Then)})
	}
	return &c
}

func (p *printer) modifiers(n *QueryNode, mods []*Modifier, outer bool) {
	for _, m := range mods {
		switch m.Type {
		case "ORDER_MODIFIER":
			p.w("\nORDER BY ")
			if len(m.Orders) == 1 && m.Orders[0].Expr != nil && m.Orders[0].Expr.Class == "STAR" && m.Orders[0].Expr.Columns && m.Orders[0].Expr.Expr == nil {
				p.orderAll(n, m.Orders[0])
				continue
			}
			p.orders(m.Orders)
		case "LIMIT_MODIFIER":
			if m.Limit != nil {
				p.w("\nLIMIT ")
				p.expr(m.Limit)
			}
			if m.Offset != nil {
				p.w("\nOFFSET ")
				p.expr(m.Offset)
			}
		case "DISTINCT_MODIFIER":
			// printed with SELECT
		case "LIMIT_PERCENT_MODIFIER":
			p.fail("LIMIT … PERCENT", NoLocation, "")
		default:
			p.fail(m.Type, NoLocation, "")
		}
	}
	_ = outer
}

func (p *printer) orderAll(n *QueryNode, o *OrderBy) {
	if !p.pg() {
		p.w("ALL")
		p.orderSuffix(o)
		return
	}
	names := p.a.OutputNames[n]
	if len(names) == 0 {
		p.fail("ORDER BY ALL", o.Expr.Location, "list the columns; kiln could not work out the query's columns")
		return
	}
	for i := range names {
		if i > 0 {
			p.w(", ")
		}
		p.w(strconv.Itoa(i + 1))
		p.orderSuffix(o)
	}
}

func (p *printer) orders(os []*OrderBy) {
	for i, o := range os {
		if i > 0 {
			p.w(", ")
		}
		p.expr(o.Expr)
		p.orderSuffix(o)
	}
}

func (p *printer) orderSuffix(o *OrderBy) {
	switch o.Type {
	case "ASCENDING":
		p.w(" ASC")
	case "DESCENDING":
		p.w(" DESC")
	}
	switch o.NullOrder {
	case "NULLS FIRST", "NULLS_FIRST":
		p.w(" NULLS FIRST")
	case "NULLS LAST", "NULLS_LAST":
		p.w(" NULLS LAST")
	default:
		// DuckDB sorts NULLs last in both directions; PostgreSQL puts
		// them first when descending.
		if p.pg() && o.Type == "DESCENDING" {
			p.w(" NULLS LAST")
		}
	}
}

// ------------------------------------------------------------------- FROM

// from prints FROM t; it returns the conditions that SEMI and ANTI JOINs
// of t leave to WHERE.
func (p *printer) from(t *TableRef) []func() {
	if t == nil || t.Type == "EMPTY" {
		return nil
	}
	p.w("\nFROM ")
	unnamed, spine, exists := p.unnamed, p.spine, p.exists
	p.unnamed, p.spine, p.exists = 0, true, nil
	p.tableRef(t, false)
	semi := p.exists
	p.unnamed, p.spine, p.exists = unnamed, spine, exists
	return semi
}

func (p *printer) tableRef(t *TableRef, rightOfJoin bool) {
	switch t.Type {
	case "BASE_TABLE":
		var parts []string
		for _, s := range []string{t.Catalog, t.Schema, t.Table} {
			if s != "" {
				parts = append(parts, p.tableIdent(s))
			}
		}
		p.w(strings.Join(parts, "."))
		p.alias(t)
	case "JOIN":
		p.join(t)
	case "SUBQUERY":
		alias := t.Alias
		if alias == "" {
			p.unnamed++
		}
		if v := valuesOnly(t.Subquery); v != nil {
			// SELECT * FROM (VALUES …) is how the parser writes VALUES.
			if alias == "" {
				alias = v.Alias
			}
			if alias == "" {
				alias = unnamedSubquery(p.unnamed)
			}
			cols := t.ColumnAliases
			if len(cols) == 0 {
				cols = v.ColumnAliases
			}
			p.tableRef(&TableRef{Type: "EXPRESSION_LIST", Alias: alias, ColumnAliases: cols, Values: v.Values, Location: t.Location}, rightOfJoin)
			return
		}
		if p.pg() && rightOfJoin {
			// DuckDB finds correlation on its own; PostgreSQL needs LATERAL.
			p.w("LATERAL ")
		}
		p.w("(\n")
		if t.Subquery != nil {
			p.query(t.Subquery.Node, false)
		}
		p.w("\n)")
		if alias == "" && p.pg() {
			// PostgreSQL needs a name; give it DuckDB's, which a * may
			// have been expanded with.
			p.w(" AS ", p.ident(unnamedSubquery(p.unnamed)))
			if len(t.ColumnAliases) > 0 {
				p.w("(", p.idents(t.ColumnAliases), ")")
			}
			return
		}
		p.alias(t)
	case "TABLE_FUNCTION":
		p.tableFunction(t)
	case "PIVOT":
		p.pivot(t, rightOfJoin)
	case "EXPRESSION_LIST":
		if p.pg() && rightOfJoin {
			// VALUES may name the columns of the relations before it.
			p.w("LATERAL ")
		}
		p.w("(VALUES ")
		for i, row := range t.Values {
			if i > 0 {
				p.w(", ")
			}
			p.w("(")
			p.exprList(row)
			p.w(")")
		}
		p.w(")")
		alias := t.Alias
		if alias == "" {
			alias = "valueslist"
		}
		p.w(" AS ", p.ident(alias))
		cols := t.ColumnAliases
		if len(cols) == 0 && len(t.Values) > 0 {
			for i := range t.Values[0] {
				cols = append(cols, "col"+strconv.Itoa(i))
			}
		}
		p.w("(", p.idents(cols), ")")
	default:
		p.fail(strings.ToLower(strings.ReplaceAll(t.Type, "_", " ")), t.Location, "")
	}
	if t.Sample != nil {
		p.fail("TABLESAMPLE", t.Location, "")
	}
}

func (p *printer) alias(t *TableRef) {
	if t.Alias != "" {
		p.w(" AS ", p.ident(t.Alias))
	}
	if len(t.ColumnAliases) > 0 {
		if t.Alias == "" {
			name := t.Table
			if name == "" {
				name = p.gen("t")
			}
			p.w(" AS ", p.ident(name))
		}
		p.w("(", p.idents(t.ColumnAliases), ")")
	}
}

func (p *printer) join(t *TableRef) {
	if p.pg() && t.RefType != "ASOF" && (t.JoinType == "SEMI" || t.JoinType == "ANTI") {
		p.semiJoin(t)
		return
	}
	// A SEMI or ANTI JOIN can become a condition of WHERE while the rows
	// of the left side are neither added to nor kept by the joins above it.
	spine := p.spine
	p.spine = spine && (t.RefType == "CROSS" || t.RefType == "REGULAR" || t.RefType == "") && (t.JoinType == "INNER" || t.JoinType == "LEFT" || t.JoinType == "")
	p.tableRef(t.Left, false)
	p.spine = false
	defer func() { p.spine = spine }()
	if p.pg() && t.RefType == "ASOF" {
		p.asofJoin(t)
		return
	}
	kind := ""
	switch t.RefType {
	case "CROSS":
		kind = "CROSS JOIN"
	case "NATURAL":
		kind = "NATURAL " + joinKind(t.JoinType)
	case "POSITIONAL":
		kind = "POSITIONAL JOIN"
		if p.pg() {
			p.fail("POSITIONAL JOIN", t.Location, "join on a row_number() computed on both sides")
		}
	case "ASOF":
		kind = "ASOF " + joinKind(t.JoinType)
	default:
		kind = joinKind(t.JoinType)
	}
	p.w("\n", kind, " ")
	p.tableRef(t.Right, true)
	if t.Condition != nil {
		p.w(" ON ")
		p.expr(t.Condition)
	} else if len(t.UsingColumns) > 0 {
		p.w(" USING (", p.idents(t.UsingColumns), ")")
	} else if p.pg() && t.RefType != "CROSS" && t.RefType != "NATURAL" {
		p.w(" ON TRUE")
	}
}

// semiJoin prints the left side of a SEMI or ANTI JOIN and leaves the
// join to WHERE, as [NOT] EXISTS (SELECT 1 FROM right WHERE condition).
func (p *printer) semiJoin(t *TableRef) {
	if !p.spine || t.Condition == nil {
		p.fail(t.JoinType+" JOIN", t.Location, "kiln carries over a SEMI or ANTI JOIN … ON whose rows no RIGHT or FULL JOIN adds to; or write WHERE [NOT] EXISTS (…)")
		return
	}
	p.tableRef(t.Left, false)
	p.exists = append(p.exists, func() {
		if t.JoinType == "ANTI" {
			p.w("NOT ")
		}
		p.w("EXISTS (\nSELECT 1")
		p.where(t.Condition, p.from(t.Right))
		p.w("\n)")
	})
}

// asofJoin prints an ASOF JOIN as a lateral subquery that picks the one
// nearest row of the right side: ASOF JOIN r ON a.k = r.k AND a.t >= r.t
// becomes JOIN LATERAL (SELECT * FROM r WHERE … ORDER BY r.t DESC LIMIT 1).
func (p *printer) asofJoin(t *TableRef) {
	r := t.Right
	alias := r.Alias
	if alias == "" && r.Type == "BASE_TABLE" {
		alias = r.Table
	}
	var key *Expr
	desc := false
	var walk func(e *Expr) bool
	walk = func(e *Expr) bool {
		switch {
		case e == nil:
			return false
		case e.Class == "CONJUNCTION" && e.Type == "CONJUNCTION_AND":
			for _, c := range e.Children {
				if !walk(c) {
					return false
				}
			}
			return true
		case e.Class != "COMPARISON":
			return false
		}
		l, rr := refersTo(e.Left, alias), refersTo(e.Right, alias)
		if l == rr { // each side must name exactly one of the two
			return false
		}
		switch e.Type {
		case "COMPARE_EQUAL":
			return true
		case "COMPARE_GREATERTHANOREQUALTO", "COMPARE_GREATERTHAN", "COMPARE_LESSTHANOREQUALTO", "COMPARE_LESSTHAN":
			if key != nil {
				return false
			}
			greater := e.Type == "COMPARE_GREATERTHANOREQUALTO" || e.Type == "COMPARE_GREATERTHAN"
			if rr {
				key, desc = e.Right, greater
			} else {
				key, desc = e.Left, !greater
			}
			return true
		}
		return false
	}
	if alias == "" || t.Condition == nil || r.Type != "BASE_TABLE" && r.Type != "SUBQUERY" || !walk(t.Condition) || key == nil {
		p.fail("ASOF JOIN", t.Location, "kiln carries over ASOF JOIN r ON equalities AND one inequality, each side naming the relations by alias; or use a lateral subquery with ORDER BY … LIMIT 1")
		return
	}
	kind := "CROSS JOIN"
	if t.JoinType == "LEFT" {
		kind = "LEFT JOIN"
	}
	p.w("\n", kind, " LATERAL (\nSELECT *")
	p.from(r)
	p.w("\nWHERE ")
	p.expr(t.Condition)
	p.w("\nORDER BY ")
	p.expr(key)
	p.w(map[bool]string{true: " DESC", false: " ASC"}[desc], "\nLIMIT 1\n) AS ", p.ident(alias))
	if kind == "LEFT JOIN" {
		p.w(" ON TRUE")
	}
}

// refersTo says whether e names a column of the relation alias (and only
// by qualified names).
func refersTo(e *Expr, alias string) bool {
	found := false
	walkExpr(e, func(x *Expr) bool {
		if x.Class == "COLUMN_REF" && len(x.ColumnNames) > 1 && strings.EqualFold(x.ColumnNames[0], alias) {
			found = true
		}
		return !found && x.Class != "SUBQUERY"
	})
	return found
}

func joinKind(t string) string {
	switch t {
	case "LEFT":
		return "LEFT JOIN"
	case "RIGHT":
		return "RIGHT JOIN"
	case "OUTER", "FULL":
		return "FULL OUTER JOIN"
	case "SEMI":
		return "SEMI JOIN"
	case "ANTI":
		return "ANTI JOIN"
	}
	return "JOIN"
}

func (p *printer) tableFunction(t *TableRef) {
	f := t.Function
	if f == nil {
		p.fail("table function", t.Location, "")
		return
	}
	name := strings.ToLower(f.FunctionName)
	alias := t.Alias
	cols := t.ColumnAliases
	if p.pg() {
		switch name {
		case "range", "generate_series":
			// DuckDB's range excludes its end, generate_series includes it;
			// the column is named after the function.
			p.series(name, f.Children, f.Location)
			if alias == "" {
				alias = name
			}
			if len(cols) == 0 {
				cols = []string{name}
			}
		case "unnest":
			p.expr(f)
			if alias == "" {
				alias = "unnest"
			}
			if len(cols) == 0 {
				cols = []string{"unnest"}
			}
		default:
			p.fail("table function "+f.FunctionName, f.Location, "")
			return
		}
	} else {
		p.expr(f)
	}
	if t.WithOrdinality == "WITH_ORDINALITY" {
		p.w(" WITH ORDINALITY")
	}
	if alias != "" {
		p.w(" AS ", p.ident(alias))
	}
	if len(cols) > 0 {
		p.w("(", p.idents(cols), ")")
	}
}

// series prints PostgreSQL's generate_series for DuckDB's range or
// generate_series with args: range leaves out its end, and a series
// between dates is one of timestamps.
func (p *printer) series(fn string, args []*Expr, loc uint64) {
	if len(args) == 0 || len(args) > 3 {
		p.fail(fn+" with these arguments", loc, "")
		return
	}
	p.w("generate_series(")
	if len(args) == 1 {
		p.w("0, ")
		p.rangeEnd(fn, args[0], nil)
	} else {
		var step *Expr
		if len(args) == 3 {
			step = args[2]
		}
		p.seriesBound(args[0])
		p.w(", ")
		p.rangeEnd(fn, args[1], step)
		if step != nil {
			p.w(", ")
			p.expr(step)
		}
	}
	p.w(")")
}

// seriesBound prints a bound of a series: PostgreSQL would make a series
// between dates one of timestamptz, DuckDB makes one of timestamps.
func (p *printer) seriesBound(e *Expr) {
	if p.typeOf(e) != "DATE" {
		p.expr(e)
		return
	}
	p.w("CAST(")
	p.expr(e)
	p.w(" AS timestamp)")
}

// rangeEnd prints the end of a series: generate_series includes it, so
// DuckDB's range (which does not) ends one step earlier, or for a series
// of timestamps one microsecond before it.
func (p *printer) rangeEnd(fn string, end, step *Expr) {
	if fn != "range" {
		p.seriesBound(end)
		return
	}
	if step != nil && isInterval(p.typeOf(step)) {
		sign := intervalSign(step)
		if sign == 0 {
			p.fail("range with an interval step of unknown sign", step.Location, "use generate_series, which includes its end")
			return
		}
		p.w("(")
		p.seriesBound(end)
		p.w(map[bool]string{true: " - ", false: " + "}[sign > 0], "interval '1 microsecond')")
		return
	}
	if step != nil && !isIntLiteral(step) {
		p.fail("range with a non-constant step", step.Location, "use generate_series, which includes its end")
		return
	}
	if step != nil && strings.HasPrefix(step.Value.Text(), "-") {
		p.w("(")
		p.expr(end)
		p.w(" + 1)")
		return
	}
	p.w("(")
	p.expr(end)
	p.w(" - 1)")
}

// intervalSign is 1 for a constant interval that moves forward, -1 for one
// that moves back and 0 when that is not clear.
func intervalSign(e *Expr) int {
	var text string
	switch {
	case e.Class == "FUNCTION" && len(e.Children) == 1 && intervalUnits[strings.ToLower(e.FunctionName)][0] != "":
		n, ok := intervalConstant(e.Children[0])
		if !ok {
			return 0
		}
		text = n
	case e.Class == "CAST" && e.Child != nil && e.Child.Class == "CONSTANT" && e.Child.Value != nil && e.Child.Value.Type.ID == "VARCHAR":
		text = e.Child.Value.Text()
	case e.Class == "CONSTANT" && e.Value != nil && e.Value.Type.ID == "VARCHAR":
		text = e.Value.Text()
	default:
		return 0
	}
	switch {
	case strings.Contains(text, "ago"), strings.Trim(text, " 0") == "":
		return 0
	case strings.HasPrefix(strings.TrimSpace(text), "-") && !strings.Contains(text[strings.Index(text, "-")+1:], "-"):
		return -1
	case strings.Contains(text, "-"):
		return 0
	}
	return 1
}

func isIntLiteral(e *Expr) bool {
	if e == nil || e.Class != "CONSTANT" || e.Value == nil {
		return false
	}
	switch e.Value.Type.ID {
	case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT":
		return true
	}
	return false
}

// ------------------------------------------------------------ identifiers

var plainIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// ident quotes a column or alias name when the dialect needs it. For
// PostgreSQL names are folded to lower case: DuckDB resolves names without
// regard to case, PostgreSQL folds unquoted ones, and kiln's own DDL
// creates lower-case names.
func (p *printer) ident(s string) string {
	if p.pg() {
		s = strings.ToLower(s)
	}
	if plainIdent.MatchString(s) && !reserved[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// tableIdent quotes a relation name part, keeping its case.
func (p *printer) tableIdent(s string) string {
	if plainIdent.MatchString(s) && !reserved[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (p *printer) idents(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p.ident(s)
	}
	return strings.Join(out, ", ")
}

func (p *printer) qualified(parts []string) string {
	out := make([]string, len(parts))
	for i, s := range parts {
		out[i] = p.ident(s)
	}
	return strings.Join(out, ".")
}

// reserved are words that must be quoted as names in DuckDB or PostgreSQL.
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast check collate column
constraint create current_catalog current_date current_role current_time current_timestamp current_user
default deferrable desc distinct do else end except false fetch for foreign from grant group having in
initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order
placing primary references returning select session_user some symmetric table then to trailing true union
unique user using variadic when where window with authorization binary collation concurrently cross
current_schema freeze full ilike inner is isnull join left like natural notnull outer overlaps right similar
tablesample verbose qualify pivot unpivot anti semi asof positional lambda struct map summarize describe
show glob between`) {
		m[w] = true
	}
	return m
}()

func (p *printer) exprList(es []*Expr) {
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e)
	}
}

// ------------------------------------------------------------ expressions

func (p *printer) expr(e *Expr) {
	if e == nil {
		p.w("NULL")
		return
	}
	if p.pg() {
		if sub, ok := p.a.AliasRefs[e]; ok {
			p.w("(")
			p.expr(sub)
			p.w(")")
			return
		}
	}
	switch e.Class {
	case "COLUMN_REF":
		if len(e.ColumnNames) == 1 && isKeywordValue(e.ColumnNames[0]) && e.ColumnNames[0] != "rowid" {
			p.w(strings.ToLower(e.ColumnNames[0]))
			return
		}
		p.w(p.qualified(e.ColumnNames))
	case "CONSTANT":
		p.constant(e)
	case "FUNCTION":
		p.function(e)
	case "CAST":
		p.cast(e)
	case "OPERATOR":
		p.operator(e)
	case "COMPARISON":
		op, ok := comparisonOps[e.Type]
		if !ok {
			p.fail("comparison "+e.Type, e.Location, "")
		}
		p.w("(")
		p.expr(e.Left)
		p.w(" ", op, " ")
		p.expr(e.Right)
		p.w(")")
	case "CONJUNCTION":
		op := " AND "
		if e.Type == "CONJUNCTION_OR" {
			op = " OR "
		}
		p.w("(")
		for i, c := range e.Children {
			if i > 0 {
				p.w(op)
			}
			p.expr(c)
		}
		p.w(")")
	case "CASE":
		p.w("CASE")
		for _, c := range e.CaseChecks {
			p.w(" WHEN ")
			p.expr(c.When)
			p.w(" THEN ")
			p.expr(c.Then)
		}
		if e.ElseExpr != nil && !(e.ElseExpr.Class == "CONSTANT" && e.ElseExpr.Value != nil && e.ElseExpr.Value.IsNull) {
			p.w(" ELSE ")
			p.expr(e.ElseExpr)
		}
		p.w(" END")
	case "BETWEEN":
		p.w("(")
		p.expr(e.Input)
		p.w(" BETWEEN ")
		p.expr(e.Lower)
		p.w(" AND ")
		p.expr(e.Upper)
		p.w(")")
	case "WINDOW":
		p.window(e)
	case "SUBQUERY":
		p.subquery(e)
	case "STAR":
		if e.Columns && !p.pg() {
			p.star(e)
			return
		}
		if p.pg() && (e.Columns || len(e.Excludes()) > 0 || len(e.ReplaceList) > 0) {
			p.fail("* in an expression", e.Location, "")
			return
		}
		p.star(e)
	case "LAMBDA":
		if p.pg() {
			p.fail("lambda function", e.Location, "PostgreSQL has no lambdas; use a subquery over unnest(…)")
			return
		}
		p.infix(e.LHS, " -> ", e.Expr)
	case "COLLATE":
		if p.pg() {
			p.fail("COLLATE "+e.Collation, e.Location, "compare lower(…) values instead")
			return
		}
		p.w("(")
		p.expr(e.Child)
		p.w(" COLLATE ", e.Collation, ")")
	case "PARAMETER":
		if e.Identifier != "" && e.Identifier[0] >= '0' && e.Identifier[0] <= '9' {
			p.w("$", e.Identifier)
		} else if e.Identifier != "" {
			p.w("$", e.Identifier)
		} else {
			p.w("?")
		}
	case "POSITIONAL_REFERENCE":
		if p.pg() {
			p.fail("positional reference #"+strconv.Itoa(e.Index), e.Location, "name the column")
			return
		}
		p.w("#", strconv.Itoa(e.Index))
	default:
		p.fail("expression "+e.Class, e.Location, "")
	}
}

var comparisonOps = map[string]string{
	"COMPARE_EQUAL": "=", "COMPARE_NOTEQUAL": "<>", "COMPARE_LESSTHAN": "<", "COMPARE_GREATERTHAN": ">",
	"COMPARE_LESSTHANOREQUALTO": "<=", "COMPARE_GREATERTHANOREQUALTO": ">=",
	"COMPARE_DISTINCT_FROM": "IS DISTINCT FROM", "COMPARE_NOT_DISTINCT_FROM": "IS NOT DISTINCT FROM",
}

func (p *printer) constant(e *Expr) {
	v := e.Value
	if v == nil || v.IsNull {
		p.w("NULL")
		return
	}
	switch v.Type.ID {
	case "VARCHAR":
		p.w(quoteString(v.Text()))
	case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT":
		p.w(v.Text())
	case "HUGEINT", "UHUGEINT":
		if p.pg() {
			p.w("CAST(", v.Text(), " AS numeric(38, 0))")
			return
		}
		p.w(v.Text())
	case "DECIMAL":
		p.w(v.Text())
	case "DOUBLE", "FLOAT":
		f, err := strconv.ParseFloat(string(v.Raw), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			p.fail("floating-point constant "+string(v.Raw), e.Location, "")
			return
		}
		s := strconv.FormatFloat(f, 'e', -1, 64)
		if p.pg() {
			p.w("CAST(", s, " AS double precision)")
			return
		}
		p.w(s)
	case "BOOLEAN":
		if string(v.Raw) == "true" {
			p.w("TRUE")
		} else {
			p.w("FALSE")
		}
	case "NULL":
		p.w("NULL")
	default:
		if len(v.Raw) > 0 && v.Raw[0] == '"' {
			p.w("CAST(", quoteString(v.Text()), " AS ", p.typeName(&v.Type, e.Location), ")")
			return
		}
		p.fail("constant of type "+v.Type.ID, e.Location, "")
	}
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (p *printer) cast(e *Expr) {
	// The parser writes TRUE and FALSE as CAST('t' AS BOOLEAN).
	if e.CastType != nil && e.CastType.ID == "BOOLEAN" && e.Location == NoLocation && e.Child != nil && e.Child.Class == "CONSTANT" && e.Child.Value != nil && e.Child.Value.Type.ID == "VARCHAR" {
		switch e.Child.Value.Text() {
		case "t":
			p.w("TRUE")
			return
		case "f":
			p.w("FALSE")
			return
		}
	}
	switch {
	case e.TryCast && p.pg() && !castCannotFail(p.typeOf(e.Child), e.CastType):
		p.fail("TRY_CAST", e.Location, "PostgreSQL has no TRY_CAST; filter or validate the value with a CASE before CAST")
		return
	case e.TryCast && !p.pg():
		p.w("TRY_CAST(")
	case p.pg() && e.CastType != nil && e.CastType.ID == "VARCHAR" && isInterval(p.typeOf(e.Child)):
		p.fail("CAST of an INTERVAL to VARCHAR", e.Location, "DuckDB writes 1 month where PostgreSQL writes 1 mon; format the parts with extract(…)")
		return
	case p.pg() && e.CastType != nil && e.CastType.ID == "VARCHAR" && isFloat(p.typeOf(e.Child)):
		p.text(e.Child)
		return
	case p.pg() && e.CastType != nil && e.CastType.ID == "DECIMAL" && isFloat(p.typeOf(e.Child)):
		w, s := 18, 3
		if e.CastType.TypeInfo != nil {
			w, s = e.CastType.TypeInfo.Width, e.CastType.TypeInfo.Scale
		}
		p.doubleToDecimal(e.Child, w, s)
		return
	default:
		p.w("CAST(")
	}
	p.expr(e.Child)
	p.w(" AS ", p.typeName(e.CastType, e.Location), ")")
}

// castCannotFail says whether DuckDB's CAST of a value of type from to
// type to always succeeds, so that its TRY_CAST is a CAST.
func castCannotFail(from string, to *LogicalType) bool {
	if to == nil {
		return false
	}
	rank := map[string]int{"TINYINT": 1, "SMALLINT": 2, "INTEGER": 3, "BIGINT": 4, "HUGEINT": 5}
	switch {
	case to.ID == "VARCHAR":
		return true
	case from == "" || from == "DECIMAL" || to.ID == "DECIMAL":
		return false
	case from == to.ID:
		return true
	case rank[from] > 0 && rank[to.ID] >= rank[from]:
		return true
	case rank[from] > 0 && rank[from] < 5 && to.ID == "DOUBLE":
		return true
	case from == "DATE" && to.ID == "TIMESTAMP", from == "FLOAT" && to.ID == "DOUBLE":
		return true
	}
	return false
}

// typeName prints a type for the dialect.
func (p *printer) typeName(t *LogicalType, loc uint64) string {
	if t == nil {
		return "NULL"
	}
	if !p.pg() {
		return duckType(t)
	}
	switch t.ID {
	case "BOOLEAN":
		return "boolean"
	case "TINYINT", "SMALLINT", "UTINYINT":
		return "smallint"
	case "INTEGER", "USMALLINT":
		return "integer"
	case "BIGINT", "UINTEGER":
		return "bigint"
	case "HUGEINT", "UBIGINT", "UHUGEINT":
		return "numeric(38, 0)"
	case "FLOAT":
		return "real"
	case "DOUBLE":
		return "double precision"
	case "DECIMAL":
		w, s := 18, 3
		if t.TypeInfo != nil {
			w, s = t.TypeInfo.Width, t.TypeInfo.Scale
		}
		return fmt.Sprintf("numeric(%d, %d)", w, s)
	case "VARCHAR":
		return "text"
	case "DATE":
		return "date"
	case "TIME":
		return "time"
	case "TIMESTAMP":
		return "timestamp"
	case "TIMESTAMP_S":
		return "timestamp(0)"
	case "TIMESTAMP_MS":
		return "timestamp(3)"
	case "TIMESTAMP_NS":
		return "timestamp"
	case "TIMESTAMP WITH TIME ZONE":
		return "timestamptz"
	case "TIME WITH TIME ZONE":
		return "timetz"
	case "INTERVAL":
		return "interval"
	case "BLOB":
		return "bytea"
	case "UUID":
		return "uuid"
	case "LIST":
		if t.TypeInfo != nil && t.TypeInfo.ChildType != nil {
			return p.typeName(t.TypeInfo.ChildType, loc) + "[]"
		}
	case "USER", "UNBOUND":
		if name := userTypeName(t); strings.EqualFold(name, "json") {
			return "json"
		} else if name != "" {
			p.fail("type "+name, loc, "")
			return name
		}
	}
	p.fail("type "+duckType(t), loc, "")
	return duckType(t)
}

// duckType prints a type as DuckDB spells it.
func duckType(t *LogicalType) string {
	switch t.ID {
	case "DECIMAL":
		if t.TypeInfo != nil {
			return fmt.Sprintf("DECIMAL(%d, %d)", t.TypeInfo.Width, t.TypeInfo.Scale)
		}
	case "LIST":
		if t.TypeInfo != nil && t.TypeInfo.ChildType != nil {
			return duckType(t.TypeInfo.ChildType) + "[]"
		}
	case "ARRAY":
		if t.TypeInfo != nil && t.TypeInfo.ChildType != nil {
			return fmt.Sprintf("%s[%d]", duckType(t.TypeInfo.ChildType), t.TypeInfo.Size)
		}
	case "STRUCT":
		if t.TypeInfo != nil {
			var fs []string
			for _, c := range t.TypeInfo.ChildTypes {
				fs = append(fs, identDuck(c.First)+" "+duckType(c.Second))
			}
			return "STRUCT(" + strings.Join(fs, ", ") + ")"
		}
	case "MAP":
		if t.TypeInfo != nil && t.TypeInfo.ChildType != nil && t.TypeInfo.ChildType.TypeInfo != nil && len(t.TypeInfo.ChildType.TypeInfo.ChildTypes) == 2 {
			c := t.TypeInfo.ChildType.TypeInfo.ChildTypes
			return "MAP(" + duckType(c[0].Second) + ", " + duckType(c[1].Second) + ")"
		}
	case "USER", "UNBOUND":
		if name := userTypeName(t); name != "" {
			return name
		}
	}
	return t.ID
}

// userTypeName is the name of a type DuckDB's parser does not know itself
// (JSON, a user's type); "" for another type.
func userTypeName(t *LogicalType) string {
	if t.TypeInfo == nil || t.ID != "USER" && t.ID != "UNBOUND" {
		return ""
	}
	if t.TypeInfo.UserTypeName != "" {
		return t.TypeInfo.UserTypeName
	}
	return t.TypeInfo.Name
}

func identDuck(s string) string {
	if plainIdent.MatchString(s) && !reserved[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (p *printer) operator(e *Expr) {
	c := e.Children
	switch e.Type {
	case "OPERATOR_NOT":
		p.w("(NOT ")
		p.expr(first(c))
		p.w(")")
	case "OPERATOR_IS_NULL":
		p.w("(")
		p.expr(first(c))
		p.w(" IS NULL)")
	case "OPERATOR_IS_NOT_NULL":
		p.w("(")
		p.expr(first(c))
		p.w(" IS NOT NULL)")
	case "COMPARE_IN", "COMPARE_NOT_IN":
		p.w("(")
		p.compared(first(c))
		if e.Type == "COMPARE_NOT_IN" {
			p.w(" NOT")
		}
		p.w(" IN (")
		if len(c) > 1 {
			p.exprList(c[1:])
		}
		p.w("))")
	case "OPERATOR_COALESCE":
		p.w("coalesce(")
		p.exprList(c)
		p.w(")")
	case "ARRAY_EXTRACT":
		if len(c) != 2 {
			p.fail("subscript", e.Location, "")
			return
		}
		if p.pg() && c[1].Class == "CONSTANT" && c[1].Value != nil && c[1].Value.Type.ID == "VARCHAR" {
			p.fail("struct field access", e.Location, "")
			return
		}
		if p.pg() && negativeConst(c[1]) {
			p.fail("a negative subscript (DuckDB counts it from the end, PostgreSQL gives NULL)", e.Location, "index from the start, e.g. with len(list)")
			return
		}
		p.w("(")
		p.expr(c[0])
		p.w(")[")
		p.expr(c[1])
		p.w("]")
	case "ARRAY_SLICE":
		if len(c) < 3 {
			p.fail("slice", e.Location, "")
			return
		}
		p.w("(")
		p.expr(c[0])
		p.w(")[")
		p.expr(c[1])
		p.w(":")
		p.expr(c[2])
		p.w("]")
	case "STRUCT_EXTRACT":
		if p.pg() {
			p.fail("struct field access", e.Location, "")
			return
		}
		if len(c) == 2 && c[1].Class == "CONSTANT" {
			p.w("(")
			p.expr(c[0])
			p.w(").", identDuck(c[1].Value.Text()))
			return
		}
		p.fail("struct extract", e.Location, "")
	case "ARRAY_CONSTRUCTOR":
		p.w("ARRAY[")
		p.exprList(c)
		p.w("]")
	case "GROUPING_FUNCTION":
		p.w("grouping(")
		p.exprList(c)
		p.w(")")
	default:
		p.fail("operator "+e.Type, e.Location, "")
	}
}

// compared prints an operand of IN or ANY, where (a, b) is a row value
// in both dialects.
func (p *printer) compared(e *Expr) {
	if e != nil && e.Class == "FUNCTION" && strings.EqualFold(e.FunctionName, "row") && !e.IsOperator && p.pg() {
		p.w("ROW(")
		p.exprList(e.Children)
		p.w(")")
		return
	}
	p.expr(e)
}

func first(es []*Expr) *Expr {
	if len(es) == 0 {
		return nil
	}
	return es[0]
}

func (p *printer) subquery(e *Expr) {
	q := func() {
		p.w("(\n")
		if e.Subquery != nil {
			p.query(e.Subquery.Node, false)
		}
		p.w("\n)")
	}
	switch e.SubqueryType {
	case "SCALAR":
		q()
	case "EXISTS":
		p.w("EXISTS ")
		q()
	case "NOT_EXISTS":
		p.w("NOT EXISTS ")
		q()
	case "ANY":
		p.w("(")
		p.compared(e.Child)
		if e.ComparisonType == "COMPARE_EQUAL" {
			p.w(" IN ")
		} else {
			op, ok := comparisonOps[e.ComparisonType]
			if !ok {
				p.fail("subquery comparison", e.Location, "")
			}
			p.w(" ", op, " ANY ")
		}
		q()
		p.w(")")
	default:
		p.fail("subquery "+e.SubqueryType, e.Location, "")
	}
}

func (p *printer) window(e *Expr) {
	args := slices.Clone(e.Children)
	if e.OffsetExpr != nil {
		args = append(args, e.OffsetExpr)
	}
	if e.DefaultExpr != nil {
		if e.OffsetExpr == nil {
			args = append(args, &Expr{Class: "CONSTANT", Value: &Value{Type: LogicalType{ID: "INTEGER"}, Raw: []byte("1")}})
		}
		args = append(args, e.DefaultExpr)
	}
	if e.IgnoreNulls && p.pg() {
		p.fail("IGNORE NULLS", e.Location, "")
	}
	if e.Type == "WINDOW_AGGREGATE" && p.pg() {
		switch {
		case e.Distinct:
			p.fail(strings.ToLower(e.FunctionName)+"(DISTINCT …) OVER", e.Location, "PostgreSQL has no DISTINCT in window aggregates; aggregate in a subquery and join it back")
			return
		case len(e.ArgOrders) > 0:
			p.fail(strings.ToLower(e.FunctionName)+"(… ORDER BY …) OVER", e.Location, "PostgreSQL has no ORDER BY in the arguments of window aggregates")
			return
		}
	}
	if e.Type == "WINDOW_AGGREGATE" {
		f := &Expr{Class: "FUNCTION", Type: "FUNCTION", FunctionName: e.FunctionName, Children: args, Distinct: e.Distinct,
			Filter: e.FilterExpr, OrderBys: Modifier{Orders: e.ArgOrders}, Location: e.Location}
		p.over = func() { p.overClause(e) }
		p.function(f)
		p.over = nil
		return
	}
	{
		p.w(e.FunctionName, "(")
		if e.Distinct {
			p.w("DISTINCT ")
		}
		p.exprList(args)
		if len(e.ArgOrders) > 0 {
			p.w(" ORDER BY ")
			p.orders(e.ArgOrders)
		}
		if e.IgnoreNulls {
			p.w(" IGNORE NULLS")
		}
		p.w(")")
		if e.FilterExpr != nil {
			p.w(" FILTER (WHERE ")
			p.expr(e.FilterExpr)
			p.w(")")
		}
	}
	p.overClause(e)
}

func (p *printer) overClause(e *Expr) {
	p.w(" OVER (")
	sep := ""
	if len(e.Partitions) > 0 {
		p.w("PARTITION BY ")
		p.exprList(e.Partitions)
		sep = " "
	}
	if len(e.Orders) > 0 {
		p.w(sep, "ORDER BY ")
		p.orders(e.Orders)
		sep = " "
	}
	if frame := p.frame(e); frame != "" {
		p.w(sep, frame)
	}
	p.w(")")
}

// frame prints a window frame; "" for the default frame.
func (p *printer) frame(e *Expr) string {
	if (e.Start == "" || e.Start == "UNBOUNDED_PRECEDING") && (e.End == "" || e.End == "CURRENT_ROW_RANGE") && (e.ExcludeClause == "" || e.ExcludeClause == "NO_OTHER") {
		return ""
	}
	mode := "ROWS"
	for _, s := range []string{e.Start, e.End} {
		switch {
		case strings.HasSuffix(s, "_RANGE"):
			mode = "RANGE"
		case strings.HasSuffix(s, "_GROUPS"):
			mode = "GROUPS"
		}
	}
	bound := func(s string, x *Expr) string {
		switch {
		case s == "UNBOUNDED_PRECEDING":
			return "UNBOUNDED PRECEDING"
		case s == "UNBOUNDED_FOLLOWING":
			return "UNBOUNDED FOLLOWING"
		case strings.HasPrefix(s, "CURRENT_ROW"):
			return "CURRENT ROW"
		case strings.HasPrefix(s, "EXPR_PRECEDING"), strings.HasPrefix(s, "EXPR_FOLLOWING"):
			dir := " PRECEDING"
			if strings.HasPrefix(s, "EXPR_FOLLOWING") {
				dir = " FOLLOWING"
			}
			return p.sub(x) + dir
		}
		p.fail("window frame "+s, e.Location, "")
		return ""
	}
	out := mode + " BETWEEN " + bound(e.Start, e.StartExpr) + " AND " + bound(e.End, e.EndExpr)
	switch e.ExcludeClause {
	case "CURRENT_ROW":
		out += " EXCLUDE CURRENT ROW"
	case "GROUP":
		out += " EXCLUDE GROUP"
	case "TIES":
		out += " EXCLUDE TIES"
	}
	return out
}

// hasAggregate says whether e calls an aggregate outside of a window or
// subquery, which is what GROUP BY ALL looks at.
func hasAggregate(e *Expr) bool {
	found := false
	walkExpr(e, func(x *Expr) bool {
		if found || x.Class == "WINDOW" || x.Class == "SUBQUERY" {
			return false
		}
		if x.Class == "FUNCTION" && aggregates[strings.ToLower(x.FunctionName)] {
			found = true
			return false
		}
		return true
	})
	return found
}

// aggregates are DuckDB's aggregate functions that kiln knows of.
var aggregates = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(`count count_star sum avg mean min max any_value arbitrary first last arg_max arg_min argmax argmin max_by min_by
bool_and bool_or every string_agg listagg group_concat list array_agg median mode quantile quantile_cont quantile_disc
stddev stddev_samp stddev_pop variance var_samp var_pop covar_pop covar_samp corr approx_count_distinct count_if countif
sum_no_overflow product bit_and bit_or bit_xor histogram entropy kurtosis skewness regr_slope regr_intercept regr_count
regr_r2 regr_avgx regr_avgy fsum sumkahan kahan_sum favg geomean percentile_cont percentile_disc approx_quantile reservoir_quantile bitstring_agg`) {
		m[f] = true
	}
	return m
}()

// valuesOnly returns the VALUES list of a subquery that is nothing else.
func valuesOnly(s *Statement) *TableRef {
	if s == nil || s.Node == nil {
		return nil
	}
	n := s.Node
	if n.Type != "SELECT_NODE" || len(n.Modifiers) > 0 || len(n.CTEMap.Map) > 0 || n.Where != nil || len(n.GroupExpressions) > 0 ||
		n.Having != nil || n.Qualify != nil || len(n.SelectList) != 1 || n.FromTable == nil || n.FromTable.Type != "EXPRESSION_LIST" {
		return nil
	}
	st := n.SelectList[0]
	if st.Class != "STAR" || st.RelationName != "" || len(st.Excludes()) > 0 || len(st.ReplaceList) > 0 || len(st.RenameList) > 0 || st.Columns {
		return nil
	}
	return n.FromTable
}
