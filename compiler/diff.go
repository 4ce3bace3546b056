package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/kiln-sql/kiln/models"
)

// Diff is what a change to a project does, seen from a reviewer's chair:
// the nodes it adds, removes and modifies, whether each modification can
// break what reads the node, which nodes downstream it reaches, and the
// compiled SQL before and after. kiln diff prints it.
type Diff struct {
	Base DiffSide `json:"base"`
	Head DiffSide `json:"head"`
	// Warnings say why the comparison may show more than the author
	// changed, such as manifests from two kiln versions.
	Warnings []string     `json:"warnings"`
	Summary  DiffSummary  `json:"summary"`
	Changes  []NodeChange `json:"changes"` // sorted by unique id
	// Impacted are the nodes downstream of a change that did not change
	// themselves, sorted by unique id.
	Impacted []DiffNode `json:"impacted"`
	// Edges connect the nodes of Changes and Impacted, upstream first,
	// sorted.
	Edges [][2]string `json:"edges"`
}

// DiffSide describes one of the two manifests.
type DiffSide struct {
	Project     string `json:"project"`
	Target      string `json:"target"`
	TargetType  string `json:"target_type"`
	KilnVersion string `json:"kiln_version"`
}

// DiffSummary counts the changes.
type DiffSummary struct {
	Added    int `json:"added"`
	Removed  int `json:"removed"`
	Modified int `json:"modified"`
	Breaking int `json:"breaking"`
	Impacted int `json:"impacted"`
	// Tests counts the data tests added, removed or modified.
	Tests int `json:"tests"`
}

// DiffNode names a node of the graph.
type DiffNode struct {
	ID           string `json:"unique_id"`
	Name         string `json:"name"`
	ResourceType string `json:"resource_type"`
	Materialized string `json:"materialized,omitempty"`
}

// NodeChange is one added, removed or modified node.
type NodeChange struct {
	Change
	Materialized string `json:"materialized,omitempty"`
	// Breaking says whether the change can break what reads the node:
	// a removed node, a removed or retyped column, a changed filter, join,
	// grain or column expression, a moved relation.
	Breaking bool `json:"breaking"`
	// Reasons say what changed, breaking ones first.
	Reasons []Reason `json:"reasons"`
	// Downstream are the unique ids of every node the change reaches
	// (models, seeds and snapshots; not tests), sorted.
	Downstream []string `json:"downstream"`
	// SQLDiff is a unified diff of the compiled SQL, with the head's
	// relations written as the base's, so that a change of target does not
	// show; empty when the SQL did not change.
	SQLDiff string `json:"sql_diff,omitempty"`
}

// Reason is one thing that changed in a node.
type Reason struct {
	Text     string `json:"text"`
	Breaking bool   `json:"breaking"`
}

