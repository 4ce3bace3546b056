package compiler

import (
	"strconv"
	"strings"

	"github.com/kiln-sql/kiln/compiler/selector"
	"github.com/kiln-sql/kiln/models"
)

// Universe describes every node of the compiled project for selection.
func (res *Result) Universe() selector.Universe {
	p := res.Project
	nodes := map[string]selector.Node{}
	fileNode := func(id, name string, rt models.ResourceType, path, root string, c models.Config) selector.Node {
		return selector.Node{ID: id, Name: name, ResourceType: string(rt), Package: p.Name, Path: path,
			FQN: fqn(p.Name, path, root), Tags: c.Tags, Config: configMap(c)}
	}
	for _, m := range p.Models {
		nodes[m.UniqueID(p.Name)] = fileNode(m.UniqueID(p.Name), m.Name, models.ResourceModel, m.Path, "models", m.Config)
	}
	for _, s := range p.Seeds {
		n := fileNode(s.UniqueID(p.Name), s.Name, models.ResourceSeed, s.Path, "seeds", s.Config)
		n.Config["materialized"] = []string{"seed"} // as dbt reports seeds
		nodes[s.UniqueID(p.Name)] = n
	}
	for _, s := range p.Sources {
		id := s.UniqueID(p.Name)
		nodes[id] = selector.Node{
			ID: id, Name: s.Name, ResourceType: string(models.ResourceSource), Package: p.Name, Path: s.Path,
			FQN: []string{p.Name, s.SourceName, s.Name}, SourceName: s.SourceName, Tags: []string{},
			Config: map[string][]string{},
		}
	}
	for _, t := range p.Tests {
		id := t.UniqueID(p.Name)
		nodes[id] = selector.Node{
			ID: id, Name: t.Name, ResourceType: string(models.ResourceTest), Package: p.Name, Path: t.Path,
			FQN: testFQN(p.Name, t), Tags: t.Config.Tags, Config: testConfigMap(t.Config),
			TestType: string(t.Type), AttachedTo: res.Graph.Parents(id),
		}
	}
	for _, u := range p.UnitTests {
		id := u.UniqueID(p.Name)
		var modelFQN []string
		if m := res.renderer.models[u.Model]; m != nil {
			modelFQN = fqn(p.Name, m.Path, "models")
		}
		nodes[id] = selector.Node{
			ID: id, Name: u.Name, ResourceType: string(models.ResourceTest), Package: p.Name, Path: u.Path,
			FQN: append(modelFQN, u.Name), Tags: u.Config.Tags, Config: map[string][]string{"tags": u.Config.Tags},
			TestType: string(models.UnitTestType), AttachedTo: res.Graph.Parents(id),
		}
	}
	return selector.Universe{Nodes: nodes, Graph: res.Graph, State: res.selectorState()}
}

// testFQN is a data test's fully qualified name: the project, the folders
// of the file that declares it, and its name.
func testFQN(project string, t *models.Test) []string {
	root := "tests"
	if t.Type == models.GenericTest {
		root, _, _ = strings.Cut(t.Path, "/")
	}
	dirs := fqnParts(t.Path, root)
	return append(append([]string{project}, dirs[:len(dirs)-1]...), t.Name)
}

func testConfigMap(c models.Config) map[string][]string {
	m := configMap(c)
	m["severity"] = []string{c.Severity}
	return m
}

// Select returns the ids of the selected nodes, sorted. No selects means
// every node of the given resource types.
func (res *Result) Select(selects, excludes []string, opts selector.Options) ([]string, error) {
	return selector.Select(res.Universe(), selects, excludes, opts)
}

// configMap flattens a config for config.<key>: selectors, with dbt's key
// names; nested keys are joined with dots (contract.enforced).
func configMap(c models.Config) map[string][]string {
	b := strconv.FormatBool
	m := map[string][]string{
		"materialized":      {string(c.Materialized)},
		"tags":              c.Tags,
		"enabled":           {b(c.Enabled)},
		"contract.enforced": {b(c.Contract.Enforced)},
	}
	set := func(key string, v ...string) {
		if len(v) > 0 && (len(v) > 1 || v[0] != "") {
			m[key] = v
		}
	}
	set("schema", c.Schema)
	set("alias", c.Alias)
	set("unique_key", c.UniqueKey...)
	set("incremental_strategy", c.IncrementalStrategy)
	set("on_schema_change", c.OnSchemaChange)
	set("pre_hook", c.PreHook...)
	set("post_hook", c.PostHook...)
	set("severity", c.Severity)
	set("where", c.Where)
	set("error_if", c.ErrorIf)
	set("warn_if", c.WarnIf)
	if c.FullRefresh != nil {
		set("full_refresh", b(*c.FullRefresh))
	}
	if c.StoreFailures != nil {
		set("store_failures", b(*c.StoreFailures))
	}
	if c.Limit != nil {
		set("limit", strconv.Itoa(*c.Limit))
	}
	for k, v := range c.PersistDocs {
		set("persist_docs."+k, b(v))
	}
	for k, v := range c.ColumnTypes {
		set("column_types."+k, v)
	}
	return m
}
