package docsite

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed template/index.html template/style.css template/app.js
var templates embed.FS

// Site is the data the page shows, inlined into it as JSON.
type Site struct {
	Project     string `json:"project"`
	Target      string `json:"target"`
	TargetType  string `json:"target_type"`
	KilnVersion string `json:"kiln_version"`
	// Nodes are the models, seeds and sources, sorted by unique id.
	Nodes []Node `json:"nodes"`
	// ColumnLineage says whether any column knows where it comes from, so
	// that the lineage graph is drawn column by column.
	ColumnLineage bool `json:"column_lineage"`
}

// Node is one model, seed or source.
type Node struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ResourceType string   `json:"resource_type"`
	Materialized string   `json:"materialized,omitempty"`
	Path         string   `json:"path"`
	Relation     string   `json:"relation,omitempty"`
	Description  string   `json:"description"`
	Tags         []string `json:"tags"`
	SQL          string   `json:"sql,omitempty"`
	Columns      []Column `json:"columns"`
	// Tests are the tests on the node as a whole (not on one column).
	Tests []string `json:"tests"`
	// UnitTests are the names of a model's unit tests.
	UnitTests []string `json:"unit_tests"`
	// Parents and Children are the unique ids of the nodes it reads and
	// that read it, tests left out, sorted.
	Parents  []string `json:"parents"`
	Children []string `json:"children"`
}

// Column is one column of a node.
type Column struct {
	Name        string   `json:"name"`
	Type        string   `json:"type,omitempty"`
	Description string   `json:"description,omitempty"`
	Tests       []string `json:"tests"`
	// Lineage lists the upstream columns this one is computed from.
	Lineage []ColumnRef `json:"lineage"`
}

// ColumnRef names a column of another node.
type ColumnRef struct {
	Node   string `json:"node"`
	Column string `json:"column"`
}

// manifest is the part of manifest.json the site reads.
type manifest struct {
	Metadata struct {
		ProjectName string `json:"project_name"`
		TargetName  string `json:"target_name"`
		TargetType  string `json:"target_type"`
		KilnVersion string `json:"kiln_version"`
	} `json:"metadata"`
	Nodes     map[string]json.RawMessage `json:"nodes"`
	Sources   map[string]json.RawMessage `json:"sources"`
	UnitTests map[string]struct {
		Name  string `json:"name"`
		Model string `json:"model"`
	} `json:"unit_tests"`
	ParentMap map[string][]string `json:"parent_map"`
	ChildMap  map[string][]string `json:"child_map"`
}

// rawNode is a node or source entry, read by field name.
type rawNode struct {
	ResourceType string `json:"resource_type"`
	Name         string `json:"name"`
	SourceName   string `json:"source_name"`
	Path         string `json:"original_file_path"`
	Description  string `json:"description"`
	Config       struct {
		Materialized string `json:"materialized"`
	} `json:"config"`
	Tags         []string          `json:"tags"`
	Columns      []json.RawMessage `json:"columns"`
	RelationName string            `json:"relation_name"`
	Relation     struct {
		Database string `json:"database"`
		Schema   string `json:"schema"`
		Name     string `json:"name"`
	} `json:"relation"`
	CompiledCode string `json:"compiled_code"`
	// Tests, when the manifest has them as nodes.
	AttachedNode string `json:"attached_node"`
	ColumnName   string `json:"column_name"`
	// ColumnLineage maps a column to its upstream columns, when the
	// lineage is kept per node rather than per column.
	ColumnLineage map[string]json.RawMessage `json:"column_lineage"`
}

// rawColumn is a column entry, read by field name.
type rawColumn struct {
	Name        string   `json:"name"`
	DataType    string   `json:"data_type"`
	Type        string   `json:"type"`
	Description string   `json:"description"`
	Tests       []string `json:"tests"`
	// The upstream columns, under any of the names a manifest may use.
	Lineage  json.RawMessage `json:"lineage"`
	Sources  json.RawMessage `json:"sources"`
	Upstream json.RawMessage `json:"upstream"`
}