// NewDiff compares base (another run's manifest, --state) with head (the
// project's).
func NewDiff(base, head *Manifest) *Diff {
	c := newComparison(base, head)
	d := &Diff{
		Base:     DiffSide{Project: base.Metadata.ProjectName, Target: base.Metadata.TargetName, TargetType: base.Metadata.TargetType, KilnVersion: base.Metadata.KilnVersion},
		Head:     DiffSide{Project: head.Metadata.ProjectName, Target: head.Metadata.TargetName, TargetType: head.Metadata.TargetType, KilnVersion: head.Metadata.KilnVersion},
		Warnings: []string{}, Changes: []NodeChange{}, Impacted: []DiffNode{}, Edges: [][2]string{},
	}
	if d.Base.KilnVersion != d.Head.KilnVersion {
		d.Warnings = append(d.Warnings, fmt.Sprintf("the state was written by kiln %s and this is kiln %s: compiled SQL may differ for that reason alone", d.Base.KilnVersion, d.Head.KilnVersion))
	}
	if d.Base.TargetType != d.Head.TargetType {
		d.Warnings = append(d.Warnings, fmt.Sprintf("the state was compiled for %s and the project for %s: models are transpiled for each, so their SQL differs", d.Base.TargetType, d.Head.TargetType))
	}
	if d.Base.Project != d.Head.Project {
		d.Warnings = append(d.Warnings, fmt.Sprintf("the state is of project %q and this is %q: every node has another id", d.Base.Project, d.Head.Project))
	}

	changed := map[string]bool{}
	for _, ch := range Compare(base, head) {
		if ch.ResourceType == string(models.ResourceTest) {
			// Tests are counted, not listed: they change nothing downstream.
			d.Summary.Tests++
			continue
		}
		nc := NodeChange{Change: ch, Reasons: []Reason{}, Downstream: []string{}}
		c.explain(&nc)
		changed[ch.ID] = true
		d.Changes = append(d.Changes, nc)
		switch ch.Status {
		case Added:
			d.Summary.Added++
		case Removed:
			d.Summary.Removed++
		case Modified:
			d.Summary.Modified++
		}
		if nc.Breaking {
			d.Summary.Breaking++
		}
	}

	// Downstream: through the head's graph, or the base's for a removed
	// node (the head no longer knows its children by it).
	shown := map[string]bool{}
	for i := range d.Changes {
		nc := &d.Changes[i]
		mf := head
		if nc.Status == Removed {
			mf = base
		}
		nc.Downstream = descendants(mf, nc.ID)
		shown[nc.ID] = true
		for _, id := range nc.Downstream {
			shown[id] = true
		}
	}
	for _, id := range sortedKeys(shown) {
		if !changed[id] {
			d.Impacted = append(d.Impacted, diffNode(head, id))
		}
	}
	d.Summary.Impacted = len(d.Impacted)
	edges := map[[2]string]bool{}
	for _, mf := range []*Manifest{base, head} {
		for from, children := range mf.ChildMap {
			if !shown[from] {
				continue
			}
			for _, to := range children {
				// An edge of the base counts only if a node of it is gone.
				if shown[to] && (mf == head || !inManifest(head, from) || !inManifest(head, to)) {
					edges[[2]string{from, to}] = true
				}
			}
		}
	}
	for e := range edges {
		d.Edges = append(d.Edges, e)
	}
	sort.Slice(d.Edges, func(i, j int) bool {
		if d.Edges[i][0] != d.Edges[j][0] {
			return d.Edges[i][0] < d.Edges[j][0]
		}
		return d.Edges[i][1] < d.Edges[j][1]
	})
	return d
}

func inManifest(mf *Manifest, id string) bool {
	_, n := mf.Nodes[id]
	_, s := mf.Sources[id]
	return n || s
}

func diffNode(mf *Manifest, id string) DiffNode {
	if n, ok := mf.Nodes[id]; ok {
		return DiffNode{ID: id, Name: n.Name, ResourceType: n.ResourceType, Materialized: string(n.Config.Materialized)}
	}
	if s, ok := mf.Sources[id]; ok {
		return DiffNode{ID: id, Name: s.SourceName + "." + s.Name, ResourceType: string(models.ResourceSource)}
	}
	return DiffNode{ID: id, Name: id}
}

// descendants walks a manifest's child map from id, keeping models, seeds
// and sources (not data tests, nor unit tests, which the child map also
// holds).
func descendants(mf *Manifest, id string) []string {
	seen := map[string]bool{}
	queue := []string{id}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, c := range mf.ChildMap[v] {
			if seen[c] {
				continue
			}
			seen[c] = true
			queue = append(queue, c)
		}
	}
	out := []string{}
	for _, c := range sortedKeys(seen) {
		n, isNode := mf.Nodes[c]
		_, isSource := mf.Sources[c]
		if isNode && n.ResourceType != string(models.ResourceTest) || isSource {
			out = append(out, c)
		}
	}
	return out
}

// asBase rewrites the head's compiled SQL of node id with the base's
// relation names and target schema, so that a diff shows only what the
// author changed.
func (c *comparison) asBase(sql, id string) string {
	names := map[string]string{}
	for nid, n := range c.base.Nodes {
		if n.Config.Materialized != models.Ephemeral {
			names[nid] = n.RelationName
		}
	}
	for nid, s := range c.base.Sources {
		names[nid] = s.RelationName
	}
	if n, ok := c.head.Nodes[id]; ok && n.Config.Materialized == models.Ephemeral {
		delete(names, id)
	}
	return rewriteRelations(sql, c.hix, names, c.base.Metadata.TargetSchema)
}

