package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/models"
)

// sqlParser returns the invocation's SQL parser, creating it on first use.
func (a *app) sqlParser() compiler.Analyzer {
	if a.parser == nil {
		a.parser = duckdbParser()
	}
	return a.parser
}

func (a *app) lineageCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "lineage MODEL.COLUMN",
		Short: "Show where a column comes from and what it feeds",
		Long: `lineage traces one column through the project's SQL: upstream, the model,
seed and source columns it is computed from, down to the seeds and sources;
downstream, the columns of other models computed from it. With only MODEL it
lists the model's columns and their direct sources.`,
		Example: `  kiln lineage customers.lifetime_value
  kiln lineage stg_orders`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := a.load()
			if err != nil {
				return err
			}
			defer p.printer.close()
			p.checkNodeDiagnostics(nil) // builds nothing: they are warnings here
			model, column, _ := strings.Cut(args[0], ".")
			res := p.res
			m := res.Project.Model(model)
			if m == nil {
				var names []string
				for _, mm := range res.Project.Models {
					names = append(names, mm.Name)
				}
				return usageError{fmt.Errorf("unknown model %q\n\thint: %s", model, hintOr(suggest.Hint(model, names), "kiln ls lists the models"))}
			}
			an := res.Analysis(model)
			if an == nil || an.Columns == nil {
				why := "its columns are not known"
				if an != nil && an.NotAnalysed != "" {
					why = "it was not analysed: " + an.NotAnalysed
				}
				return fmt.Errorf("no lineage for %s: %s", model, why)
			}
			l := &lineage{res: res, w: a.stdout}
			if column == "" {
				for _, c := range an.Columns {
					l.line(0, fmt.Sprintf("%s.%s%s", model, c.Name, typeSuffix(c.DataType)))
					for _, s := range an.Lineage[c.Name] {
						l.line(1, "← "+l.name(s.Relation, s.Column))
					}
				}
				return nil
			}
			col := findColumn(an.Columns, column)
			if col == nil {
				var names []string
				for _, c := range an.Columns {
					names = append(names, c.Name)
				}
				return usageError{fmt.Errorf("model %s has no column %q\n\thint: %s", model, column, hintOr(suggest.Hint(column, names), "its columns: "+strings.Join(names, ", ")))}
			}
			id := m.UniqueID(res.Project.Name)
			l.line(0, fmt.Sprintf("%s.%s%s", model, col.Name, typeSuffix(col.DataType)))
			fmt.Fprintln(a.stdout, "upstream:")
			if !l.upstream(id, col.Name, 1, map[string]bool{}) {
				l.line(1, "(none: computed from constants)")
			}
			fmt.Fprintln(a.stdout, "downstream:")
			if !l.downstream(id, col.Name, 1, map[string]bool{}) {
				l.line(1, "(none)")
			}
			return nil
		},
	}
}

func hintOr(h, def string) string {
	if h != "" {
		return h
	}
	return def
}

func typeSuffix(t string) string {
	if t == "" {
		return ""
	}
	return "  (" + strings.ToLower(t) + ")"
}

func findColumn(cols []models.Column, name string) *models.Column {
	for i := range cols {
		if strings.EqualFold(cols[i].Name, name) {
			return &cols[i]
		}
	}
	return nil
}

type lineage struct {
	res *compiler.Result
	w   io.Writer
}

func (l *lineage) line(depth int, s string) {
	fmt.Fprintf(l.w, "%s%s\n", strings.Repeat("  ", depth), s)
}

// name is how a column of a node is shown: model.col, seed:name.col,
// source:src.table.col.
func (l *lineage) name(id, column string) string {
	switch n := l.res.Node(id).(type) {
	case *models.Model:
		return n.Name + "." + column
	case *models.Seed:
		return "seed " + n.Name + "." + column
	case *models.Source:
		return "source " + n.SourceName + "." + n.Name + "." + column
	}
	return id + "." + column
}

func (l *lineage) upstream(id, column string, depth int, seen map[string]bool) bool {
	m, ok := l.res.Node(id).(*models.Model)
	if !ok {
		return false
	}
	an := l.res.Analysis(m.Name)
	if an == nil {
		return false
	}
	srcs := an.Lineage[column]
	for _, s := range srcs {
		l.line(depth, "← "+l.name(s.Relation, s.Column))
		key := s.Relation + "\x00" + s.Column
		if seen[key] {
			continue
		}
		seen[key] = true
		l.upstream(s.Relation, s.Column, depth+1, seen)
	}
	return len(srcs) > 0
}

func (l *lineage) downstream(id, column string, depth int, seen map[string]bool) bool {
	type hit struct{ model, col string }
	var hits []hit
	for _, childID := range l.res.Graph.Children(id) {
		m, ok := l.res.Node(childID).(*models.Model)
		if !ok {
			continue
		}
		an := l.res.Analysis(m.Name)
		if an == nil {
			continue
		}
		for _, c := range an.Columns {
			for _, s := range an.Lineage[c.Name] {
				if s.Relation == id && strings.EqualFold(s.Column, column) {
					hits = append(hits, hit{childID, c.Name})
					break
				}
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].model != hits[j].model {
			return hits[i].model < hits[j].model
		}
		return hits[i].col < hits[j].col
	})
	for _, h := range hits {
		l.line(depth, "→ "+l.name(h.model, h.col))
		key := h.model + "\x00" + h.col
		if seen[key] {
			continue
		}
		seen[key] = true
		l.downstream(h.model, h.col, depth+1, seen)
	}
	return len(hits) > 0
}

func duckdbParser() *duckdb.Parser { return duckdb.NewParser() }