// columnRefs reads a list of upstream columns: objects with the node in
// relation, node, unique_id or id, and the column in column or name; or
// pairs [node, column]. Anything else reads as nothing.
func columnRefs(data json.RawMessage) []ColumnRef {
	if len(data) == 0 {
		return nil
	}
	var objs []map[string]any
	if json.Unmarshal(data, &objs) == nil {
		var out []ColumnRef
		for _, o := range objs {
			r := ColumnRef{Node: firstString(o, "relation", "node", "unique_id", "id"), Column: firstString(o, "column", "name")}
			if r.Node != "" && r.Column != "" {
				out = append(out, r)
			}
		}
		return out
	}
	var pairs [][]string
	if json.Unmarshal(data, &pairs) == nil {
		var out []ColumnRef
		for _, p := range pairs {
			if len(p) == 2 {
				out = append(out, ColumnRef{Node: p[0], Column: p[1]})
			}
		}
		return out
	}
	return nil
}

func firstString(o map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := o[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// Build reads a manifest.json into the site's data.
func Build(manifestJSON []byte) (*Site, error) {
	var mf manifest
	if err := json.Unmarshal(manifestJSON, &mf); err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	site := &Site{Project: mf.Metadata.ProjectName, Target: mf.Metadata.TargetName, TargetType: mf.Metadata.TargetType,
		KilnVersion: mf.Metadata.KilnVersion, Nodes: []Node{}}
	raws := map[string]rawNode{}
	for _, group := range []map[string]json.RawMessage{mf.Nodes, mf.Sources} {
		for id, data := range group {
			var n rawNode
			if err := json.Unmarshal(data, &n); err != nil {
				return nil, fmt.Errorf("reading node %s: %w", id, err)
			}
			if n.ResourceType == "" && n.SourceName != "" {
				n.ResourceType = "source"
			}
			raws[id] = n
		}
	}
	// Nodes the site shows: not data tests, and not what the maps hold
	// beside nodes and sources (unit tests).
	shown := func(id string) bool { r, ok := raws[id]; return ok && r.ResourceType != "test" }
	unitTests := map[string][]string{} // model name → unit test names
	for _, u := range mf.UnitTests {
		unitTests[u.Model] = append(unitTests[u.Model], u.Name)
	}

	// Tests by the node and column they check.
	nodeTests := map[string][]string{}
	columnTests := map[string]map[string][]string{}
	for id, n := range raws {
		if n.ResourceType != "test" || n.AttachedNode == "" {
			continue
		}
		name := strings.TrimPrefix(id, "test.")
		if i := strings.IndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		if n.ColumnName != "" {
			if columnTests[n.AttachedNode] == nil {
				columnTests[n.AttachedNode] = map[string][]string{}
			}
			columnTests[n.AttachedNode][n.ColumnName] = append(columnTests[n.AttachedNode][n.ColumnName], name)
		} else {
			nodeTests[n.AttachedNode] = append(nodeTests[n.AttachedNode], name)
		}
	}

	ids := make([]string, 0, len(raws))
	for id := range raws {
		if shown(id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := raws[id]
		n := Node{ID: id, Name: r.Name, ResourceType: r.ResourceType, Path: r.Path, Description: r.Description,
			Tags: nonNil(r.Tags), SQL: r.CompiledCode, Columns: []Column{}, Tests: sorted(nodeTests[id]), UnitTests: []string{},
			Parents: []string{}, Children: []string{}}
		if r.ResourceType == "source" {
			n.Name = r.SourceName + "." + r.Name
		}
		if r.ResourceType == "model" {
			n.Materialized = r.Config.Materialized
			n.UnitTests = sorted(unitTests[r.Name])
		}
		n.Relation = r.RelationName
		if n.Relation == "" && n.Materialized != "ephemeral" {
			n.Relation = strings.Trim(strings.Join([]string{r.Relation.Database, r.Relation.Schema, r.Relation.Name}, "."), ".")
		}
		seen := map[string]bool{}
		for _, data := range r.Columns {
			var rc rawColumn
			if json.Unmarshal(data, &rc) != nil || rc.Name == "" {
				continue
			}
			c := Column{Name: rc.Name, Type: rc.DataType, Description: rc.Description, Tests: []string{}, Lineage: []ColumnRef{}}
			if c.Type == "" {
				c.Type = rc.Type
			}
			tests := append(append([]string{}, rc.Tests...), columnTests[id][rc.Name]...)
			c.Tests = sorted(dedupe(tests))
			for _, raw := range []json.RawMessage{rc.Lineage, rc.Sources, rc.Upstream, r.ColumnLineage[rc.Name]} {
				c.Lineage = append(c.Lineage, columnRefs(raw)...)
			}
			n.Columns = append(n.Columns, c)
			seen[c.Name] = true
		}
		// Lineage of columns the node does not list otherwise, and tests
		// of columns it does not declare.
		for _, col := range sortedKeys(r.ColumnLineage) {
			if !seen[col] {
				n.Columns = append(n.Columns, Column{Name: col, Tests: sorted(columnTests[id][col]), Lineage: columnRefs(r.ColumnLineage[col])})
				seen[col] = true
			}
		}
		for _, col := range sortedKeys(columnTests[id]) {
			if !seen[col] {
				n.Columns = append(n.Columns, Column{Name: col, Tests: sorted(columnTests[id][col]), Lineage: []ColumnRef{}})
			}
		}
		for i := range n.Columns {
			if n.Columns[i].Lineage == nil {
				n.Columns[i].Lineage = []ColumnRef{}
			}
			if len(n.Columns[i].Lineage) > 0 {
				site.ColumnLineage = true
			}
		}
		for _, p := range mf.ParentMap[id] {
			if shown(p) {
				n.Parents = append(n.Parents, p)
			}
		}
		for _, c := range mf.ChildMap[id] {
			if shown(c) {
				n.Children = append(n.Children, c)
			}
		}
		sort.Strings(n.Parents)
		sort.Strings(n.Children)
		site.Nodes = append(site.Nodes, n)
	}
	return site, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Markers in template/index.html that Render replaces.
const (
	titleMarker  = "<!--KILN_TITLE-->"
	styleMarker  = "/*KILN_STYLE*/"
	scriptMarker = "/*KILN_SCRIPT*/"
	dataMarker   = "/*KILN_DATA*/"
)

// Render writes the site as one HTML page.
func (s *Site) Render() ([]byte, error) {
	page, err := templates.ReadFile("template/index.html")
	if err != nil {
		return nil, err
	}
	style, err := templates.ReadFile("template/style.css")
	if err != nil {
		return nil, err
	}
	script, err := templates.ReadFile("template/app.js")
	if err != nil {
		return nil, err
	}
	// encoding/json escapes <, > and &, so the data cannot close its
	// <script> element, whatever a model's SQL holds.
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	title := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s.Project)
	out := fill(page, map[string][]byte{titleMarker: []byte(title), styleMarker: style, scriptMarker: script, dataMarker: data})
	return out, nil
}

// fill replaces each marker of page with its content. Only the page is
// searched for markers, never what was put in, so that a model's SQL that
// happens to hold a marker stays as it is.
func fill(page []byte, content map[string][]byte) []byte {
	var out bytes.Buffer
	for {
		first, at := "", -1
		for m := range content {
			if i := bytes.Index(page, []byte(m)); i >= 0 && (at < 0 || i < at) {
				first, at = m, i
			}
		}
		if at < 0 {
			out.Write(page)
			return out.Bytes()
		}
		out.Write(page[:at])
		out.Write(content[first])
		page = page[at+len(first):]
	}
}

// Write builds the site of a manifest.json and writes it to file,
// creating its directory. It returns the number of nodes shown.
func Write(file string, manifestJSON []byte) (int, error) {
	site, err := Build(manifestJSON)
	if err != nil {
		return 0, err
	}
	page, err := site.Render()
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-index-*")
	if err != nil {
		return 0, err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp's 0600 would keep a web server out
		tmp.Close()
		os.Remove(tmp.Name())
		return 0, err
	}
	if _, err := tmp.Write(page); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return 0, err
	}
	return len(site.Nodes), os.Rename(tmp.Name(), file)
}
