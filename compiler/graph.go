package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kiln-sql/kiln/compiler/dag"
	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// inheritMacroDeps adds to each model the refs and sources of the macros it
// calls, directly or through other macros, and reports calls of macros that
// do not exist.
func inheritMacroDeps(ms []*models.Model, trees map[string]*parsedTemplate, macroDefs map[string]*parsedTemplate) models.Diagnostics {
	var diags models.Diagnostics
	known := make([]string, 0, len(macroDefs))
	for name := range macroDefs {
		known = append(known, name)
	}
	sort.Strings(known)
	for _, m := range ms {
		pt := trees[m.Name]
		local := func(name string) bool { _, ok := pt.Trees[name]; return ok }
		seen := map[string]bool{}
		queue := append([]models.Ref(nil), pt.Calls...)
		for len(queue) > 0 {
			call := queue[0]
			queue = queue[1:]
			if seen[call.Name] || local(call.Name) {
				continue
			}
			seen[call.Name] = true
			def, ok := macroDefs[call.Name]
			if !ok {
				diags = append(diags, models.Diagnostic{Pos: call.Pos, Severity: models.Error,
					Message: fmt.Sprintf("unknown macro %q", call.Name),
					Hint:    cmpHint(suggest.Hint(call.Name, known), `macros are {{ define "name" }} … {{ end }} blocks in macros/*.sql`)})
				continue
			}
			d := def.ByTree[call.Name]
			m.Macros = append(m.Macros, call.Name)
			// A macro's refs count for the model, positioned at the call.
			for _, r := range d.Refs {
				m.Refs = append(m.Refs, models.Ref{Name: r.Name, Pos: r.Pos})
			}
			for _, s := range d.Sources {
				m.Sources = append(m.Sources, models.SourceRef{Source: s.Source, Table: s.Table, Pos: s.Pos})
			}
			queue = append(queue, d.Calls...)
		}
		sort.Strings(m.Macros)
	}
	return diags
}

// buildGraph connects every node to what it depends on and reports unknown
// refs and sources and every cycle.
func buildGraph(p *models.Project, disabled map[string]bool) (*dag.Graph[string], models.Diagnostics) {
	g := dag.New[string]()
	var diags models.Diagnostics
	ids := map[string]string{} // ref name → unique id
	var refNames []string
	for _, s := range p.Seeds {
		ids[s.Name] = s.UniqueID(p.Name)
		g.Add(ids[s.Name])
		refNames = append(refNames, s.Name)
	}
	for _, m := range p.Models {
		ids[m.Name] = m.UniqueID(p.Name)
		g.Add(ids[m.Name])
		refNames = append(refNames, m.Name)
	}
	sources := map[string]string{}
	tables := map[string][]string{} // source → its tables
	var sourceNames []string
	// A source whose table a seed loads depends on that seed, so that
	// kiln build loads it before testing or reading the source.
	seedByRelation := map[models.Relation]string{}
	for _, s := range p.Seeds {
		seedByRelation[lowerRelation(s.Relation)] = s.UniqueID(p.Name)
	}
	for _, s := range p.Sources {
		id := s.UniqueID(p.Name)
		sources[s.SourceName+"."+s.Name] = id
		if _, ok := tables[s.SourceName]; !ok {
			sourceNames = append(sourceNames, s.SourceName)
		}
		tables[s.SourceName] = append(tables[s.SourceName], s.Name)
		g.Add(id)
		if seed, ok := seedByRelation[lowerRelation(s.Relation)]; ok {
			g.Connect(seed, id)
		}
	}
	for _, m := range p.Models {
		self := ids[m.Name]
		for _, r := range m.Refs {
			if id, ok := ids[r.Name]; ok {
				g.Connect(id, self)
				continue
			}
			if disabled[r.Name] {
				diags = append(diags, models.Diagnostic{Pos: r.Pos, Severity: models.Error,
					Message: fmt.Sprintf("ref to %q, which is disabled", r.Name), Hint: "enable it, or remove the ref"})
				continue
			}
			diags = append(diags, models.Diagnostic{Pos: r.Pos, Severity: models.Error,
				Message: fmt.Sprintf("unknown model %q", r.Name),
				Hint:    cmpHint(suggest.Hint(r.Name, refNames), "models are the .sql files under models/, seeds the .csv files under seeds/")})
		}
		for _, s := range m.Sources {
			if id, ok := sources[s.Source+"."+s.Table]; ok {
				g.Connect(id, self)
				continue
			}
			if tbls, ok := tables[s.Source]; ok {
				diags = append(diags, models.Diagnostic{Pos: s.Pos, Severity: models.Error,
					Message: fmt.Sprintf("source %q has no table %q", s.Source, s.Table),
					Hint:    cmpHint(suggest.Hint(s.Table, tbls), "its tables: "+strings.Join(tbls, ", "))})
				continue
			}
			diags = append(diags, models.Diagnostic{Pos: s.Pos, Severity: models.Error,
				Message: fmt.Sprintf("unknown source %q", s.Source),
				Hint:    cmpHint(suggest.Hint(s.Source, sourceNames), "declare it under sources: in a models/*.yml file")})
		}
	}
	byID := map[string]*models.Model{}
	for _, m := range p.Models {
		byID[ids[m.Name]] = m
	}
	for _, cycle := range g.Cycles() {
		names := make([]string, len(cycle))
		for i, id := range cycle {
			names[i] = id[strings.LastIndexByte(id, '.')+1:]
		}
		// Point at the second model's ref of the first: where the loop closes.
		pos := models.Pos{File: ProjectFile}
		if m := byID[cycle[1]]; m != nil {
			pos = models.Pos{File: m.Path}
			for _, r := range m.Refs {
				if r.Name == names[0] {
					pos = r.Pos
					break
				}
			}
		}
		diags = append(diags, models.Diagnostic{Pos: pos, Severity: models.Error,
			Message: "dependency cycle: " + strings.Join(names, " → "),
			Hint:    "each model here refs the one before it; remove one of these refs to break the loop"})
	}
	return g, diags
}

