package sqlast

import (
	"slices"
	"strings"
)

// pivotShape is what a PIVOT or UNPIVOT makes of its source's columns.
type pivotShape struct {
	unpivot bool
	// keep are the source columns that pass through: PIVOT's groups,
	// UNPIVOT's columns it does not unpivot.
	keep []string
	// PIVOT: ON on, and one output column per IN value and aggregate.
	on    *Expr
	cells []pivotCell
	// UNPIVOT: the unpivoted columns, their names in the name column, and
	// the names of the name and value columns.
	columns, labels   []string
	nameCol, valueCol string
}

// pivotCell is one output column of a PIVOT: agg over the rows where ON
// equals value.
type pivotCell struct {
	name  string
	value *Value
	agg   *Expr
}

// shapePivot works out the columns of the PIVOT or UNPIVOT t over a source
// with the given columns. It returns nil and what it cannot carry over
// when the shape is beyond it: a PIVOT without IN (…), whose columns
// depend on the data, or one on several expressions.
func shapePivot(t *TableRef, source []string) (*pivotShape, string) {
	if len(t.Pivots) != 1 {
		return nil, "PIVOT on several columns"
	}
	pv := t.Pivots[0]
	find := func(name string) string {
		for _, s := range source {
			if strings.EqualFold(s, name) {
				return s
			}
		}
		return ""
	}
	sh := &pivotShape{}
	used := map[string]bool{}
	if len(t.UnpivotNames) > 0 {
		if len(t.UnpivotNames) != 1 || len(pv.UnpivotNames) != 1 {
			return nil, "UNPIVOT into several value columns"
		}
		sh.unpivot, sh.nameCol, sh.valueCol = true, pv.UnpivotNames[0], t.UnpivotNames[0]
		for _, en := range pv.Entries {
			if len(en.Values) != 1 || en.Values[0].Type.ID != "VARCHAR" || find(en.Values[0].Text()) == "" {
				return nil, "UNPIVOT of expressions"
			}
			c := find(en.Values[0].Text())
			label := en.Alias
			if label == "" {
				label = en.Values[0].Text()
			}
			sh.columns = append(sh.columns, c)
			sh.labels = append(sh.labels, label)
			used[strings.ToLower(c)] = true
		}
	} else {
		if pv.Enum != "" || len(pv.Expressions) != 1 || len(pv.Entries) == 0 {
			return nil, "PIVOT without IN (…)"
		}
		sh.on = pv.Expressions[0]
		for _, e := range append([]*Expr{sh.on}, t.Aggregates...) {
			walkExpr(e, func(x *Expr) bool {
				if x.Class == "COLUMN_REF" {
					used[strings.ToLower(x.ColumnNames[len(x.ColumnNames)-1])] = true
				}
				return true
			})
		}
		for _, en := range pv.Entries {
			if len(en.Values) != 1 || en.Values[0].IsNull {
				return nil, "PIVOT … IN (NULL)"
			}
			name := en.Alias
			if name == "" {
				name = en.Values[0].Text()
			}
			for _, agg := range t.Aggregates {
				cell := pivotCell{name: name, value: en.Values[0], agg: agg}
				switch {
				case agg.Alias != "":
					cell.name += "_" + agg.Alias
				case len(t.Aggregates) > 1:
					cell.name += "_" + derivedName(agg)
				}
				sh.cells = append(sh.cells, cell)
			}
		}
		if len(t.Groups) > 0 {
			for _, g := range t.Groups {
				if find(g) == "" {
					return nil, "PIVOT … GROUP BY an expression"
				}
				sh.keep = append(sh.keep, find(g))
			}
			return sh, ""
		}
	}
	for _, s := range source {
		if !used[strings.ToLower(s)] {
			sh.keep = append(sh.keep, s)
		}
	}
	return sh, ""
}

