package compiler

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// This file classifies a change of compiled SQL when no column analysis
// says more: it splits both versions into query blocks (the main query,
// each CTE, each subquery, each branch of a UNION) and those into clauses,
// and names what differs. It is conservative: a changed filter, join,
// grain or column expression is breaking; only added columns, added CTEs
// and a reordering without LIMIT are not.

// queryBlock is one SELECT of a compiled model.
type queryBlock struct {
	// path names the block: "" for the main query, then "CTE orders",
	// "subquery 1", "UNION branch 2", joined with " / " when nested.
	path    string
	clauses map[string][]token // by clause: "select", "from", "where" …
}

// clauseOrder is the order in which clause changes are reported.
var clauseOrder = []string{"", "distinct", "from", "where", "group by", "having", "qualify", "window", "order by", "limit", "offset", "fetch", "values", "set operation"}

// blockParser splits a token list into query blocks.
type blockParser struct {
	blocks []*queryBlock
	subs   map[string]int // subqueries numbered per parent block
}

// queryBlocks returns the blocks of a normalised query, by path.
func queryBlocks(toks []token) map[string]*queryBlock {
	p := &blockParser{subs: map[string]int{}}
	p.parse("", toks)
	out := make(map[string]*queryBlock, len(p.blocks))
	for _, b := range p.blocks {
		out[b.path] = b
	}
	return out
}

func joinPath(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + " / " + child
}

// matching returns the index of the parenthesis that closes toks[i], or
// len(toks) when it is not closed.
func matching(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch {
		case toks[j].isOp("("):
			depth++
		case toks[j].isOp(")"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks)
}

// startsQuery says whether a parenthesised group holds a query.
func startsQuery(group []token) bool {
	for len(group) > 0 && group[0].isOp("(") {
		group = group[1:]
	}
	return len(group) > 0 && (group[0].is("select") || group[0].is("with") || group[0].is("from") || group[0].is("values"))
}

// parse records the query toks as the block path and its nested blocks.
func (p *blockParser) parse(path string, toks []token) {
	b := &queryBlock{path: path, clauses: map[string][]token{}}
	p.blocks = append(p.blocks, b)
	first := b
	clause := ""
	branch := 1
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.isOp("(") {
			j := matching(toks, i)
			group := toks[i+1 : min(j, len(toks))]
			var inner []token
			switch {
			case clause == "with" && i > 0 && (toks[i-1].is("as") || toks[i-1].is("materialized")):
				name := cteNameBefore(toks[:i])
				child := joinPath(path, "CTE "+name)
				p.parse(child, group)
				inner = []token{{kind: tokRef, text: "{{" + child + "}}"}}
			case startsQuery(group):
				p.subs[path]++
				child := joinPath(path, fmt.Sprintf("subquery %d", p.subs[path]))
				p.parse(child, group)
				inner = []token{{kind: tokRef, text: "{{" + child + "}}"}}
			default:
				inner = p.expression(path, group)
			}
			b.clauses[clause] = append(b.clauses[clause], token{kind: tokOp, text: "("})
			b.clauses[clause] = append(b.clauses[clause], inner...)
			b.clauses[clause] = append(b.clauses[clause], token{kind: tokOp, text: ")"})
			i = j + 1
			continue
		}
		switch {
		case t.is("select"):
			clause = "select"
			i++
			if i < len(toks) && toks[i].is("distinct") {
				b.clauses["distinct"] = append(b.clauses["distinct"], toks[i])
				i++
				if i+1 < len(toks) && toks[i].is("on") && toks[i+1].isOp("(") {
					j := matching(toks, i+1)
					b.clauses["distinct"] = append(b.clauses["distinct"], toks[i:min(j+1, len(toks))]...)
					i = j + 1
				}
			} else if i < len(toks) && toks[i].is("all") {
				i++
			}
			continue
		case t.is("from") && !(i > 0 && toks[i-1].is("distinct")), t.is("where"), t.is("having"), t.is("qualify"),
			t.is("window"), t.is("limit"), t.is("offset"), t.is("fetch"), t.is("values"), t.is("with") && clause == "":
			clause = strings.ToLower(t.text)
			i++
			continue
		case (t.is("group") || t.is("order")) && i+1 < len(toks) && toks[i+1].is("by"):
			clause = strings.ToLower(t.text) + " by"
			i += 2
			continue
		case t.is("union") || t.is("intersect") || t.is("except"):
			op := []token{t}
			i++
			for i < len(toks) && (toks[i].is("all") || toks[i].is("distinct") || toks[i].is("by") || toks[i].is("name")) {
				op = append(op, toks[i])
				i++
			}
			first.clauses["set operation"] = append(first.clauses["set operation"], op...)
			branch++
			b = &queryBlock{path: joinPath(path, fmt.Sprintf("%s branch %d", strings.ToUpper(t.text), branch)), clauses: map[string][]token{}}
			p.blocks = append(p.blocks, b)
			clause = ""
			continue
		}
		b.clauses[clause] = append(b.clauses[clause], t)
		i++
	}
}

// expression flattens a parenthesised group that is not a query, giving
// the queries nested in it blocks of their own.
func (p *blockParser) expression(path string, toks []token) []token {
	var out []token
	for i := 0; i < len(toks); {
		if !toks[i].isOp("(") {
			out = append(out, toks[i])
			i++
			continue
		}
		j := matching(toks, i)
		group := toks[i+1 : min(j, len(toks))]
		out = append(out, token{kind: tokOp, text: "("})
		if startsQuery(group) {
			p.subs[path]++
			child := joinPath(path, fmt.Sprintf("subquery %d", p.subs[path]))
			p.parse(child, group)
			out = append(out, token{kind: tokRef, text: "{{" + child + "}}"})
		} else {
			out = append(out, p.expression(path, group)...)
		}
		out = append(out, token{kind: tokOp, text: ")"})
		i = j + 1
	}
	return out
}

