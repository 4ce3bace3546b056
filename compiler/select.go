package compiler

import (
	"github.com/kiln-sql/kiln/compiler/selector"
	"github.com/kiln-sql/kiln/models"
)

// Universe describes every node of the compiled project for selection.
func (res *Result) Universe() selector.Universe {
	p := res.Project
	nodes := map[string]selector.Node{}
	for _, m := range p.Models {
		id := m.UniqueID(p.Name)
		nodes[id] = selector.Node{
			ID: id, Name: m.Name, ResourceType: string(models.ResourceModel), Package: p.Name, Path: m.Path,
			FQN: append([]string{p.Name}, fqnParts(m.Path, "models")...), Tags: m.Config.Tags,
			Config: configMap(m.Config),
		}
	}
	for _, s := range p.Seeds {
		id := s.UniqueID(p.Name)
		nodes[id] = selector.Node{
			ID: id, Name: s.Name, ResourceType: string(models.ResourceSeed), Package: p.Name, Path: s.Path,
			FQN: append([]string{p.Name}, fqnParts(s.Path, "seeds")...), Tags: s.Config.Tags,
			Config: configMap(s.Config),
		}
	}
	for _, s := range p.Sources {
		id := s.UniqueID(p.Name)
		nodes[id] = selector.Node{
			ID: id, Name: s.Name, ResourceType: string(models.ResourceSource), Package: p.Name, Path: s.Path,
			FQN: []string{p.Name, s.SourceName, s.Name}, SourceName: s.SourceName, Tags: []string{},
			Config: map[string][]string{},
		}
	}
	return selector.Universe{Nodes: nodes, Graph: res.Graph}
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
