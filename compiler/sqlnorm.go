package compiler

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kiln-sql/kiln/models"
)

// This file compares compiled SQL the way a reviewer reads it: a change that
// only moves whitespace or comments, changes the case of a keyword, or comes
// from a target whose relations live in another schema is no change. See
// docs/state.md for the rules.

// tokenKind is the lexical class of a SQL token.
type tokenKind int

const (
	tokWord   tokenKind = iota // an unquoted identifier or keyword
	tokIdent                   // a quoted identifier: "x" or `x`
	tokString                  // a string literal: 'x', E'x', $$x$$
	tokNumber                  // 1, 1.5, .5e3
	tokOp                      // an operator or punctuation, including ( ) , ; .
	tokRef                     // a relation kiln knows, replaced by its node (see normalizeSQL)
)

// token is one lexical element of a SQL text, with where it was written.
type token struct {
	kind       tokenKind
	text       string // as written; for tokRef, the placeholder
	start, end int    // byte offsets in the text
}

// norm is the token's text for comparison: keywords in lower case.
func (t token) norm() string {
	if t.kind == tokWord {
		if low := strings.ToLower(t.text); sqlKeywords[low] {
			return low
		}
	}
	return t.text
}

// is reports whether t is the keyword kw (lower case).
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// isOp reports whether t is the operator or punctuation op.
func (t token) isOp(op string) bool { return t.kind == tokOp && t.text == op }

// value is what an identifier token names: a quoted identifier unquoted, an
// unquoted one folded to lower case, as DuckDB and PostgreSQL match them.
func (t token) value() string {
	switch t.kind {
	case tokIdent:
		q := t.text[:1]
		return strings.ReplaceAll(t.text[1:len(t.text)-1], q+q, q)
	case tokWord:
		return strings.ToLower(t.text)
	}
	return t.text
}

// sqlKeywords are the reserved words whose case does not matter to any
// engine and that never name an output column. Words that are also common
// column names (first, last, time, range …) are left out: their case can
// be the case of an output column's name.
var sqlKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`select from where group by having order limit offset
		join left right inner outer full cross natural on using as and or not in is null
		like ilike similar between case when then else end distinct all union intersect
		except with recursive over partition window qualify asc desc nulls exists any some
		true false cast lateral fetch next interval within semi anti asof positional`) {
		m[w] = true
	}
	return m
}()

// multiOps are the operators of more than one character, longest first.
var multiOps = []string{"->>", "!~~", "::", "<=", ">=", "<>", "!=", "==", "||", "->", "=>", "**", "//", "<<", ">>", "@>", "<@", "&&", "~~", "!~"}