// cteNameBefore finds the name of the CTE whose body follows toks: the name
// before AS, skipping [NOT] MATERIALIZED and a column list.
func cteNameBefore(toks []token) string {
	i := len(toks) - 1
	for i >= 0 && (toks[i].is("materialized") || toks[i].is("not")) {
		i--
	}
	if i >= 0 && toks[i].is("as") {
		i--
	}
	if i >= 0 && toks[i].isOp(")") {
		depth := 0
		for ; i >= 0; i-- {
			if toks[i].isOp(")") {
				depth++
			} else if toks[i].isOp("(") {
				depth--
				if depth == 0 {
					i--
					break
				}
			}
		}
	}
	if i >= 0 {
		return toks[i].value()
	}
	return "?"
}

// selectItem is one expression of a select list, with the name of the
// column it makes.
type selectItem struct{ name, text string }

// selectItems splits a select clause at its top-level commas.
func selectItems(toks []token) []selectItem {
	var items []selectItem
	seen := map[string]int{}
	add := func(item []token) {
		if len(item) == 0 {
			return
		}
		name := itemName(item)
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, seen[name])
		}
		items = append(items, selectItem{name: name, text: joinTokens(item)})
	}
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.isOp("("):
			depth++
		case t.isOp(")"):
			depth--
		case t.isOp(",") && depth == 0:
			add(toks[start:i])
			start = i + 1
		}
	}
	add(toks[start:])
	return items
}

// itemName is the name of the column a select item makes: its alias, the
// last part of a column reference, or the expression itself.
func itemName(item []token) string {
	n := len(item)
	last := item[n-1]
	isName := last.kind == tokWord && !sqlKeywords[strings.ToLower(last.text)] || last.kind == tokIdent
	switch {
	case n >= 2 && item[n-2].is("as") && isName:
		return last.value()
	case chainLen(item, 0) == n || n == 1 && isName:
		return last.value()
	case n >= 2 && isName && (item[n-2].isOp(")") || item[n-2].kind == tokString || item[n-2].kind == tokWord && !sqlKeywords[strings.ToLower(item[n-2].text)] || item[n-2].kind == tokIdent):
		return last.value()
	}
	return joinTokens(item)
}

// sqlReason is one difference found in a model, and whether it can break
// what reads the model.
type sqlReason struct {
	Text     string
	Breaking bool
}

// compareQueries names the differences between two normalised queries.
func compareQueries(base, head []token) []sqlReason {
	bb, hb := queryBlocks(base), queryBlocks(head)
	paths := map[string]bool{}
	for p := range bb {
		paths[p] = true
	}
	for p := range hb {
		paths[p] = true
	}
	order := make([]string, 0, len(paths))
	for p := range paths {
		order = append(order, p)
	}
	sort.Strings(order) // "" (the main query) first
	var out []sqlReason
	for _, path := range order {
		b, h := bb[path], hb[path]
		where := ""
		if path != "" {
			where = " in " + path
		}
		switch {
		case b == nil:
			out = append(out, sqlReason{Text: path + " added", Breaking: false})
			continue
		case h == nil:
			out = append(out, sqlReason{Text: path + " removed", Breaking: false})
			continue
		}
		limited := len(b.clauses["limit"])+len(h.clauses["limit"])+len(b.clauses["offset"])+len(h.clauses["offset"])+len(b.clauses["fetch"])+len(h.clauses["fetch"]) > 0
		for _, c := range clauseOrder {
			if joinTokens(b.clauses[c]) == joinTokens(h.clauses[c]) {
				continue
			}
			switch c {
			case "":
				out = append(out, sqlReason{"query changed" + where, true})
			case "distinct", "group by":
				out = append(out, sqlReason{strings.ToUpper(c) + " changed (grain)" + where, true})
			case "where", "having", "qualify":
				out = append(out, sqlReason{strings.ToUpper(c) + " changed (filter)" + where, true})
			case "from":
				out = append(out, sqlReason{"FROM/JOIN changed" + where, true})
			case "order by":
				out = append(out, sqlReason{"ORDER BY changed" + where, limited})
			default:
				out = append(out, sqlReason{strings.ToUpper(c) + " changed" + where, true})
			}
		}
		if joinTokens(b.clauses["select"]) != joinTokens(h.clauses["select"]) {
			out = append(out, compareItems(selectItems(b.clauses["select"]), selectItems(h.clauses["select"]), where)...)
		}
	}
	return out
}

// compareItems names the columns a select list lost, changed or gained.
func compareItems(base, head []selectItem, where string) []sqlReason {
	bm, hm := map[string]string{}, map[string]string{}
	for _, it := range base {
		bm[it.name] = it.text
	}
	for _, it := range head {
		hm[it.name] = it.text
	}
	var out []sqlReason
	var common []string
	for _, it := range base {
		text, ok := hm[it.name]
		switch {
		case !ok:
			out = append(out, sqlReason{fmt.Sprintf("column %s removed%s", it.name, where), true})
		case text != it.text:
			out = append(out, sqlReason{fmt.Sprintf("column %s changed%s", it.name, where), true})
			common = append(common, it.name)
		default:
			common = append(common, it.name)
		}
	}
	var headCommon []string
	for _, it := range head {
		if _, ok := bm[it.name]; !ok {
			out = append(out, sqlReason{fmt.Sprintf("column %s added%s", it.name, where), false})
		} else {
			headCommon = append(headCommon, it.name)
		}
	}
	if !slices.Equal(common, headCommon) {
		out = append(out, sqlReason{"column order changed" + where, true})
	}
	return out
}
