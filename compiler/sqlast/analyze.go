package sqlast

import (
	"slices"
	"sort"
	"strings"
)

// Catalog answers what the analysis needs to know of the relations a
// statement reads.
type Catalog interface {
	// Relation returns the relation schema.name (schema may be empty), or
	// nil when kiln knows no such relation.
	Relation(schema, name string) *Relation
}

// Relation is a relation a statement can read.
type Relation struct {
	// ID names it in kiln's graph (model.p.x, seed.p.x, source.p.s.t).
	ID string
	// Columns are its columns in order; nil when they are not known.
	Columns []Column
}

// Column is a column with its DuckDB type ("" when unknown).
type Column struct {
	Name string
	Type string
}

// ColumnSource is one upstream column feeding an output column.
type ColumnSource struct {
	Relation string `json:"relation"` // the upstream node's id
	Column   string `json:"column"`
}

// OutputColumn is one column of a statement's result.
type OutputColumn struct {
	Name string
	Type string // inferred where easy; binding gives the rest
	// Exact is the type exactly as DuckDB reports it for a table made from
	// the statement (duckdb_columns().data_type), "" when kiln is not
	// certain of it.
	Exact   string
	Sources []ColumnSource
}

// TableRead is a relation named in a FROM clause.
type TableRead struct {
	Catalog, Schema, Name string
	Location              uint64
	// ID is the kiln node it resolves to; "" for a relation kiln does not
	// manage.
	ID string
	// Function is set for a table function that reads outside data
	// (read_csv, read_parquet …); Name is the function's name.
	Function bool
	// Unused is set for a read inside a WITH query that the statement
	// never reads; DuckDB does not bind such a query.
	Unused bool
}

// ColumnProblem is a column reference that no relation in scope provides.
type ColumnProblem struct {
	Name       string // as written, dotted
	Location   uint64
	Candidates []string // the columns that were in scope
}

// Analysis is what Analyze finds out about a statement.
type Analysis struct {
	// Columns are the output columns; ColumnsKnown is false when a * or
	// COLUMNS(…) covers a relation whose columns are unknown, or stands
	// inside an expression (DuckDB expands it into several columns).
	Columns      []OutputColumn
	ColumnsKnown bool
	Reads        []TableRead
	Problems     []ColumnProblem

	// For the printer.
	Stars       map[*Expr][]StarItem
	Types       map[*Expr]string
	AliasRefs   map[*Expr]*Expr
	OutputNames map[*QueryNode][]string
	ItemNames   map[*Expr]string // the output name of each select-list item but *
	// PivotSources are the columns of the source of each PIVOT and
	// UNPIVOT whose columns kiln knows.
	PivotSources map[*TableRef][]string
}

// StarItem is one column a * stands for.
type StarItem struct {
	Qualifier string // the relation's alias in FROM
	Column    string // its name there
	Name      string // its name in the output (RENAME)
	Replace   *Expr  // REPLACE (expr AS name)
}

type col struct {
	name  string
	typ   string
	exact string // DuckDB's type, "" when not certain (see types.go)
	src   []ColumnSource
	// guessed is set when DuckDB may name the column otherwise: an
	// unnamed expression, whose name kiln derives by printing it, or a
	// duplicate name that DuckDB renames (a, a_1). Such a column is not
	// found by its name with certainty, and gives no exact type when it
	// is an output.
	guessed bool
	// merged is set on the column a FULL join merges with the other
	// side's: an unqualified reference to it is named as written.
	merged bool
}

type rel struct {
	alias  string
	cols   []col
	known  bool
	hidden map[string]bool // USING columns shown once by *
}

func (r *rel) find(name string) (col, bool) {
	for _, c := range r.cols {
		if strings.EqualFold(c.name, name) {
			return c, true
		}
	}
	return col{}, false
}

// guessed says whether a column of r may have another name in DuckDB.
func (r *rel) guessed() bool {
	for _, c := range r.cols {
		if c.guessed {
			return true
		}
	}
	return false
}

type scope struct {
	rels    []*rel
	parent  *scope
	aliases map[string]*Expr // select-list aliases, for DuckDB's lateral aliases
	lambda  map[string]bool
	unnamed int // the subqueries without an alias in this FROM clause so far
}

// unnamedSubquery is the name DuckDB gives the nth subquery without an
// alias of a FROM clause: unnamed_subquery, unnamed_subquery2, …
func unnamedSubquery(n int) string {
	if n <= 1 {
		return "unnamed_subquery"
	}
	return "unnamed_subquery" + itoa(n)
}

