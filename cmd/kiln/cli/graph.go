package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// graphNode is one node of kiln graph's output.
type graphNode struct {
	ID           string   `json:"unique_id"`
	Name         string   `json:"name"`
	ResourceType string   `json:"resource_type"`
	Materialized string   `json:"materialized,omitempty"`
	Path         string   `json:"original_file_path"`
	Relation     string   `json:"relation,omitempty"`
	Tags         []string `json:"tags"`
}

// graphEdge runs from an upstream node to a node that reads it.
type graphEdge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// depGraph is a selection of the project's DAG: kiln graph --format json.
type depGraph struct {
	Nodes []graphNode `json:"nodes"` // sorted by id
	Edges []graphEdge `json:"edges"` // sorted
}

func (a *app) graphCommand() *cobra.Command {
	var sel selection
	var format string
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Print the dependency graph for Graphviz, GitHub markdown (Mermaid) or tools (JSON)",
		Long: `graph prints the selected models, seeds and sources and the edges between
them, without touching a database. DOT is for Graphviz (shapes and colours say
what each node is), Mermaid renders in GitHub issues and pull requests, and
JSON is {nodes, edges} for tools.`,
		Example: `  kiln graph | dot -Tsvg > dag.svg
  kiln graph --select +customers --format mermaid
  kiln graph --format json | jq '.edges | length'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "dot" && format != "mermaid" && format != "json" {
				return usageError{fmt.Errorf("--format must be dot, mermaid or json, not %q", format)}
			}
			p, err := a.load()
			if err != nil {
				return err
			}
			defer p.printer.close()
			ids, err := p.selectNodes(sel, models.ResourceModel, models.ResourceSeed, models.ResourceSource)
			if err != nil {
				return err
			}
			g := newDepGraph(p.res.Manifest(), ids)
			out := cmd.OutOrStdout()
			switch format {
			case "mermaid":
				return g.writeMermaid(out)
			case "json":
				data, err := json.MarshalIndent(g, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "%s\n", data)
				return err
			}
			return g.writeDOT(out, p.res.Project.Name)
		},
	}
	sel.register(cmd)
	cmd.Flags().StringVar(&format, "format", "dot", "dot, mermaid or json")
	return cmd
}

// newDepGraph takes the nodes ids of a manifest and the edges between them.
func newDepGraph(mf *compiler.Manifest, ids []string) *depGraph {
	g := &depGraph{Nodes: []graphNode{}, Edges: []graphEdge{}}
	keep := map[string]bool{}
	for _, id := range ids {
		if n, ok := mf.Nodes[id]; ok {
			mat := string(n.Config.Materialized)
			if n.ResourceType != string(models.ResourceModel) {
				mat = ""
			}
			g.Nodes = append(g.Nodes, graphNode{ID: id, Name: n.Name, ResourceType: n.ResourceType, Materialized: mat,
				Path: n.Path, Relation: n.Relation.String(), Tags: nonNilStrings(n.Tags)})
			if mat == string(models.Ephemeral) {
				g.Nodes[len(g.Nodes)-1].Relation = ""
			}
		} else if s, ok := mf.Sources[id]; ok {
			g.Nodes = append(g.Nodes, graphNode{ID: id, Name: s.SourceName + "." + s.Name, ResourceType: string(models.ResourceSource),
				Path: s.Path, Relation: s.Relation.String(), Tags: []string{}})
		} else {
			continue
		}
		keep[id] = true
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })
	for _, n := range g.Nodes {
		for _, c := range mf.ChildMap[n.ID] {
			if keep[c] {
				g.Edges = append(g.Edges, graphEdge{From: n.ID, To: c})
			}
		}
	}
	sort.Slice(g.Edges, func(i, j int) bool {
		if g.Edges[i].From != g.Edges[j].From {
			return g.Edges[i].From < g.Edges[j].From
		}
		return g.Edges[i].To < g.Edges[j].To
	})
	return g
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// kind is what decides a node's shape and colour: its materialization,
// or its resource type for seeds and sources.
func (n graphNode) kind() string {
	if n.Materialized != "" {
		return n.Materialized
	}
	return n.ResourceType
}

// dotStyle is the Graphviz shape, style and fill of each kind of node.
var dotStyle = map[string]string{
	"table":             `shape=box, style="filled", fillcolor="#cfe2ff"`,
	"view":              `shape=box, style="rounded,filled", fillcolor="#d1e7dd"`,
	"incremental":       `shape=box3d, style="filled", fillcolor="#ffe5b4"`,
	"materialized_view": `shape=box, style="rounded,filled,bold", fillcolor="#e2d9f3"`,
	"ephemeral":         `shape=box, style="rounded,dashed", color="#6c757d", fontcolor="#6c757d"`,
	"seed":              `shape=note, style="filled", fillcolor="#f8d7da"`,
	"source":            `shape=cylinder, style="filled", fillcolor="#e9ecef"`,
}

// dotQuote quotes s as a DOT string.
// dotEscaper is built once: a Replacer is costly to make and cheap to use.
var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func dotQuote(s string) string {
	return `"` + dotEscaper.Replace(s) + `"`
}

// writeDOT writes the graph for Graphviz: left to right, one statement per
// line, nodes then edges, in the order of their ids.
func (g *depGraph) writeDOT(w io.Writer, project string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(project))
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11];\n")
	b.WriteString("  edge [color=\"#6c757d\", arrowsize=0.7];\n")
	for _, n := range g.Nodes {
		style, ok := dotStyle[n.kind()]
		if !ok {
			style = `shape=box`
		}
		fmt.Fprintf(&b, "  %s [label=%s, tooltip=%s, %s];\n", dotQuote(n.ID), dotQuote(n.Name+"\n"+n.kind()), dotQuote(n.Path), style)
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s;\n", dotQuote(e.From), dotQuote(e.To))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidShape wraps a quoted label in the Mermaid shape of each kind.
var mermaidShape = map[string][2]string{
	"table":             {"[", "]"},
	"view":              {"(", ")"},
	"incremental":       {"[[", "]]"},
	"materialized_view": {"{{", "}}"},
	"ephemeral":         {">", "]"},
	"seed":              {"[/", "/]"},
	"source":            {"[(", ")]"},
}

// mermaidClasses are the class definitions of each kind of node, prefixed
// so that no class name is one of Mermaid's keywords.
var mermaidClasses = []string{
	"classDef kiln_table fill:#cfe2ff,stroke:#0a58ca,color:#000",
	"classDef kiln_view fill:#d1e7dd,stroke:#146c43,color:#000",
	"classDef kiln_incremental fill:#ffe5b4,stroke:#b35900,color:#000",
	"classDef kiln_materialized_view fill:#e2d9f3,stroke:#59359a,color:#000",
	"classDef kiln_ephemeral fill:#ffffff,stroke:#6c757d,color:#6c757d,stroke-dasharray:4 2",
	"classDef kiln_seed fill:#f8d7da,stroke:#b02a37,color:#000",
	"classDef kiln_source fill:#e9ecef,stroke:#495057,color:#000",
}

// mermaidLabel quotes s as a Mermaid label: quotes and angle brackets as
// Mermaid's entity codes, so that no name can end the label or inject
// markup.
func mermaidLabel(s string) string {
	return `"` + mermaidEscaper.Replace(s) + `"`
}

var mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ", "`", "#96;")

// writeMermaid writes the graph as a Mermaid flowchart. Nodes get short
// ids (n0, n1 …) in the order of their unique ids, so that no name needs
// escaping outside a quoted label.
func (g *depGraph) writeMermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	short := map[string]string{}
	used := map[string]bool{}
	for i, n := range g.Nodes {
		id := fmt.Sprintf("n%d", i)
		short[n.ID] = id
		shape, ok := mermaidShape[n.kind()]
		if !ok {
			shape = [2]string{"[", "]"}
		}
		fmt.Fprintf(&b, "  %s%s%s%s:::kiln_%s\n", id, shape[0], mermaidLabel(n.Name), shape[1], n.kind())
		used[n.kind()] = true
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s --> %s\n", short[e.From], short[e.To])
	}
	for _, c := range mermaidClasses {
		if used[strings.TrimPrefix(strings.Fields(c)[1], "kiln_")] {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