// tokenize splits SQL into tokens, dropping whitespace and comments. It
// never fails: an unterminated string or comment runs to the end.
func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += j + 1
			}
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			i = skipBlockComment(s, i)
		case c == '\'':
			escapes := false
			if n := len(toks); n > 0 && toks[n-1].end == i && toks[n-1].kind == tokWord && strings.EqualFold(toks[n-1].text, "e") {
				escapes = true // PostgreSQL's E'…' takes backslash escapes
			}
			j := skipQuoted(s, i, '\'', escapes)
			toks = append(toks, token{tokString, s[i:j], i, j})
			i = j
		case c == '"' || c == '`':
			j := skipQuoted(s, i, c, false)
			toks = append(toks, token{tokIdent, s[i:j], i, j})
			i = j
		case c == '$' && dollarTag(s[i:]) != "":
			tag := dollarTag(s[i:])
			j := strings.Index(s[i+len(tag):], tag)
			if j < 0 {
				j = len(s)
			} else {
				j = i + len(tag) + j + len(tag)
			}
			toks = append(toks, token{tokString, s[i:j], i, j})
			i = j
		case isDigit(c) || c == '.' && i+1 < len(s) && isDigit(s[i+1]):
			j := scanNumber(s, i)
			toks = append(toks, token{tokNumber, s[i:j], i, j})
			i = j
		case c == '_' || c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				j += size
			}
			if j == i { // a byte that is neither: treat it as an operator
				j = i + 1
				toks = append(toks, token{tokOp, s[i:j], i, j})
			} else {
				toks = append(toks, token{tokWord, s[i:j], i, j})
			}
			i = j
		default:
			j := i + 1
			for _, op := range multiOps {
				if strings.HasPrefix(s[i:], op) {
					j = i + len(op)
					break
				}
			}
			toks = append(toks, token{tokOp, s[i:j], i, j})
			i = j
		}
	}
	return toks
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipBlockComment returns the offset after the comment that starts at i.
// Comments nest, as in PostgreSQL and DuckDB.
func skipBlockComment(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// skipQuoted returns the offset after the quoted text that starts at i; a
// doubled quote stands for itself.
func skipQuoted(s string, i int, q byte, backslash bool) int {
	j := i + 1
	for j < len(s) {
		switch {
		case backslash && s[j] == '\\':
			j += 2
		case s[j] == q && j+1 < len(s) && s[j+1] == q:
			j += 2
		case s[j] == q:
			return j + 1
		default:
			j++
		}
	}
	return len(s)
}

// dollarTag returns the opening $tag$ of a PostgreSQL dollar-quoted string
// at the start of s, or "" ($1 is a parameter, not a string).
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1]
		}
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || j > 1 && isDigit(c)) {
			return ""
		}
	}
	return ""
}

func scanNumber(s string, i int) int {
	j := i
	for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == '_') {
		j++
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			j = k
			for j < len(s) && isDigit(s[j]) {
				j++
			}
		}
	}
	return j
}

// relationIndex finds the relations of one manifest in SQL text, to make
// compiled SQL independent of the target it was compiled for.
type relationIndex struct {
	// byKey maps a relation's parts (see relationKey) to the placeholder
	// that stands for its node, "{{model.p.x}}".
	byKey map[string]string
	// schema is the target's schema: a qualifier equal to it, or starting
	// with it and "_" (a custom schema), is written as {{target_schema}}.
	schema string
}

// relationKey joins the parts of a relation name as the engine matches them.
func relationKey(parts ...string) string { return strings.Join(parts, "\x00") }

// newRelationIndex indexes every model, seed and source relation of mf.
func newRelationIndex(mf *Manifest) *relationIndex {
	ix := &relationIndex{byKey: map[string]string{}, schema: mf.Metadata.TargetSchema}
	source := map[string]bool{} // keys claimed by a source
	add := func(id string, rel models.Relation, isSource bool) {
		if rel.Name == "" {
			return
		}
		var keys []string
		if rel.Database != "" {
			keys = append(keys, relationKey(rel.Database, rel.Schema, rel.Name))
		}
		keys = append(keys, relationKey(rel.Schema, rel.Name))
		for _, k := range keys {
			// Two nodes on one relation, such as a source that reads the
			// table a seed loads: the source wins, because it is where it
			// is on every target while the seed moves with the target's
			// schema. Otherwise the smaller id wins.
			prev, ok := ix.byKey[k]
			switch {
			case !ok, isSource && !source[k], isSource == source[k] && "{{"+id+"}}" < prev:
				ix.byKey[k] = "{{" + id + "}}"
				source[k] = source[k] || isSource
			}
		}
	}
	for id, n := range mf.Nodes {
		if n.Config.Materialized != "ephemeral" {
			add(id, n.Relation, false)
		}
	}
	for id, s := range mf.Sources {
		add(id, s.Relation, true)
	}
	return ix
}