type cteEnv struct {
	name   string
	rel    *rel
	use    *cteUse
	parent *cteEnv
}

func (e *cteEnv) lookup(name string) *cteEnv {
	for x := e; x != nil; x = x.parent {
		if strings.EqualFold(x.name, name) {
			return x
		}
	}
	return nil
}

// cteUse records what one WITH query reads, to tell the reads of the
// queries the statement uses from those of queries nothing uses.
type cteUse struct {
	used  bool
	ctes  []*cteUse // the WITH queries it reads
	reads []int     // indexes into Analysis.Reads
}

func (u *cteUse) mark() {
	if u.used {
		return
	}
	u.used = true
	for _, c := range u.ctes {
		c.mark()
	}
}

type analyzer struct {
	cat Catalog
	a   *Analysis
	pr  *printer
	// in is the WITH query being analysed, nil in the statement's own
	// body; all lists every WITH query.
	in  *cteUse
	all []*cteUse
	// exact holds the exact type of each column reference and scalar
	// subquery; alias maps a reference to a select-list alias to the
	// expression it names.
	exact map[*Expr]string
	alias map[*Expr]*Expr
	// colName is the name, as its relation spells it, of the column a
	// reference resolved to; DuckDB names an unnamed select-list column
	// reference so.
	colName map[*Expr]string
	// unsure is set when the statement reads a relation whose columns
	// kiln does not know, or names what kiln cannot find: DuckDB may then
	// resolve names otherwise, or not bind the statement at all, so no
	// exact type is certain.
	unsure bool
}

// read records that the statement reads a relation of cat.
func (z *analyzer) read(r TableRead) {
	if z.in != nil {
		z.in.reads = append(z.in.reads, len(z.a.Reads))
	}
	z.a.Reads = append(z.a.Reads, r)
}

// refCTE records that the query being analysed reads the WITH query u.
func (z *analyzer) refCTE(u *cteUse) {
	if z.in == nil {
		u.mark()
	} else {
		z.in.ctes = append(z.in.ctes, u)
	}
}

// Analyze resolves st's names against cat and returns its columns, their
// lineage, the relations it reads and the references nothing provides.
func Analyze(st *Statement, cat Catalog) *Analysis {
	a := &Analysis{Stars: map[*Expr][]StarItem{}, Types: map[*Expr]string{}, AliasRefs: map[*Expr]*Expr{}, OutputNames: map[*QueryNode][]string{}, ItemNames: map[*Expr]string{},
		PivotSources: map[*TableRef][]string{}}
	z := &analyzer{cat: cat, a: a, exact: make(map[*Expr]string, 32), colName: make(map[*Expr]string, 16)}
	z.pr = &printer{d: DuckDB, a: a}
	out := z.node(st.Node, nil, nil)
	for _, u := range z.all {
		if !u.used {
			for _, i := range u.reads {
				a.Reads[i].Unused = true
			}
		}
	}
	a.ColumnsKnown = out.known
	if out.known {
		for _, c := range out.cols {
			exact := finalType(c.exact)
			if z.unsure || len(a.Problems) > 0 || c.guessed {
				exact = ""
			}
			a.Columns = append(a.Columns, OutputColumn{Name: c.name, Type: c.typ, Exact: exact, Sources: sortSources(c.src)})
		}
	}
	sort.SliceStable(a.Reads, func(i, j int) bool { return a.Reads[i].Location < a.Reads[j].Location })
	sort.SliceStable(a.Problems, func(i, j int) bool { return a.Problems[i].Location < a.Problems[j].Location })
	return a
}

func sortSources(s []ColumnSource) []ColumnSource {
	out := slices.Clone(s)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Relation != out[j].Relation {
			return out[i].Relation < out[j].Relation
		}
		return out[i].Column < out[j].Column
	})
	return slices.Compact(out)
}

func (z *analyzer) withCTEs(m CTEMap, env *cteEnv, outer *scope) *cteEnv {
	for _, c := range m.Map {
		if c.Value.Query == nil || c.Value.Query.Node == nil {
			continue
		}
		q := c.Value.Query.Node
		use := &cteUse{}
		z.all = append(z.all, use)
		in := z.in
		z.in = use
		var r *rel
		if q.Type == "RECURSIVE_CTE_NODE" {
			left := z.node(q.Left, env, outer)
			self := renamed(left, c.Key, c.Value.Aliases)
			env2 := &cteEnv{name: c.Key, rel: self, use: use, parent: env}
			right := z.node(q.Right, env2, outer)
			r = mergeSetOp(left, right, false)
			z.a.OutputNames[q] = names(r)
		} else {
			r = z.node(q, env, outer)
		}
		z.in = in
		env = &cteEnv{name: c.Key, rel: renamed(r, c.Key, c.Value.Aliases), use: use, parent: env}
	}
	return env
}

