package compiler

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// folderTree holds the folder-level defaults of kiln.yml's models: (or
// seeds:) section. Keys with a leading "+" are config at that level; other
// keys name a sub-folder or a resource, as in dbt's fqn paths.
type folderTree struct {
	values   []configValue
	children map[string]*folderTree
	keyPos   models.Pos // where this level's key is written
}

func parseFolderTree(file string, n *yaml.Node, keyPos models.Pos) (*folderTree, models.Diagnostics) {
	t := &folderTree{children: map[string]*folderTree{}, keyPos: keyPos}
	if n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return t, nil
	}
	if n.Kind != yaml.MappingNode {
		return t, models.Diagnostics{{Pos: posOf(file, n), Severity: models.Error,
			Message: "folder configuration needs a mapping", Hint: "for example  staging: { +materialized: view }"}}
	}
	var diags models.Diagnostics
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if key, ok := strings.CutPrefix(k.Value, "+"); ok {
			var val any
			if err := v.Decode(&val); err != nil {
				diags = append(diags, yamlErrors(file, v, err)...)
				continue
			}
			t.values = append(t.values, configValue{Key: key, Value: val, Pos: posOf(file, k)})
			continue
		}
		child, d := parseFolderTree(file, v, posOf(file, k))
		diags = append(diags, d...)
		t.children[k.Value] = child
	}
	return t, diags
}

// configFor returns the defaults that apply to the resource at fqn path
// parts (folders, then the resource name), outermost level first.
func (t *folderTree) configFor(parts []string) []configValue {
	var out []configValue
	level := t
	out = append(out, level.values...)
	for _, p := range parts {
		next, ok := level.children[p]
		if !ok {
			break
		}
		level = next
		out = append(out, level.values...)
	}
	return out
}

// checkPaths reports keys that name no folder or resource. exists says
// whether a path of folders (or a resource at the end) is in the project.
// A key equal to the project name stands for the root, as in dbt.
func (t *folderTree) checkPaths(section, project string, exists func(parts []string) bool, childrenOf func(parts []string) []string) models.Diagnostics {
	var diags models.Diagnostics
	var walk func(level *folderTree, parts []string)
	walk = func(level *folderTree, parts []string) {
		names := make([]string, 0, len(level.children))
		for name := range level.children {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			child := level.children[name]
			if len(parts) == 0 && name == project && !exists([]string{name}) {
				walk(child, parts)
				continue
			}
			p := append(append([]string(nil), parts...), name)
			if !exists(p) {
				where := section + "/" + strings.Join(p, "/")
				diags = append(diags, models.Diagnostic{Pos: child.keyPos, Severity: models.Error,
					Message: fmt.Sprintf("%q in %s: names no folder or file (%s)", name, section, where),
					Hint: cmpHint(suggest.Hint(name, childrenOf(parts)),
						`config keys start with "+", e.g. +materialized: table`)})
				continue
			}
			walk(child, p)
		}
	}
	walk(t, nil)
	return diags
}

// rootAlias folds a top-level key named after the project into the root, so
// that dbt-style `models: { my_project: { … } }` works too.
func (t *folderTree) rootAlias(project string, exists func(parts []string) bool) *folderTree {
	alias, ok := t.children[project]
	if !ok || exists([]string{project}) {
		return t
	}
	merged := &folderTree{values: append(append([]configValue(nil), t.values...), alias.values...), children: map[string]*folderTree{}, keyPos: t.keyPos}
	for k, v := range t.children {
		if k != project {
			merged.children[k] = v
		}
	}
	for k, v := range alias.children {
		merged.children[k] = v
	}
	return merged
}
