package compiler

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/kiln-sql/kiln/models"
)

// QueryPos places byte offset off of query, a model's SQL as the executor
// ran it (what Render returns, trimmed by TrimStatement), in the project's
// files: the model's template, or the template of an ephemeral model that
// query inlines as a CTE. It is how an error the database reports at run
// time gets the path:line:col of §3.
//
// Templates are read again from disk: Compile does not keep them. ok is
// false when the offset cannot be placed (the model was transpiled to the
// target's dialect, its file is gone, the offset falls in the text kiln
// added around an ephemeral model); the position then names the model's
// file alone, or the ephemeral model's file when the offset is in its CTE.
func (res *Result) QueryPos(name, query string, off int) (pos models.Pos, ok bool) {
	m := res.model(name)
	if m == nil {
		return models.Pos{}, false
	}
	if res.state != nil && res.state.target != "" {
		// The printer wrote the SQL anew: its lines are not the template's.
		return models.Pos{File: m.Path}, false
	}
	return res.placeIn(m, query, off, true, 0)
}

// model returns the enabled model called name, or nil.
func (res *Result) model(name string) *models.Model {
	if res.renderer != nil {
		if m := res.renderer.models[name]; m != nil {
			return m
		}
	}
	if res.Project == nil {
		return nil
	}
	for _, m := range res.Project.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// placeIn places off in text, m's rendered SQL; injected says whether text
// has m's ephemeral models inlined (injectEphemerals), which are then
// followed into their own files.
func (res *Result) placeIn(m *models.Model, text string, off int, injected bool, depth int) (models.Pos, bool) {
	fileOnly := models.Pos{File: m.Path}
	if off < 0 || off > len(text) || depth > len(res.Compiled) {
		return fileOnly, false
	}
	if injected {
		if order := res.ephemeralsOf(m); len(order) > 0 {
			b, found := res.findCTEs(order, text)
			if !found {
				return fileOnly, false
			}
			switch {
			case off >= b.end:
				off -= b.end - b.start
			case off >= b.start:
				for _, c := range b.ctes {
					if off >= c.start && off < c.start+len(c.text) {
						e := res.model(c.name)
						if e == nil {
							return fileOnly, false
						}
						// c.text is the ephemeral's SQL with its leading blank
						// lines trimmed: put them back.
						lead := len(TrimStatement(c.source)) - len(c.text)
						return res.placeIn(e, c.source, off-c.start+lead, c.injected, depth+1)
					}
				}
				return fileOnly, false // in the text around the CTEs
			}
			text = text[:b.start] + text[b.end:]
		}
	}
	raw, err := os.ReadFile(filepath.Join(res.Project.Dir, filepath.FromSlash(m.Path)))
	if err != nil {
		return fileOnly, false
	}
	return newPosMap(string(raw), text).pos(m.Path, off, tokenAt(text, off)), true
}

// cteBlock is the text injectEphemerals added to a model's SQL: bytes
// [start, end), holding one CTE per ephemeral model.
type cteBlock struct {
	start, end int
	ctes       []inlinedCTE
}

// inlinedCTE is one ephemeral model inlined as a CTE.
type inlinedCTE struct {
	name     string
	start    int    // where text starts in the model's SQL
	text     string // the ephemeral's SQL as inlined
	source   string // the SQL text was cut from
	injected bool   // source has ephemeral models inlined in turn
}

// findCTEs finds the CTEs of the ephemeral models in order that
// injectEphemerals put in front of a model's SQL, text. Compile inlines ephemeral models as they were rendered; Render, for
// an incremental run, as they were compiled (with their own ephemerals
// inlined): both are tried.
func (res *Result) findCTEs(order []string, text string) (cteBlock, bool) {
	for _, injected := range []bool{false, true} {
		src := res.rendered
		if injected {
			src = res.Compiled
		}
		var ctes strings.Builder
		var list []inlinedCTE
		for i, name := range order {
			s, ok := src[name]
			if !ok {
				break
			}
			if i > 0 {
				ctes.WriteString(",\n")
			}
			body := strings.TrimLeft(TrimStatement(s), " \t\r\n")
			ctes.WriteString(cteName(name) + " as (\n")
			list = append(list, inlinedCTE{name: name, start: ctes.Len(), text: body, source: s, injected: injected})
			ctes.WriteString(body + "\n)")
		}
		if len(list) != len(order) {
			continue
		}
		all := ctes.String()
		// addCTEs: either "with <ctes>\n" before the query, or "<ctes>,\n"
		// right after the query's own WITH.
		i := skipSpaceAndComments(text, 0)
		base, end := -1, 0
		if strings.HasPrefix(text[i:], "with "+all+"\n") {
			base, end = i+len("with "), i+len("with "+all+"\n")
		} else if hasKeyword(text, i, "with") {
			j := skipSpaceAndComments(text, i+4)
			if hasKeyword(text, j, "recursive") {
				j = skipSpaceAndComments(text, j+9)
			}
			if strings.HasPrefix(text[j:], all+",\n") {
				i, base, end = j, j, j+len(all+",\n")
			}
		}
		if base < 0 {
			continue
		}
		for k := range list {
			list[k].start += base
		}
		return cteBlock{start: i, end: end, ctes: list}, true
	}
	return cteBlock{}, false
}

// ephemeralsOf lists the ephemeral models m reads, directly or not, in the
// order injectEphemerals inlines them.
func (res *Result) ephemeralsOf(m *models.Model) []string {
	var order []string
	seen := map[string]bool{}
	var visit func(mm *models.Model)
	visit = func(mm *models.Model) {
		for _, r := range mm.Refs {
			dep := res.model(r.Name)
			if dep == nil || dep.Config.Materialized != models.Ephemeral || seen[dep.Name] {
				continue
			}
			seen[dep.Name] = true
			visit(dep)
			order = append(order, dep.Name)
		}
	}
	visit(m)
	return order
}