func names(r *rel) []string {
	out := make([]string, len(r.cols))
	for i, c := range r.cols {
		out[i] = c.name
	}
	return out
}

// renamed gives r an alias and, positionally, column aliases.
func renamed(r *rel, alias string, colAliases []string) *rel {
	out := &rel{alias: alias, known: r.known, cols: slices.Clone(r.cols), hidden: r.hidden}
	for i, n := range colAliases {
		if i < len(out.cols) {
			out.cols[i].name = n
			out.cols[i].guessed = false
		}
	}
	markDuplicates(out.cols)
	return out
}

// markDuplicates marks the columns DuckDB renames when a query's result
// becomes a relation: a name met before becomes name_1 (or name_2 …,
// whichever is free), and a later name like name_1 may then clash too.
func markDuplicates(cols []col) {
	var seen map[string]bool
	renaming := false
	for i := range cols {
		k := strings.ToLower(cols[i].name)
		switch {
		case seen[k]:
			cols[i].guessed, renaming = true, true
		case renaming && numberedName(k):
			cols[i].guessed = true
		}
		if seen == nil {
			seen = make(map[string]bool, len(cols))
		}
		seen[k] = true
	}
}

// numberedName says whether name ends in _ and digits, as DuckDB's
// renamed duplicates do.
func numberedName(name string) bool {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	return i < len(name) && i > 0 && name[i-1] == '_'
}

func mergeSetOp(l, r *rel, byName bool) *rel {
	out := &rel{known: l.known && r.known, cols: slices.Clone(l.cols)}
	if !byName && len(l.cols) != len(r.cols) { // DuckDB rejects it
		for i := range out.cols {
			out.cols[i].exact = ""
		}
	}
	for i := range out.cols {
		var rc col
		ok := false
		if byName {
			rc, ok = r.find(out.cols[i].name)
		} else if i < len(r.cols) {
			rc, ok = r.cols[i], true
		}
		if ok {
			out.cols[i].src = append(slices.Clone(out.cols[i].src), rc.src...)
			out.cols[i].exact = setOpType(out.cols[i].exact, rc.exact)
		}
	}
	if byName {
		for _, rc := range r.cols {
			if _, ok := l.find(rc.name); !ok {
				out.cols = append(out.cols, rc)
			}
		}
		// Columns are matched by names DuckDB may spell otherwise.
		if l.guessed() || r.guessed() {
			for i := range out.cols {
				out.cols[i].exact, out.cols[i].guessed = "", true
			}
		}
	}
	return out
}

func (z *analyzer) node(n *QueryNode, env *cteEnv, outer *scope) *rel {
	if n == nil {
		return &rel{}
	}
	switch n.Type {
	case "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE":
		env = z.withCTEs(n.CTEMap, env, outer)
		l := z.node(n.Left, env, outer)
		r := z.node(n.Right, env, outer)
		out := mergeSetOp(l, r, n.SetOpType == "UNION_BY_NAME")
		z.a.OutputNames[n] = names(out)
		sc := &scope{rels: []*rel{out}, parent: outer}
		z.modifiers(n, sc, nil)
		return out
	case "CTE_NODE":
		inner := n.Child
		if inner == nil {
			inner = n.Query
		}
		return z.node(inner, env, outer)
	case "SELECT_NODE":
	default:
		return &rel{}
	}
	env = z.withCTEs(n.CTEMap, env, outer)
	sc := &scope{parent: outer, aliases: map[string]*Expr{}}
	z.from(n.FromTable, sc, env)
	if duplicateAliases(sc.rels) {
		// DuckDB rejects a * over two tables of one alias, a reference to
		// one, a USING join of them.
		z.unsure = true
	}

	out := &rel{known: true}
	for _, e := range n.SelectList {
		if e.Class == "STAR" {
			z.star(e, sc, env, out)
			continue
		}
		if hasStar(e) {
			// DuckDB expands a * or COLUMNS(…) inside an expression into
			// as many columns as it matches (or into a filter).
			out.known = false
		}
		src := z.refs(e, sc, env)
		name, guessed := e.Alias, false
		if name == "" {
			name = derivedName(e)
			if n, ok := z.colName[e]; ok && e.Class == "COLUMN_REF" {
				name = n
			}
			// DuckDB names a column reference by the column (or by the
			// alias or field as written), any other expression by its own
			// printing, which kiln's does not follow.
			guessed = e.Class != "COLUMN_REF"
		}
		out.cols = append(out.cols, col{name: name, typ: z.pr.typeOf(e), exact: z.exactType(e), src: src, guessed: guessed})
		z.a.ItemNames[e] = name
		if e.Alias != "" {
			sc.aliases[strings.ToLower(e.Alias)] = e
		}
	}
	if out.known {
		z.a.OutputNames[n] = names(out)
	}
	for _, e := range []*Expr{n.Where, n.Having, n.Qualify} {
		z.refs(e, sc, env)
	}
	for _, e := range n.GroupExpressions {
		z.refs(e, sc, env)
	}
	z.modifiers(n, sc, out)
	return out
}