// explain fills in a change's reasons, breaking flag and SQL diff.
func (c *comparison) explain(nc *NodeChange) {
	b, _ := c.lookup(c.base, nc.ID)
	h, _ := c.lookup(c.head, nc.ID)
	switch nc.Status {
	case Added:
		nc.Materialized = materialized(h)
		nc.SQLDiff = unified(nc.Path, "", c.asBase(compiledOf(h), nc.ID))
		return
	case Removed:
		nc.Materialized = materialized(b)
		nc.Breaking = true
		nc.Reasons = append(nc.Reasons, Reason{Text: "removed: whatever reads it breaks", Breaking: true})
		nc.SQLDiff = unified(nc.Path, compiledOf(b), "")
		return
	}
	nc.Materialized = materialized(h)
	var rs []Reason
	add := func(text string, breaking bool) { rs = append(rs, Reason{Text: text, Breaking: breaking}) }

	if c.bodyChanged(b, h) {
		if h.node.ResourceType == string(models.ResourceSeed) {
			add("contents changed", true)
		} else {
			for _, r := range compareQueries(normalTokens(b.node.CompiledCode, c.bix), normalTokens(h.node.CompiledCode, c.hix)) {
				add(r.Text, r.Breaking)
			}
			if len(rs) == 0 {
				add("compiled SQL changed", true)
			}
			headSQL := c.asBase(h.node.CompiledCode, nc.ID)
			nc.SQLDiff = unified(nc.Path, b.node.CompiledCode, headSQL)
		}
	}

	cols := compareColumns(b, h)
	for _, n := range cols.removed {
		add(fmt.Sprintf("column %s removed", n), true)
	}
	for _, t := range cols.retyped {
		add(fmt.Sprintf("column %s retyped: %s → %s", t[0], t[1], t[2]), true)
	}
	for _, n := range cols.added {
		add(fmt.Sprintf("column %s added", n), false)
	}

	for _, cd := range c.configDiffs(b, h) {
		breaking := false
		switch cd.Key {
		case "schema", "alias", "database", "relation":
			breaking = true // the relation moves: readers outside the project lose it
		case "materialized":
			breaking = cd.Head == `"ephemeral"` // the relation is no longer built
		case "contract.enforced":
			breaking = false
		}
		add(fmt.Sprintf("config %s: %s → %s", cd.Key, orUnset(cd.Base), orUnset(cd.Head)), breaking)
	}

	if b.description() != h.description() {
		add("description changed", false)
	}
	if cols.descriptions {
		add("column descriptions changed", false)
	}

	// Breaking reasons first; then as found. Duplicates (the same column
	// removed by the SQL and by the column list) once.
	seen := map[string]bool{}
	var uniq []Reason
	for _, r := range rs {
		if !seen[r.Text] {
			seen[r.Text] = true
			uniq = append(uniq, r)
		}
	}
	sort.SliceStable(uniq, func(i, j int) bool { return uniq[i].Breaking && !uniq[j].Breaking })
	nc.Reasons = append(nc.Reasons, uniq...)
	for _, r := range uniq {
		nc.Breaking = nc.Breaking || r.Breaking
	}
}

func orUnset(v string) string {
	if v == "" {
		return "(unset)"
	}
	return v
}

func materialized(s side) string {
	if s.node == nil {
		return ""
	}
	return string(s.node.Config.Materialized)
}

func compiledOf(s side) string {
	if s.node == nil {
		return ""
	}
	return s.node.CompiledCode
}

// unified is a unified diff of two versions of a file's compiled SQL, with
// three lines of context; "" when they are equal or both empty.
func unified(path, a, b string) string {
	if a == b {
		return ""
	}
	from, to := "a/"+path, "b/"+path
	if a == "" {
		from = "/dev/null"
	}
	if b == "" {
		to = "/dev/null"
	}
	text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: splitLines(a), B: splitLines(b), FromFile: from, ToFile: to, Context: 3,
	})
	if err != nil {
		return ""
	}
	return text
}

// splitLines splits text into lines that each end in a newline, so that a
// missing final newline does not show as a change of the last line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	lines[len(lines)-1] += "\n"
	return lines
}