// pivot resolves the names of the PIVOT or UNPIVOT t and returns the
// relation it makes.
func (z *analyzer) pivot(t *TableRef, sc *scope, env *cteEnv) *rel {
	src := &scope{parent: sc.parent}
	z.from(t.Source, src, env)
	var cols []col
	known := true
	for _, r := range src.rels {
		known = known && r.known
		for _, c := range r.cols {
			if !r.hidden[strings.ToLower(c.name)] {
				cols = append(cols, c)
			}
		}
	}
	aggSrc := map[*Expr][]ColumnSource{}
	for _, e := range t.Aggregates {
		aggSrc[e] = z.refs(e, src, env)
	}
	var onSrc []ColumnSource
	for _, pv := range t.Pivots {
		for _, e := range pv.Expressions {
			onSrc = append(onSrc, z.refs(e, src, env)...)
		}
	}
	if !known {
		z.unsure = true
		return &rel{}
	}
	in := &rel{known: true, cols: cols}
	sh, _ := shapePivot(t, colNames(in))
	if sh == nil {
		z.unsure = true
		return &rel{}
	}
	z.a.PivotSources[t] = colNames(in)
	out := &rel{known: true}
	for _, k := range sh.keep {
		c, _ := in.find(k)
		out.cols = append(out.cols, c)
	}
	if sh.unpivot {
		v := col{name: sh.valueCol}
		for i, name := range sh.columns {
			c, _ := in.find(name)
			if c.guessed { // DuckDB may name it otherwise
				z.unsure = true
			}
			v.src = append(v.src, c.src...)
			if i == 0 {
				v.typ, v.exact = c.typ, c.exact
			} else if c.exact != v.exact {
				v.typ, v.exact = "", ""
			}
		}
		out.cols = append(out.cols, col{name: sh.nameCol, typ: tVarchar, exact: tVarchar}, v)
		return out
	}
	for _, cell := range sh.cells {
		// With several aggregates, an unnamed one adds its name as DuckDB
		// prints it, which kiln's printing does not always follow.
		guessed := len(t.Aggregates) > 1 && cell.agg.Alias == ""
		out.cols = append(out.cols, col{name: cell.name, typ: z.pr.typeOf(cell.agg), exact: z.exactType(cell.agg),
			src: append(slices.Clone(aggSrc[cell.agg]), onSrc...), guessed: guessed})
	}
	return out
}

// pivot prints a PIVOT or UNPIVOT: for DuckDB in the SQL standard's form,
// source PIVOT (…) or source UNPIVOT (…), which its parser reads back as
// the same tree; for PostgreSQL as a subquery that aggregates with FILTER
// (PIVOT) or joins each row to a VALUES list of its columns (UNPIVOT).
func (p *printer) pivot(t *TableRef, rightOfJoin bool) {
	if !p.pg() {
		p.pivotDuck(t)
		return
	}
	source, ok := p.a.PivotSources[t]
	if !ok {
		p.fail("PIVOT", t.Location, "kiln rewrites PIVOT and UNPIVOT when it knows the columns of their source")
		return
	}
	sh, why := shapePivot(t, source)
	if sh == nil {
		p.fail(why, t.Location, "")
		return
	}
	if rightOfJoin {
		p.w("LATERAL ")
	}
	p.w("(\nSELECT ")
	for i, k := range sh.keep {
		if i > 0 {
			p.w(", ")
		}
		p.w(p.ident(k))
	}
	if sh.unpivot {
		u := p.gen("unpivot")
		if len(sh.keep) > 0 {
			p.w(", ")
		}
		p.w(u, ".", p.ident(sh.nameCol), ", ", u, ".", p.ident(sh.valueCol))
		semi := p.from(t.Source)
		p.w("\nCROSS JOIN LATERAL (VALUES ")
		for i, c := range sh.columns {
			if i > 0 {
				p.w(", ")
			}
			p.w("(", quoteString(sh.labels[i]), ", ", p.ident(c), ")")
		}
		p.w(") AS ", u, "(", p.ident(sh.nameCol), ", ", p.ident(sh.valueCol), ")")
		var conds []func()
		if !t.IncludeNulls {
			conds = append(conds, func() { p.w(u, ".", p.ident(sh.valueCol), " IS NOT NULL") })
		}
		p.where(nil, append(conds, semi...))
	} else {
		for i, c := range sh.cells {
			if i > 0 || len(sh.keep) > 0 {
				p.w(", ")
			}
			cond := &Expr{Class: "COMPARISON", Type: "COMPARE_EQUAL", Left: sh.on, Right: &Expr{Class: "CONSTANT", Value: c.value, Location: NoLocation}}
			p.expr(filtered(c.agg, cond))
			p.w(" AS ", p.ident(c.name))
		}
		p.where(nil, p.from(t.Source))
		if len(sh.keep) > 0 {
			p.w("\nGROUP BY ")
			for i, k := range sh.keep {
				if i > 0 {
					p.w(", ")
				}
				p.w(p.ident(k))
			}
		}
	}
	p.w("\n) AS ")
	alias := t.Alias
	if alias == "" {
		alias = p.gen("pivot")
	}
	p.w(p.ident(alias))
	if len(t.ColumnAliases) > 0 {
		p.w("(", p.idents(t.ColumnAliases), ")")
	}
}