// modifiers resolves the names in ORDER BY, LIMIT and DISTINCT ON. out is
// the result of a SELECT, nil for a set operation.
func (z *analyzer) modifiers(n *QueryNode, sc *scope, out *rel) {
	for _, m := range n.Modifiers {
		for _, o := range m.Orders {
			if o.Expr != nil && o.Expr.Class == "STAR" {
				continue
			}
			if out == nil {
				// ORDER BY of a set operation names output columns.
				if o.Expr != nil && o.Expr.Class == "COLUMN_REF" {
					continue
				}
			} else if z.outputRef(o.Expr, sc, out) {
				continue
			}
			z.orderRefs(o.Expr, sc, out)
		}
		z.refs(m.Limit, sc, nil)
		z.refs(m.Offset, sc, nil)
		for _, e := range m.DistinctOnTarget {
			z.orderRefs(e, sc, out)
		}
	}
}

// orderRefs resolves the names in an ORDER BY or DISTINCT ON expression.
// DuckDB reads a name there as an output column first: one that several
// relations have is not ambiguous then.
func (z *analyzer) orderRefs(e *Expr, sc *scope, out *rel) {
	unsure := z.unsure
	z.refs(e, sc, nil)
	if out != nil && e != nil && e.Class == "COLUMN_REF" && len(e.ColumnNames) == 1 {
		if _, ok := out.find(e.ColumnNames[0]); ok {
			z.unsure = unsure
		}
	}
}

// outputRef resolves an ORDER BY name that only an output column has, as
// a column a * renamed (SELECT * RENAME (a AS b) … ORDER BY b); it says
// whether e was one.
func (z *analyzer) outputRef(e *Expr, sc *scope, out *rel) bool {
	if e == nil || e.Class != "COLUMN_REF" || len(e.ColumnNames) != 1 {
		return false
	}
	name := e.ColumnNames[0]
	if _, ok := sc.aliases[strings.ToLower(name)]; ok {
		return false
	}
	c, ok := out.find(name)
	if !ok {
		return false
	}
	for _, r := range sc.rels {
		if !r.known {
			return false
		}
		if _, ok := r.find(name); ok {
			return false
		}
	}
	z.a.Types[e] = c.typ
	z.exact[e] = c.exact
	return true
}

// hasStar says whether a * or COLUMNS(…) is inside e (not in a subquery).
func hasStar(e *Expr) bool {
	found := false
	walkExpr(e, func(x *Expr) bool {
		if x.Class == "STAR" {
			found = true
		}
		return !found
	})
	return found
}

// derivedName is kiln's name for an unnamed select-list expression: the
// name DuckDB gives a column reference, and the expression as kiln prints
// it otherwise, which is not always DuckDB's name.
func derivedName(e *Expr) string {
	if e.Class == "COLUMN_REF" && len(e.ColumnNames) > 0 {
		return e.ColumnNames[len(e.ColumnNames)-1]
	}
	sub := &printer{d: DuckDB, a: &Analysis{}}
	sub.expr(e)
	s := sub.b.String()
	if len(s) > 2 && s[0] == '(' && s[len(s)-1] == ')' && balanced(s[1:len(s)-1]) {
		s = s[1 : len(s)-1]
	}
	return s
}

func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

