package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
)

func (a *app) diffCommand() *cobra.Command {
	var format string
	var failOnBreaking bool
	cmd := &cobra.Command{
		Use:   "diff --state DIR",
		Short: "Show what changed against another run's manifest: models, downstream impact, SQL",
		Long: `diff compiles the project and compares it with the manifest in --state DIR
(typically the main branch's target/), without touching a database. It lists
the models, seeds and sources that were added, removed or modified, says
whether each modification can break what reads it, which models downstream
it reaches, and shows the compiled SQL before and after.

Changes that do not change what runs are not reported: whitespace, comments,
the case of keywords, and the schema a target puts relations in. See
docs/state.md for the rules.

--format markdown is made to be posted on a pull request: a one-line summary,
a Mermaid graph of the changes and their downstream impact, a table, and the
SQL diffs folded in <details>.`,
		Example: `  kiln diff --state prod-target/
  kiln diff --state base/target --format markdown > diff.md
  kiln diff --state base/target --format json | jq '.summary'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "markdown" && format != "json" {
				return usageError{fmt.Errorf("--format must be text, markdown or json, not %q", format)}
			}
			if a.g.state == "" {
				return usageError{fmt.Errorf("kiln diff needs --state DIR: the target/ directory of the run to compare with")}
			}
			p, err := a.load()
			if err != nil {
				return err
			}
			defer p.printer.close()
			p.checkNodeDiagnostics(nil) // builds nothing: they are warnings here
			d := compiler.NewDiff(p.res.State().Manifest, p.res.Manifest())
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				data, err := json.MarshalIndent(d, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "%s\n", data)
				if err != nil {
					return err
				}
			case "markdown":
				if _, err := io.WriteString(out, diffMarkdown(d)); err != nil {
					return err
				}
			default:
				if _, err := io.WriteString(out, diffText(d)); err != nil {
					return err
				}
			}
			if failOnBreaking && d.Summary.Breaking > 0 {
				return exitError{ExitFailure}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, markdown or json")
	cmd.Flags().BoolVar(&failOnBreaking, "fail-on-breaking", false, "exit 1 when a change is breaking")
	return cmd
}

// diffHeadline is the one-line summary of a diff.
func diffHeadline(d *compiler.Diff) string {
	s := d.Summary
	tests := ""
	if s.Tests > 0 {
		tests = fmt.Sprintf("; %d %s changed", s.Tests, plural(s.Tests, "test", "tests"))
	}
	if s.Added+s.Removed+s.Modified == 0 {
		return "no changes to models, seeds or sources" + tests
	}
	var parts []string
	if s.Modified > 0 {
		parts = append(parts, fmt.Sprintf("%d modified", s.Modified))
	}
	if s.Added > 0 {
		parts = append(parts, fmt.Sprintf("%d added", s.Added))
	}
	if s.Removed > 0 {
		parts = append(parts, fmt.Sprintf("%d removed", s.Removed))
	}
	line := strings.Join(parts, ", ")
	if s.Breaking > 0 {
		line += fmt.Sprintf(" (%d breaking)", s.Breaking)
	} else {
		line += " (none breaking)"
	}
	return line + fmt.Sprintf("; %d downstream %s impacted", s.Impacted, plural(s.Impacted, "node", "nodes")) + tests
}

// verdict is a change's classification in a word or two.
func verdict(c compiler.NodeChange) string {
	switch {
	case c.Status == compiler.Added:
		return "added"
	case c.Status == compiler.Removed:
		return "removed, breaking"
	case c.Breaking:
		return "breaking"
	}
	return "non-breaking"
}

// names maps the unique ids of a diff's nodes to their names.
func diffNames(d *compiler.Diff) map[string]string {
	m := map[string]string{}
	for _, c := range d.Changes {
		m[c.ID] = c.Name
	}
	for _, n := range d.Impacted {
		m[n.ID] = n.Name
	}
	return m
}

func nameList(ids []string, names map[string]string) string {
	if len(ids) == 0 {
		return "none"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = names[id]
		if out[i] == "" {
			out[i] = id
		}
	}
	return strings.Join(out, ", ")
}

// bySeverity orders a diff's changes for a reader: breaking first
// (removed nodes, then breaking modifications), then the rest of the
// modifications, then additions; by unique id within each.
func bySeverity(d *compiler.Diff) []compiler.NodeChange {
	rank := func(c compiler.NodeChange) int {
		switch {
		case c.Status == compiler.Removed:
			return 0
		case c.Breaking:
			return 1
		case c.Status == compiler.Modified:
			return 2
		}
		return 3
	}
	out := slices.Clone(d.Changes)
	slices.SortStableFunc(out, func(a, b compiler.NodeChange) int { return rank(a) - rank(b) })
	return out
}

// diffText is kiln diff's text format: the summary, one block per change
// with its reasons and downstream, then the SQL diffs.
func diffText(d *compiler.Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kiln diff: %s\n", diffHeadline(d))
	fmt.Fprintf(&b, "base: target %s (%s, kiln %s); head: target %s (%s, kiln %s)\n",
		d.Base.Target, d.Base.TargetType, d.Base.KilnVersion, d.Head.Target, d.Head.TargetType, d.Head.KilnVersion)
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	names := diffNames(d)
	changes := bySeverity(d)
	for _, c := range changes {
		fmt.Fprintf(&b, "\n%-8s %s %s (%s): %s\n", c.Status, c.ResourceType, c.Name, c.Path, verdict(c))
		for _, r := range c.Reasons {
			mark := "~"
			if r.Breaking {
				mark = "!"
			}
			fmt.Fprintf(&b, "    %s %s\n", mark, r.Text)
		}
		fmt.Fprintf(&b, "    downstream: %s\n", nameList(c.Downstream, names))
	}
	for _, c := range changes {
		if c.SQLDiff != "" {
			b.WriteString("\n")
			b.WriteString(c.SQLDiff)
		}
	}
	return b.String()
}

// markdownBudget bounds the SQL diffs of a markdown report, so that it
// fits a GitHub comment (65,536 characters).
const markdownBudget = 50000

// diffMarkdown is kiln diff's GitHub-flavoured markdown: a summary line, a
// Mermaid graph of the changes and what they reach, a table, and each SQL
// diff folded in <details>.
func diffMarkdown(d *compiler.Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### kiln diff: %s\n\n", mdEscape(diffHeadline(d)))
	fmt.Fprintf(&b, "Base: target `%s` (%s) · head: target `%s` (%s)\n\n", d.Base.Target, d.Base.TargetType, d.Head.Target, d.Head.TargetType)
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "> **Warning:** %s\n\n", mdEscape(w))
	}
	if len(d.Changes) == 0 {
		return b.String()
	}
	if g := diffMermaid(d); g != "" {
		b.WriteString("```mermaid\n")
		b.WriteString(g)
		b.WriteString("```\n\n")
		b.WriteString("<sub>red: breaking · yellow: non-breaking · green: added · grey, dashed: removed · white: downstream, unchanged</sub>\n\n")
	}
	names := diffNames(d)
	b.WriteString("| node | change | what changed | downstream |\n")
	b.WriteString("|---|---|---|---|\n")
	changes := bySeverity(d)
	for _, c := range changes {
		var rs []string
		for _, r := range c.Reasons {
			text := mdEscape(r.Text)
			if r.Breaking {
				text = "**" + text + "**"
			}
			rs = append(rs, text)
		}
		what := strings.Join(rs, "<br>")
		if what == "" {
			what = "–"
		}
		v := verdict(c)
		if c.Breaking {
			v = "**" + v + "**"
		}
		fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s |\n", c.Name, c.ResourceType, v, what, mdEscape(nameList(c.Downstream, names)))
	}
	budget := markdownBudget
	for _, c := range changes {
		if c.SQLDiff == "" {
			continue
		}
		fmt.Fprintf(&b, "\n<details><summary><code>%s</code>: compiled SQL</summary>\n\n", htmlEscape(c.Path))
		if len(c.SQLDiff) > budget {
			b.WriteString("The diff is too long for a comment; run `kiln diff` to see it.\n")
		} else {
			budget -= len(c.SQLDiff)
			fence := codeFence(c.SQLDiff)
			fmt.Fprintf(&b, "%sdiff\n%s%s\n", fence, c.SQLDiff, fence)
		}
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

// maxMermaidNodes keeps the graph of a huge change out of the comment:
// Mermaid gives up on it, and nobody could read it.
const maxMermaidNodes = 150

// diffMermaid draws the changed nodes and what they reach; "" when there
// are too many.
func diffMermaid(d *compiler.Diff) string {
	if len(d.Changes)+len(d.Impacted) > maxMermaidNodes {
		return ""
	}
	type node struct{ id, name, class string }
	var nodes []node
	for _, c := range d.Changes {
		class := "nonbreaking"
		switch {
		case c.Status == compiler.Added:
			class = "added"
		case c.Status == compiler.Removed:
			class = "removed"
		case c.Breaking:
			class = "breaking"
		}
		nodes = append(nodes, node{c.ID, c.Name, class})
	}
	for _, n := range d.Impacted {
		nodes = append(nodes, node{n.ID, n.Name, "impacted"})
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	short := map[string]string{}
	for i, n := range nodes {
		short[n.id] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "  %s[%s]:::%s\n", short[n.id], mermaidLabel(n.name), n.class)
	}
	for _, e := range d.Edges {
		if short[e[0]] != "" && short[e[1]] != "" {
			fmt.Fprintf(&b, "  %s --> %s\n", short[e[0]], short[e[1]])
		}
	}
	b.WriteString("  classDef breaking fill:#ffd7d5,stroke:#d1242f,color:#000\n")
	b.WriteString("  classDef nonbreaking fill:#fff8c5,stroke:#9a6700,color:#000\n")
	b.WriteString("  classDef added fill:#dafbe1,stroke:#1a7f37,color:#000\n")
	b.WriteString("  classDef removed fill:#eaeef2,stroke:#6e7781,color:#000,stroke-dasharray:4 2\n")
	b.WriteString("  classDef impacted fill:#ffffff,stroke:#6e7781,color:#000\n")
	return b.String()
}

// The escapers are built once: a Replacer is costly to make, cheap to use.
var (
	mdEscaper   = strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "&", "&amp;", "*", `\*`, "_", `\_`, "`", "\\`")
	htmlEscaper = strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;", `"`, "&quot;")
)

// mdEscape makes text safe in a markdown table cell.
func mdEscape(s string) string { return mdEscaper.Replace(s) }

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// codeFence returns a backtick fence longer than any run of backticks in s.
func codeFence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