// neutral rewrites toks: every dotted name that starts with a relation of
// the index becomes one tokRef token, and every qualifier that names the
// target's schema becomes {{target_schema}}. Offsets are kept, so that the
// caller can also rewrite the text itself.
func (ix *relationIndex) neutral(toks []token) []token {
	if ix == nil {
		return toks
	}
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); {
		n := chainLen(toks, i)
		if n == 0 {
			out = append(out, toks[i])
			i++
			continue
		}
		parts := make([]string, 0, (n+1)/2)
		for k := i; k < i+n; k += 2 {
			parts = append(parts, toks[k].value())
		}
		// The longest prefix that names a relation: db.schema.table or
		// schema.table, possibly followed by .column.
		matched := 0
		for m := min(len(parts), 3); m >= 2; m-- {
			if ph, ok := ix.byKey[relationKey(parts[:m]...)]; ok {
				end := i + 2*m - 1
				out = append(out, token{tokRef, ph, toks[i].start, toks[end-1].end})
				i = end
				matched = m
				break
			}
		}
		if matched > 0 {
			continue
		}
		for k := i; k < i+n; k++ {
			t := toks[k]
			if k < i+n-1 && (t.kind == tokWord || t.kind == tokIdent) && ix.schema != "" {
				v := t.value()
				if v == ix.schema {
					t = token{tokRef, "{{target_schema}}", t.start, t.end}
				} else if rest, ok := strings.CutPrefix(v, ix.schema+"_"); ok {
					t = token{tokRef, "{{target_schema}}_" + rest, t.start, t.end}
				}
			}
			out = append(out, t)
		}
		i += n
	}
	return out
}

// chainLen returns how many tokens from i form a dotted name of two or
// more identifiers (a . b . c counts 5), or 0.
func chainLen(toks []token, i int) int {
	isName := func(k int) bool {
		return k < len(toks) && (toks[k].kind == tokWord || toks[k].kind == tokIdent)
	}
	if !isName(i) || i > 0 && toks[i-1].kind == tokOp && toks[i-1].text == "." {
		return 0
	}
	n := 1
	for isName(i+n+1) && toks[i+n].kind == tokOp && toks[i+n].text == "." {
		n += 2
	}
	if n == 1 {
		return 0
	}
	return n
}

// normalizeSQL returns the comparable form of compiled SQL: its tokens with
// keywords in lower case, joined by single spaces, without comments or a
// final semicolon, and with the relations of ix replaced by their nodes.
func normalizeSQL(sql string, ix *relationIndex) string {
	return joinTokens(normalTokens(sql, ix))
}

// normalTokens is normalizeSQL's token list.
func normalTokens(sql string, ix *relationIndex) []token {
	toks := ix.neutral(tokenize(sql))
	for len(toks) > 0 && toks[len(toks)-1].kind == tokOp && toks[len(toks)-1].text == ";" {
		toks = toks[:len(toks)-1]
	}
	return toks
}

func joinTokens(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.norm())
	}
	return b.String()
}

// rewriteRelations replaces, in sql as written, every relation of from with
// the same node's relation name in names (by unique id, quoted as the other
// manifest wrote it), and every qualifier naming from's target schema with
// schema, so that a diff of two compiled files shows only what the author
// changed. Relations of nodes that names lacks are left as they are.
func rewriteRelations(sql string, from *relationIndex, names map[string]string, schema string) string {
	toks := from.neutral(tokenize(sql))
	var b strings.Builder
	last := 0
	for _, t := range toks {
		if t.kind != tokRef {
			continue
		}
		var repl string
		if rest, ok := strings.CutPrefix(t.text, "{{target_schema}}"); ok {
			if schema == "" {
				continue
			}
			repl = schema + rest
			if q := sql[t.start]; q == '"' || q == '`' {
				repl = string(q) + strings.ReplaceAll(repl, string(q), string(q)+string(q)) + string(q)
			}
		} else {
			id := strings.TrimSuffix(strings.TrimPrefix(t.text, "{{"), "}}")
			if repl = names[id]; repl == "" {
				continue
			}
		}
		b.WriteString(sql[last:t.start])
		b.WriteString(repl)
		last = t.end
	}
	b.WriteString(sql[last:])
	return b.String()
}