func (z *analyzer) star(e *Expr, sc *scope, env *cteEnv, out *rel) {
	if e.Columns {
		out.known = false
		return
	}
	var items []StarItem
	excluded := map[string]bool{}
	for _, x := range e.Excludes() {
		excluded[strings.ToLower(x.Last())] = true
	}
	replace := map[string]*Expr{}
	for _, r := range e.ReplaceList {
		replace[strings.ToLower(r.Key)] = r.Value
	}
	rename := map[string]string{}
	for _, r := range e.RenameList {
		rename[strings.ToLower(r.Key.Last())] = r.Value
	}
	matched := false
	// The names EXCLUDE and REPLACE name, and whether kiln found them
	// among the columns: DuckDB rejects a name it does not find, and may
	// find one kiln does not when a column's name is guessed.
	keys := map[string]bool{}
	for k := range excluded {
		keys[k] = false
	}
	for k := range replace {
		keys[k] = false
	}
	for _, r := range sc.rels {
		if e.RelationName != "" && !strings.EqualFold(r.alias, e.RelationName) {
			continue
		}
		matched = true
		if !r.known {
			out.known = false
			continue
		}
		for _, c := range r.cols {
			lc := strings.ToLower(c.name)
			if _, ok := keys[lc]; ok && !c.guessed {
				keys[lc] = true
			}
			if _, ok := rename[lc]; ok && c.guessed {
				// DuckDB ignores a RENAME of a name it does not find.
				z.unsure = true
			}
			if excluded[lc] || e.RelationName == "" && r.hidden[lc] {
				continue
			}
			it := StarItem{Qualifier: r.alias, Column: c.name, Name: c.name}
			oc := col{name: c.name, typ: c.typ, exact: c.exact, src: c.src, guessed: c.guessed}
			if rx, ok := replace[lc]; ok {
				it.Replace = rx
				oc.src = z.refs(rx, sc, env)
				oc.typ = z.pr.typeOf(rx)
				oc.exact = z.exactType(rx)
			}
			if nn, ok := rename[lc]; ok {
				it.Name = nn
				oc.name, oc.guessed = nn, false
			}
			items = append(items, it)
			out.cols = append(out.cols, oc)
		}
	}
	if !matched { // DuckDB rejects a * with nothing to expand
		z.unsure = true
	}
	for _, found := range keys {
		if !found && out.known {
			z.unsure = true
		}
	}
	if e.RelationName != "" && !matched {
		z.a.Problems = append(z.a.Problems, ColumnProblem{Name: e.RelationName + ".*", Location: e.Location, Candidates: relAliases(sc)})
	}
	if out.known {
		z.a.Stars[e] = items
	}
}

// duplicateAliases says whether two relations of a FROM clause have one
// alias.
func duplicateAliases(rels []*rel) bool {
	for i, r := range rels {
		for _, q := range rels[:i] {
			if r.alias != "" && strings.EqualFold(r.alias, q.alias) {
				return true
			}
		}
	}
	return false
}

func relAliases(sc *scope) []string {
	var out []string
	for _, r := range sc.rels {
		out = append(out, r.alias)
	}
	return out
}