// brokenModels names the models whose own file has an error: rendering them
// would only repeat it.
func brokenModels(diags models.Diagnostics, ms []*models.Model) map[string]bool {
	bad := map[string]bool{}
	for _, d := range diags {
		if d.Severity == models.Error {
			bad[d.Pos.File] = true
		}
	}
	out := map[string]bool{}
	for _, m := range ms {
		if bad[m.Path] {
			out[m.Name] = true
		}
	}
	return out
}

// injectEphemerals prepends the ephemeral models m depends on, directly or
// through other ephemeral models, as CTEs, upstream first.
func injectEphemerals(sql string, m *models.Model, byName map[string]*models.Model, raw map[string]string) string {
	var order []string
	seen := map[string]bool{}
	var visit func(mm *models.Model)
	visit = func(mm *models.Model) {
		for _, r := range mm.Refs {
			dep := byName[r.Name]
			if dep == nil || dep.Config.Materialized != models.Ephemeral || seen[dep.Name] {
				continue
			}
			seen[dep.Name] = true
			visit(dep)
			order = append(order, dep.Name)
		}
	}
	visit(m)
	if len(order) == 0 {
		return sql
	}
	var ctes strings.Builder
	for i, name := range order {
		if i > 0 {
			ctes.WriteString(",\n")
		}
		fmt.Fprintf(&ctes, "%s as (\n%s\n)", cteName(name), strings.TrimLeft(TrimStatement(raw[name]), " \t\r\n"))
	}
	return addCTEs(sql, ctes.String())
}

// addCTEs puts ctes in front of a query, merging with its own WITH clause.
func addCTEs(sql, ctes string) string {
	i := skipSpaceAndComments(sql, 0)
	if hasKeyword(sql, i, "with") {
		j := skipSpaceAndComments(sql, i+4)
		if hasKeyword(sql, j, "recursive") {
			j = skipSpaceAndComments(sql, j+9)
		}
		return sql[:j] + ctes + ",\n" + sql[j:]
	}
	return sql[:i] + "with " + ctes + "\n" + sql[i:]
}

func hasKeyword(s string, i int, kw string) bool {
	if i+len(kw) > len(s) || !strings.EqualFold(s[i:i+len(kw)], kw) {
		return false
	}
	return i+len(kw) == len(s) || !isIdentByte(s[i+len(kw)])
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// skipSpaceAndComments returns the index of the first byte at or after i
// that is neither white space nor inside a -- or /* */ comment.
func skipSpaceAndComments(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return len(s)
			}
			i += j + 1
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return len(s)
			}
			i += j + 4
		default:
			return i
		}
	}
	return i
}

// TrimStatement removes trailing white space, comments and semicolons from
// a query, so that it can be wrapped in other SQL.
func TrimStatement(sql string) string {
	for {
		t := strings.TrimRight(sql, " \t\r\n;")
		// A trailing line comment would swallow what is appended after it,
		// also one after the SQL on its line ("select 1; -- done").
		start := strings.LastIndexByte(t, '\n') + 1
		if i := lineComment(t[start:]); i >= 0 {
			t = t[:start+i]
		}
		if t == sql {
			return t
		}
		sql = t
	}
}

// lineComment returns where a -- comment starts on line, outside quotes
// and identifiers, or -1.
func lineComment(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '-' && i+1 < len(line) && line[i+1] == '-':
			return i
		}
	}
	return -1
}

// lowerRelation folds a relation's case, as unquoted SQL names do.
func lowerRelation(r models.Relation) models.Relation {
	return models.Relation{Database: strings.ToLower(r.Database), Schema: strings.ToLower(r.Schema), Name: strings.ToLower(r.Name)}
}
