package compiler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/kiln-sql/kiln/compiler/selector"
	"github.com/kiln-sql/kiln/models"
)

// State is another run's artifacts, read with --state DIR: its manifest
// and, when it has one, its run results. The state is what a pull request
// is compared with (state:modified, kiln diff) and where --defer reads
// the models that are not selected.
type State struct {
	// Dir is the directory the state was read from, as given.
	Dir string
	// Manifest is the state's manifest.json.
	Manifest *Manifest
	// Results maps a node's unique id to its status in the state's
	// run_results.json (success, error, skipped, pass, fail, warn); nil
	// when the state has no run results.
	Results map[string]string
}

// ErrNoState means that a --state directory holds no manifest.json.
var ErrNoState = errors.New("no manifest.json in the state directory")

// ReadState reads dir/manifest.json and, if it exists, dir/run_results.json.
func ReadState(dir string) (*State, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoState)
	}
	if err != nil {
		return nil, err
	}
	mf, err := DecodeManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	s := &State{Dir: dir, Manifest: mf}
	data, err = os.ReadFile(filepath.Join(dir, "run_results.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, nil
	case err != nil:
		return nil, err
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			Status   string `json:"status"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &rr); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "run_results.json"), err)
	}
	s.Results = map[string]string{}
	for _, r := range rr.Results {
		s.Results[r.UniqueID] = r.Status
	}
	return s, nil
}

// DecodeManifest reads a manifest.json. Fields it does not know are
// ignored, so that a newer kiln's manifest can still be compared.
func DecodeManifest(data []byte) (*Manifest, error) {
	var mf Manifest
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, fmt.Errorf("not a kiln manifest: %w", err)
	}
	if mf.Nodes == nil {
		mf.Nodes = map[string]ManifestNode{}
	}
	if mf.Sources == nil {
		mf.Sources = map[string]ManifestSource{}
	}
	return &mf, nil
}

// ChangeStatus says how a node differs between a state and the project.
type ChangeStatus string

// The statuses of a Change.
const (
	Added    ChangeStatus = "added"    // only the project has the node (state:new)
	Removed  ChangeStatus = "removed"  // only the state has it (state:removed)
	Modified ChangeStatus = "modified" // both have it, and it differs (state:modified)
)

// The kinds of modification, as state:modified.<kind> selects them.
const (
	// KindBody: the compiled SQL differs after normalisation (see
	// docs/state.md), or a seed's file differs.
	KindBody = "body"
	// KindConfigs: a config key differs, or a source's relation.
	KindConfigs = "configs"
	// KindContract: the contract was turned on or off, or an enforced
	// contract's columns or types differ.
	KindContract = "contract"
	// KindColumns: the names or types of the columns differ.
	KindColumns = "columns"
	// KindDescriptions: the description of the node or of a column differs.
	// Alone, it does not make state:modified select the node.
	KindDescriptions = "descriptions"
	// KindPersistedDescriptions: descriptions differ and the node persists
	// them to the database (persist_docs), so they count as modified.
	KindPersistedDescriptions = "persisted_descriptions"
)

// Change is one node that differs between a state and the project.
type Change struct {
	ID           string       `json:"unique_id"`
	Name         string       `json:"name"`
	ResourceType string       `json:"resource_type"`
	Path         string       `json:"original_file_path"`
	Status       ChangeStatus `json:"status"`
	// Kinds are what differs in a modified node, sorted.
	Kinds []string `json:"kinds,omitempty"`
}

// Compare lists the nodes and sources that differ between base (a state)
// and head (the project), sorted by unique id. Differences that do not
// change what runs are not changes: whitespace, comments, the case of
// keywords, and the schema the target puts relations in.
func Compare(base, head *Manifest) []Change {
	c := newComparison(base, head)
	var out []Change
	for _, id := range c.ids() {
		if ch, ok := c.change(id); ok {
			out = append(out, ch)
		}
	}
	return out
}

// comparison holds what comparing two manifests needs.
type comparison struct {
	base, head *Manifest
	bix, hix   *relationIndex
}

func newComparison(base, head *Manifest) *comparison {
	return &comparison{base: base, head: head, bix: newRelationIndex(base), hix: newRelationIndex(head)}
}

// ids returns the ids of every node and source of both manifests, sorted.
func (c *comparison) ids() []string {
	set := map[string]bool{}
	for _, mf := range []*Manifest{c.base, c.head} {
		for id := range mf.Nodes {
			set[id] = true
		}
		for id := range mf.Sources {
			set[id] = true
		}
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// side is a node or source of one manifest, seen the same way.
type side struct {
	node   *ManifestNode
	source *ManifestSource
}

func (c *comparison) lookup(mf *Manifest, id string) (side, bool) {
	if n, ok := mf.Nodes[id]; ok {
		return side{node: &n}, true
	}
	if s, ok := mf.Sources[id]; ok {
		return side{source: &s}, true
	}
	return side{}, false
}

func (s side) name() string {
	if s.node != nil {
		return s.node.Name
	}
	return s.source.SourceName + "." + s.source.Name
}

func (s side) resourceType() string {
	if s.node != nil {
		return s.node.ResourceType
	}
	return string(models.ResourceSource)
}

func (s side) path() string {
	if s.node != nil {
		return s.node.Path
	}
	return s.source.Path
}

func (s side) columns() []models.Column {
	if s.node != nil {
		return s.node.Columns
	}
	return s.source.Columns
}

func (s side) description() string {
	if s.node != nil {
		return s.node.Description
	}
	return s.source.Description
}

// change compares the node id of both manifests.
func (c *comparison) change(id string) (Change, bool) {
	b, inBase := c.lookup(c.base, id)
	h, inHead := c.lookup(c.head, id)
	switch {
	case !inBase:
		return Change{ID: id, Name: h.name(), ResourceType: h.resourceType(), Path: h.path(), Status: Added}, true
	case !inHead:
		return Change{ID: id, Name: b.name(), ResourceType: b.resourceType(), Path: b.path(), Status: Removed}, true
	}
	kinds := c.kinds(b, h)
	if len(kinds) == 0 {
		return Change{}, false
	}
	return Change{ID: id, Name: h.name(), ResourceType: h.resourceType(), Path: h.path(), Status: Modified, Kinds: kinds}, true
}

// kinds lists what differs between two versions of a node.
func (c *comparison) kinds(b, h side) []string {
	set := map[string]bool{}
	if c.bodyChanged(b, h) {
		set[KindBody] = true
	}
	if len(c.configDiffs(b, h)) > 0 {
		set[KindConfigs] = true
	}
	cols := compareColumns(b, h)
	if cols.names || cols.types {
		set[KindColumns] = true
	}
	if b.node != nil && h.node != nil {
		be, he := b.node.Config.Contract.Enforced, h.node.Config.Contract.Enforced
		if be != he || he && (cols.names || cols.types) {
			set[KindContract] = true
		}
	}
	if b.description() != h.description() || cols.descriptions {
		set[KindDescriptions] = true
		if h.node != nil && slices.Contains(mapValues(h.node.Config.PersistDocs), true) {
			set[KindPersistedDescriptions] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// bodyChanged compares what a node runs: normalised compiled SQL, or a
// seed's file.
func (c *comparison) bodyChanged(b, h side) bool {
	if b.node == nil || h.node == nil {
		return false
	}
	if b.node.ResourceType == string(models.ResourceSeed) || h.node.ResourceType == string(models.ResourceSeed) {
		return b.node.Checksum != h.node.Checksum
	}
	if b.node.CompiledCode == "" && h.node.CompiledCode == "" {
		return b.node.Checksum != h.node.Checksum
	}
	return normalizeSQL(b.node.CompiledCode, c.bix) != normalizeSQL(h.node.CompiledCode, c.hix)
}

// configDiff is one config key whose value differs.
type configDiff struct {
	Key        string
	Base, Head string // the values as JSON, "" when unset
}

// configDiffs compares the configs of two nodes key by key, after
// normalising what does not change the build: the order of tags, and
// the layout of hooks. For sources, it compares their relation, with the
// target's schema made neutral.
func (c *comparison) configDiffs(b, h side) []configDiff {
	if b.source != nil || h.source != nil {
		if b.source == nil || h.source == nil {
			return nil
		}
		// A source's schema is either written out (the same on every
		// target) or the target's: it moved only if it differs both ways.
		br, hr := neutralRelation(b.source.Relation, c.base.Metadata.TargetSchema), neutralRelation(h.source.Relation, c.head.Metadata.TargetSchema)
		if br != hr && b.source.Relation != h.source.Relation {
			return []configDiff{{Key: "relation", Base: quoteJSON(b.source.Relation.String()), Head: quoteJSON(h.source.Relation.String())}}
		}
		return nil
	}
	bm, hm := c.configMap(b.node.Config, c.bix), c.configMap(h.node.Config, c.hix)
	keys := map[string]bool{}
	for k := range bm {
		keys[k] = true
	}
	for k := range hm {
		keys[k] = true
	}
	var out []configDiff
	for _, k := range sortedKeys(keys) {
		if bm[k] != hm[k] {
			out = append(out, configDiff{Key: k, Base: bm[k], Head: hm[k]})
		}
	}
	return out
}

func quoteJSON(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// neutralRelation writes a relation with the target's schema as a
// placeholder.
func neutralRelation(r models.Relation, targetSchema string) string {
	schema := r.Schema
	if targetSchema != "" {
		if schema == targetSchema {
			schema = "{{target_schema}}"
		} else if rest, ok := strings.CutPrefix(schema, targetSchema+"_"); ok {
			schema = "{{target_schema}}_" + rest
		}
	}
	return r.Database + "\x00" + schema + "\x00" + r.Name
}

// configMap flattens a config to key → JSON value, normalised.
func (c *comparison) configMap(cfg models.Config, ix *relationIndex) map[string]string {
	data, err := json.Marshal(cfg)
	if err != nil {
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil
	}
	delete(m, "enabled")
	if tags, ok := m["tags"].([]any); ok {
		set := map[string]bool{}
		for _, t := range tags {
			set[fmt.Sprint(t)] = true
		}
		if len(set) == 0 {
			delete(m, "tags")
		} else {
			m["tags"] = sortedKeys(set)
		}
	}
	for _, k := range []string{"pre_hook", "post_hook"} {
		if hooks, ok := m[k].([]any); ok {
			norm := make([]string, len(hooks))
			for i, h := range hooks {
				norm[i] = normalizeSQL(fmt.Sprint(h), ix)
			}
			m[k] = norm
		}
	}
	out := map[string]string{}
	for k, v := range m {
		if obj, ok := v.(map[string]any); ok { // contract, persist_docs: one key each
			for kk, vv := range obj {
				data, _ := json.Marshal(vv)
				out[k+"."+kk] = string(data)
			}
			continue
		}
		data, _ := json.Marshal(v)
		out[k] = string(data)
	}
	return out
}

// compareColumns compares the columns of two versions of a node. When
// kiln's SQL analysis read one version and not the other, one list holds
// the inferred columns and the other only the declared ones: then only the
// types of the columns both list count, not which columns there are.
func compareColumns(b, h side) columnDiff {
	d := diffColumns(b.columns(), h.columns())
	if b.node != nil && h.node != nil && (b.node.NotAnalysed == "") != (h.node.NotAnalysed == "") {
		d.removed, d.added, d.names = nil, nil, false
	}
	return d
}

// columnDiff summarises how two column lists differ.
type columnDiff struct {
	removed, added []string
	retyped        [][3]string // name, base type, head type (both known)
	names, types   bool        // any name added or removed; any known type changed
	descriptions   bool        // any column description changed
}

// diffColumns compares columns by name; their order does not matter (the
// order of a select list is part of the body).
func diffColumns(base, head []models.Column) columnDiff {
	var d columnDiff
	bm := map[string]models.Column{}
	for _, c := range base {
		bm[c.Name] = c
	}
	hm := map[string]models.Column{}
	for _, c := range head {
		hm[c.Name] = c
	}
	for _, c := range base {
		h, ok := hm[c.Name]
		if !ok {
			d.removed = append(d.removed, c.Name)
			d.names = true
			continue
		}
		// A type known on one side only is not a change: kiln infers
		// types where the target's catalog lets it, so the same column
		// may be typed on one target and not on another.
		if c.DataType != "" && h.DataType != "" && !strings.EqualFold(c.DataType, h.DataType) {
			d.types = true
			d.retyped = append(d.retyped, [3]string{c.Name, c.DataType, h.DataType})
		}
		if c.Description != h.Description {
			d.descriptions = true
		}
	}
	for _, c := range head {
		if _, ok := bm[c.Name]; !ok {
			d.added = append(d.added, c.Name)
			d.names = true
		}
	}
	return d
}

// attachedState is a state in use by a Result: for selection and --defer.
type attachedState struct {
	state   *State
	changes map[string]Change
}

// UseState makes s the state that state: and result: selectors compare
// with. It compares s with the project's manifest.
func (res *Result) UseState(s *State) {
	if s == nil {
		res.against = nil
		return
	}
	a := &attachedState{state: s, changes: map[string]Change{}}
	for _, ch := range Compare(s.Manifest, res.Manifest()) {
		a.changes[ch.ID] = ch
	}
	res.against = a
}

// State returns the state set by UseState, or nil.
func (res *Result) State() *State {
	if res.against == nil {
		return nil
	}
	return res.against.state
}

// selectorState describes the state for the selector, or nil.
func (res *Result) selectorState() *selector.State {
	if res.against == nil {
		return nil
	}
	st := &selector.State{New: map[string]bool{}, Modified: map[string][]string{}, Removed: map[string]selector.Node{}, Results: res.against.state.Results}
	mf := res.against.state.Manifest
	for id, ch := range res.against.changes {
		switch ch.Status {
		case Added:
			st.New[id] = true
		case Modified:
			st.Modified[id] = ch.Kinds
		case Removed:
			n := selector.Node{ID: id, Name: ch.Name, ResourceType: ch.ResourceType, Path: ch.Path, Package: mf.Metadata.ProjectName, Config: map[string][]string{}}
			if mn, ok := mf.Nodes[id]; ok {
				n.FQN, n.Tags, n.Config = mn.FQN, mn.Tags, configMap(mn.Config)
			}
			if ms, ok := mf.Sources[id]; ok {
				n.Name, n.SourceName = ms.Name, ms.SourceName
				n.FQN = []string{mf.Metadata.ProjectName, ms.SourceName, ms.Name}
			}
			st.Removed[id] = n
		}
	}
	return st
}

// Changes returns the differences with the state set by UseState, sorted
// by unique id; nil without a state.
func (res *Result) Changes() []Change {
	if res.against == nil {
		return nil
	}
	out := make([]Change, 0, len(res.against.changes))
	for _, id := range sortedKeys(res.against.changes) {
		out = append(out, res.against.changes[id])
	}
	return out
}

// DeferRelations returns, for kiln run --defer, the relation that ref
// should render for each model and seed that is not selected: the one the
// state's manifest records for it. Nodes the state does not have, and
// ephemeral models (inlined, with no relation), keep their own. Pass the
// result as Options.Defer to compile again.
func (s *State) DeferRelations(res *Result, selected []string) map[string]models.Relation {
	sel := map[string]bool{}
	for _, id := range selected {
		sel[id] = true
	}
	out := map[string]models.Relation{}
	p := res.Project
	consider := func(id, name string, ephemeral bool) {
		if sel[id] || ephemeral {
			return
		}
		n, ok := s.Manifest.Nodes[id]
		if !ok || n.Config.Materialized == models.Ephemeral || n.Relation.Name == "" {
			return
		}
		out[name] = n.Relation
	}
	for _, m := range p.Models {
		consider(m.UniqueID(p.Name), m.Name, m.Config.Materialized == models.Ephemeral)
	}
	for _, sd := range p.Seeds {
		consider(sd.UniqueID(p.Name), sd.Name, false)
	}
	return out
}