func (z *analyzer) from(t *TableRef, sc *scope, env *cteEnv) {
	if t == nil {
		return
	}
	switch t.Type {
	case "EMPTY":
	case "BASE_TABLE":
		alias := t.Alias
		if alias == "" {
			alias = t.Table
		}
		if t.Schema == "" && t.Catalog == "" {
			if x := env.lookup(t.Table); x != nil {
				z.refCTE(x.use)
				z.add(sc, x.rel, alias, t.ColumnAliases)
				return
			}
		}
		var r *Relation
		if z.cat != nil {
			r = z.cat.Relation(t.Schema, t.Table)
		}
		read := TableRead{Catalog: t.Catalog, Schema: t.Schema, Name: t.Table, Location: t.Location}
		nr := &rel{alias: alias}
		if r != nil {
			read.ID = r.ID
			if r.Columns != nil {
				nr.known = true
				for _, c := range r.Columns {
					nr.cols = append(nr.cols, col{name: c.Name, typ: c.Type, exact: CanonicalType(c.Type), src: []ColumnSource{{Relation: r.ID, Column: c.Name}}})
				}
			}
		}
		z.read(read)
		z.unsure = z.unsure || !nr.known
		z.add(sc, nr, alias, t.ColumnAliases)
	case "JOIN":
		start := len(sc.rels)
		z.from(t.Left, sc, env)
		before := len(sc.rels)
		z.from(t.Right, sc, env)
		hide := z.joinColumns(t, sc, start, before)
		z.joinTypes(t, sc, start, before, hide)
		if len(hide) > 0 {
			for i := before; i < len(sc.rels); i++ {
				r := sc.rels[i]
				h := map[string]bool{}
				for k := range r.hidden {
					h[k] = true
				}
				for _, c := range hide {
					if _, ok := r.find(c); ok {
						h[strings.ToLower(c)] = true
					}
				}
				sc.rels[i] = &rel{alias: r.alias, cols: r.cols, known: r.known, hidden: h}
			}
		}
		// A USING column names a column of the join's own sides.
		own := &scope{rels: sc.rels[start:], parent: sc.parent}
		for _, c := range t.UsingColumns {
			z.resolve(&Expr{Class: "COLUMN_REF", ColumnNames: []string{c}, Location: t.Location}, own)
		}
		z.refs(t.Condition, sc, env)
		if t.JoinType == "SEMI" || t.JoinType == "ANTI" {
			// Only the condition sees the right side.
			sc.rels = sc.rels[:before]
		}
	case "SUBQUERY":
		var r *rel
		if t.Subquery != nil {
			// DuckDB lets a subquery in FROM see the relations before it.
			r = z.node(t.Subquery.Node, env, &scope{rels: slices.Clone(sc.rels), parent: sc.parent})
		} else {
			r = &rel{}
		}
		alias := t.Alias
		if alias == "" {
			sc.unnamed++
			alias = unnamedSubquery(sc.unnamed)
		}
		z.add(sc, r, alias, t.ColumnAliases)
	case "TABLE_FUNCTION":
		f := t.Function
		nr := &rel{alias: t.Alias}
		if f != nil {
			name := strings.ToLower(f.FunctionName)
			lat := &scope{rels: slices.Clone(sc.rels), parent: sc.parent}
			var src []ColumnSource
			for _, c := range f.Children {
				src = append(src, z.refs(c, lat, env)...)
			}
			if nr.alias == "" {
				nr.alias = name
			}
			switch name {
			case "range", "generate_series", "unnest":
				nr.known = true
				typ := "BIGINT"
				if len(f.Children) > 0 {
					if ct := z.pr.typeOf(f.Children[0]); isTimestamp(ct) || ct == "DATE" {
						typ = "TIMESTAMP"
					} else if name == "unnest" {
						typ = ""
					}
				}
				nr.cols = []col{{name: name, typ: typ, exact: z.rangeType(name, f.Children), src: src}}
			default:
				z.read(TableRead{Name: f.FunctionName, Location: f.Location, Function: true})
			}
			if t.WithOrdinality == "WITH_ORDINALITY" && nr.known {
				nr.cols = append(nr.cols, col{name: "ordinality", typ: "BIGINT", exact: tBigint})
			}
		}
		z.unsure = z.unsure || !nr.known
		z.add(sc, nr, nr.alias, t.ColumnAliases)
	case "EXPRESSION_LIST":
		nr := &rel{alias: t.Alias, known: true}
		if nr.alias == "" {
			nr.alias = "valueslist"
		}
		for _, row := range t.Values {
			for i, e := range row {
				src := z.refs(e, sc, env)
				if i >= len(nr.cols) {
					nr.cols = append(nr.cols, col{name: "col" + itoa(i), typ: z.pr.typeOf(e)})
				}
				nr.cols[i].src = append(nr.cols[i].src, src...)
			}
		}
		z.valuesTypes(t.Values, nr.cols)
		z.add(sc, nr, nr.alias, t.ColumnAliases)
	case "PIVOT":
		r := z.pivot(t, sc, env)
		alias := t.Alias
		if alias == "" {
			alias = "unnamed_pivot"
		}
		z.add(sc, r, alias, t.ColumnAliases)
	default:
		z.unsure = true
		sc.rels = append(sc.rels, &rel{alias: t.Alias})
	}
}

// joinColumns returns the columns the USING or NATURAL join t merges, its
// left side sc.rels[start:before], its right side sc.rels[before:]. Where a
// column's name is only guessed, DuckDB may merge other columns, and the
// join's columns lose their exact types.
func (z *analyzer) joinColumns(t *TableRef, sc *scope, start, before int) []string {
	left, right := sc.rels[start:before], sc.rels[before:]
	guessed, known := false, true
	for _, r := range sc.rels[start:] {
		guessed = guessed || r.known && r.guessed()
		known = known && r.known
	}
	hide := slices.Clone(t.UsingColumns)
	switch {
	case t.RefType == "NATURAL":
		seen := map[string]bool{}
		for _, r := range right {
			for _, c := range r.cols {
				k := strings.ToLower(c.name)
				if seen[k] {
					continue
				}
				for _, l := range left {
					if _, ok := l.find(c.name); ok {
						hide = append(hide, c.name)
						seen[k] = true
						break
					}
				}
			}
		}
		if guessed {
			for i := start; i < len(sc.rels); i++ {
				sc.rels[i] = inexact(sc.rels[i], "")
			}
		} else if len(hide) == 0 && known {
			z.unsure = true // DuckDB finds no column to join on
		}
	case guessed:
		for _, h := range hide {
			if !namedIn(left, h) || !namedIn(right, h) {
				z.unsure = true
			}
		}
	}
	return hide
}

