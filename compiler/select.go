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
		nodes[s.UniqueID(p.Name)] = fileNode(s.UniqueID(p.Name), s.Name, models.ResourceSeed, s.Path, "seeds", s.Config)
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
	m := map[string][]string{"materialized": {string(c.Materialized)}, "tags": c.Tags, "severity": {c.Severity}}
	if c.StoreFailures != nil {
		m["store_failures"] = []string{strconv.FormatBool(*c.StoreFailures)}
	}
	return m
}

// Select returns the ids of the selected nodes, sorted. No selects means
// every node of the given resource types.
func (res *Result) Select(selects, excludes []string, opts selector.Options) ([]string, error) {
	return selector.Select(res.Universe(), selects, excludes, opts)
}

func configMap(c models.Config) map[string][]string {
	m := map[string][]string{
		"materialized": {string(c.Materialized)},
		"tags":         c.Tags,
	}
	if c.Schema != "" {
		m["schema"] = []string{c.Schema}
	}
	if c.Alias != "" {
		m["alias"] = []string{c.Alias}
	}
	if len(c.UniqueKey) > 0 {
		m["unique_key"] = c.UniqueKey
	}
	if c.IncrementalStrategy != "" {
		m["incremental_strategy"] = []string{c.IncrementalStrategy}
	}
	if c.OnSchemaChange != "" {
		m["on_schema_change"] = []string{c.OnSchemaChange}
	}
	if c.Contract.Enforced {
		m["contract.enforced"] = []string{"true"}
	}
	return m
}