// filtered returns a copy of e whose aggregates see only the rows where
// cond holds.
func filtered(e, cond *Expr) *Expr {
	return rewriteExpr(e, func(x *Expr) *Expr {
		if x.Class != "FUNCTION" || !aggregates[strings.ToLower(x.FunctionName)] {
			return nil
		}
		c := *x
		c.Filter = cond
		if x.Filter != nil {
			c.Filter = &Expr{Class: "CONJUNCTION", Type: "CONJUNCTION_AND", Children: []*Expr{x.Filter, cond}}
		}
		return &c
	})
}

// pivotDuck prints a PIVOT or UNPIVOT in DuckDB's SQL-standard form.
func (p *printer) pivotDuck(t *TableRef) {
	if len(t.Pivots) != 1 {
		p.fail("PIVOT on several columns", t.Location, "")
		return
	}
	pv := t.Pivots[0]
	p.tableRef(t.Source, false)
	entries := func() {
		p.w(" IN (")
		for i, en := range pv.Entries {
			if i > 0 {
				p.w(", ")
			}
			if len(en.Values) != 1 {
				p.fail("PIVOT on several columns", t.Location, "")
				return
			}
			v := en.Values[0]
			if len(t.UnpivotNames) > 0 {
				p.w(identDuck(v.Text()))
			} else {
				p.constant(&Expr{Class: "CONSTANT", Value: v, Location: NoLocation})
			}
			if en.Alias != "" {
				p.w(" AS ", identDuck(en.Alias))
			}
		}
		p.w(")")
	}
	if len(t.UnpivotNames) > 0 {
		p.w("\nUNPIVOT ")
		if t.IncludeNulls {
			p.w("INCLUDE NULLS ")
		}
		if len(t.UnpivotNames) != 1 || len(pv.UnpivotNames) != 1 {
			p.fail("UNPIVOT into several value columns", t.Location, "")
			return
		}
		p.w("(", identDuck(t.UnpivotNames[0]), " FOR ", identDuck(pv.UnpivotNames[0]))
		entries()
		p.w(")")
	} else {
		p.w("\nPIVOT (")
		for i, a := range t.Aggregates {
			if i > 0 {
				p.w(", ")
			}
			c := *a
			c.Alias = ""
			p.expr(&c)
			if a.Alias != "" {
				p.w(" AS ", identDuck(a.Alias))
			}
		}
		if pv.Enum != "" || len(pv.Expressions) != 1 {
			p.fail("PIVOT without IN (…)", t.Location, "")
			return
		}
		p.w(" FOR ")
		p.expr(pv.Expressions[0])
		entries()
		if len(t.Groups) > 0 {
			p.w(" GROUP BY ")
			for i, g := range t.Groups {
				if i > 0 {
					p.w(", ")
				}
				p.w(identDuck(g))
			}
		}
		p.w(")")
	}
	p.alias(t)
}