// namedIn says whether a relation of rels has a column named name for
// certain.
func namedIn(rels []*rel, name string) bool {
	for _, r := range rels {
		if c, ok := r.find(name); ok && !c.guessed {
			return true
		}
	}
	return false
}

// add adds r to sc under alias, its columns renamed by colAliases.
func (z *analyzer) add(sc *scope, r *rel, alias string, colAliases []string) {
	if r.known && len(colAliases) > len(r.cols) { // DuckDB rejects it
		z.unsure = true
	}
	sc.rels = append(sc.rels, renamed(r, alias, colAliases))
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// refs resolves every column reference in e and returns the upstream
// columns they read.
func (z *analyzer) refs(e *Expr, sc *scope, env *cteEnv) []ColumnSource {
	var out []ColumnSource
	if e == nil {
		return nil
	}
	var visit func(x *Expr, sc *scope)
	visit = func(x *Expr, sc *scope) {
		if x == nil {
			return
		}
		switch x.Class {
		case "COLUMN_REF":
			out = append(out, z.resolve(x, sc)...)
			return
		case "SUBQUERY":
			if x.Subquery != nil {
				r := z.node(x.Subquery.Node, env, sc)
				for _, c := range r.cols {
					out = append(out, c.src...)
				}
				if x.SubqueryType == "SCALAR" && r.known && len(r.cols) == 1 && r.cols[0].exact != sqlNull {
					z.exact[x] = r.cols[0].exact
				}
			}
			visit(x.Child, sc)
			return
		case "LAMBDA":
			inner := &scope{parent: sc, lambda: map[string]bool{}}
			walkExpr(x.LHS, func(p *Expr) bool {
				if p.Class == "COLUMN_REF" && len(p.ColumnNames) == 1 {
					inner.lambda[strings.ToLower(p.ColumnNames[0])] = true
				}
				return true
			})
			visit(x.Expr, inner)
			return
		case "STAR":
			if x.Columns {
				return
			}
		}
		for _, c := range children(x) {
			visit(c, sc)
		}
	}
	visit(e, sc)
	return out
}

// resolve finds the column a reference names, walking out through the
// scopes, and records a problem when every relation in reach is known and
// none has it.
func (z *analyzer) resolve(x *Expr, sc *scope) []ColumnSource {
	parts := x.ColumnNames
	if len(parts) == 0 {
		return nil
	}
	// allKnown: every relation met so far is known and names its columns
	// as DuckDB does; guessed: one of them has a column whose name kiln
	// only guesses, which DuckDB may find under the name referenced.
	allKnown, guessed := true, false
	for s := sc; s != nil; s = s.parent {
		if s.lambda != nil && len(parts) >= 1 && s.lambda[strings.ToLower(parts[0])] {
			return nil
		}
		innerKnown := allKnown // an unknown relation of an inner scope may have the column
		// Qualified: alias.column (or alias.column.field for a struct).
		if len(parts) >= 2 {
			for _, r := range s.rels {
				if !strings.EqualFold(r.alias, parts[0]) {
					continue
				}
				if !r.known {
					return nil
				}
				if c, ok := r.find(parts[1]); ok {
					z.a.Types[x] = c.typ
					z.exact[x] = c.exact
					if s == sc {
						z.colName[x] = c.name
					}
					if len(parts) > 2 {
						z.a.Types[x] = ""
						z.exact[x] = ""
						delete(z.colName, x)
					}
					if c.guessed {
						z.exact[x] = ""
						z.unsure = true
					}
					return c.src
				}
				if r.guessed() {
					// DuckDB may name a column so.
					z.unsure = true
					return nil
				}
				z.a.Problems = append(z.a.Problems, ColumnProblem{Name: strings.Join(parts, "."), Location: x.Location, Candidates: colNames(r)})
				return nil
			}
			if len(parts) >= 3 {
				for _, r := range s.rels {
					if strings.EqualFold(r.alias, parts[1]) && r.known {
						if c, ok := r.find(parts[2]); ok {
							z.a.Types[x] = c.typ
							z.exact[x] = c.exact
							if len(parts) > 3 || c.guessed {
								z.exact[x] = ""
							} else if s == sc {
								z.colName[x] = c.name
							}
							return c.src
						}
					}
				}
			}
		}
		// Unqualified, or a struct column's field.
		var found []col
		var shown []col // the columns found that the relations show
		row := false    // a relation's alias: the whole row as a struct
		for _, r := range s.rels {
			if !r.known {
				allKnown = false
				continue
			}
			if r.guessed() {
				guessed = true
			}
			if c, ok := r.find(parts[0]); ok {
				found = append(found, c)
				// The right side of a USING join leaves its column to the
				// left; joinTypes took care of joins that merge the two.
				if !r.hidden[strings.ToLower(parts[0])] {
					shown = append(shown, c)
				}
			} else if len(parts) == 1 && strings.EqualFold(r.alias, parts[0]) {
				var src []ColumnSource
				for _, c := range r.cols {
					src = append(src, c.src...)
				}
				found = append(found, col{src: src})
				row = true // kiln does not type a row
			}
		}
		if len(found) > 0 {
			if len(parts) == 1 {
				z.a.Types[x] = found[0].typ
			}
			switch {
			case len(shown) > 1:
				// DuckDB rejects an ambiguous name.
				z.unsure = true
			case len(shown) == 1 && shown[0].guessed:
				// DuckDB may name the column otherwise.
				z.unsure = true
			case len(parts) == 1 && len(shown) == 1 && !row:
				// DuckDB names an outer reference as written.
				if s == sc && !shown[0].merged {
					z.colName[x] = shown[0].name
				}
				if innerKnown {
					z.exact[x] = shown[0].exact
				}
			}
			var src []ColumnSource
			for _, f := range found {
				src = append(src, f.src...)
			}
			return src
		}
		if guessed {
			allKnown = false
		}
		if len(parts) == 1 && s.aliases != nil {
			if ae, ok := s.aliases[strings.ToLower(parts[0])]; ok && ae != x {
				z.a.AliasRefs[x] = stripAlias(ae)
				src := z.refs(ae, &scope{rels: s.rels, parent: s.parent}, nil)
				if allKnown { // else a column of an unknown relation may be meant
					if z.alias == nil {
						z.alias = map[*Expr]*Expr{}
					}
					z.alias[x] = ae
					z.exact[x] = z.exactType(ae)
				}
				return src
			}
		}
	}
	if guessed {
		z.unsure = true
	}
	if !allKnown {
		return nil
	}
	if len(parts) == 1 && isKeywordValue(parts[0]) {
		z.exact[x] = keywordType(parts[0])
		return nil
	}
	var cands []string
	for _, r := range sc.rels {
		cands = append(cands, colNames(r)...)
	}
	for k := range sc.aliases {
		cands = append(cands, k)
	}
	sort.Strings(cands)
	z.a.Problems = append(z.a.Problems, ColumnProblem{Name: strings.Join(parts, "."), Location: x.Location, Candidates: slices.Compact(cands)})
	return nil
}

func stripAlias(e *Expr) *Expr {
	c := *e
	c.Alias = ""
	return &c
}

// isKeywordValue are names DuckDB resolves without a relation.
func isKeywordValue(s string) bool {
	switch strings.ToLower(s) {
	case "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "current_user", "current_schema", "rowid":
		return true
	}
	return false
}

func colNames(r *rel) []string {
	out := make([]string, len(r.cols))
	for i, c := range r.cols {
		out[i] = c.name
	}
	return out
}

// children lists the direct sub-expressions of e (not those inside
// subqueries).
func children(e *Expr) []*Expr {
	var out []*Expr
	add := func(xs ...*Expr) {
		for _, x := range xs {
			if x != nil {
				out = append(out, x)
			}
		}
	}
	add(e.Children...)
	add(e.Child, e.Left, e.Right, e.Input, e.Lower, e.Upper, e.ElseExpr, e.Filter, e.FilterExpr,
		e.StartExpr, e.EndExpr, e.OffsetExpr, e.DefaultExpr)
	for _, c := range e.CaseChecks {
		add(c.When, c.Then)
	}
	add(e.Partitions...)
	for _, o := range e.Orders {
		add(o.Expr)
	}
	for _, o := range e.ArgOrders {
		add(o.Expr)
	}
	for _, o := range e.OrderBys.Orders {
		add(o.Expr)
	}
	for _, r := range e.ReplaceList {
		add(r.Value)
	}
	if e.Class != "LAMBDA" {
		add(e.Expr)
	}
	return out
}

// walkExpr calls f on e and, while f returns true, on its sub-expressions.
func walkExpr(e *Expr, f func(*Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	for _, c := range children(e) {
		walkExpr(c, f)
	}
}
