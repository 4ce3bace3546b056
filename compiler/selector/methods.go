package selector

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-sql/kiln/compiler/suggest"
)

// methods are the selector methods kiln evaluates, by name.
var methods = map[string]func(*selector, criterion) ([]string, *Error){
	"fqn":           (*selector).fqn,
	"path":          (*selector).path,
	"file":          (*selector).file,
	"tag":           (*selector).tag,
	"config":        (*selector).config,
	"source":        (*selector).source,
	"resource_type": (*selector).resourceType,
	"test_type":     (*selector).testType,
	"package":       (*selector).pkg,
	"state":         (*selector).state,
	"result":        (*selector).result,
}

// dbtOnlyMethods are dbt's other methods, for resources kiln does not have.
var dbtOnlyMethods = []string{
	"access", "exposure", "group", "metric", "saved_query", "semantic_model",
	"source_status", "test_name", "unit_test", "version",
}

// methodNames lists every method name kiln recognises, sorted.
func methodNames() []string {
	var names []string
	for n := range methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// match returns the sorted ids of the nodes that the method part of c
// selects; selecting nothing is an error.
func (s *selector) match(c criterion) ([]string, *Error) {
	name := c.method
	if name == "" {
		name = defaultMethod(c.value)
	}
	m, ok := methods[name]
	switch {
	case ok:
	case slices.Contains(dbtOnlyMethods, name):
		return nil, &Error{
			Message: fmt.Sprintf("selector method %q is not supported by kiln", name),
			Hint:    "kiln's selector methods are " + list(methodNames(), "and"),
		}
	default:
		hint := suggest.Hint(name, methodNames())
		if hint == "" {
			hint = "selector methods are " + list(methodNames(), "and")
		}
		return nil, &Error{Message: fmt.Sprintf("unknown selector method %q", name), Hint: hint}
	}
	if name != "config" && len(c.args) > 0 {
		return nil, &Error{Message: fmt.Sprintf("selector method %q takes no argument after a dot", name)}
	}
	ids, err := m(s, c)
	if err == nil && len(ids) == 0 && !mayBeEmpty(name) {
		err = &Error{Message: "no node matches " + strconv.Quote(c.explicit)}
	}
	return ids, err
}

// defaultMethod is the method dbt uses for a value written without one.
func defaultMethod(value string) string {
	switch lower := strings.ToLower(value); {
	case strings.Contains(value, "/"):
		return "path"
	case strings.HasSuffix(lower, ".sql"), strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".py"):
		return "file"
	default:
		return "fqn"
	}
}

// filter returns the sorted ids of the nodes for which keep is true.
func (s *selector) filter(keep func(Node) bool) []string {
	var out []string
	for _, id := range s.ids {
		if keep(s.nodes[id]) {
			out = append(out, id)
		}
	}
	return out
}

// noMatch is the error of a method that matched nothing, with a hint made
// from the closest of candidates (deduplicated here).
func noMatch(c criterion, value string, candidates []string) *Error {
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)
	hint := suggest.Hint(value, candidates)
	switch {
	case hint != "":
	case len(candidates) > 0 && len(candidates) <= 8:
		hint = "the project has " + list(candidates, "and")
	default:
		hint = "kiln ls --output name lists every node"
	}
	return &Error{Message: "no node matches " + strconv.Quote(c.explicit), Hint: hint}
}

// fqn selects by name or fully qualified name, as dbt's default method:
// the value equals the node's name, or is a prefix of its FQN (with or
// without the package) joined with dots, where the first part holding a
// wildcard matches the rest of the FQN. A bare wildcard such as stg_* also
// matches the name alone. Sources are not selected: use source:.
func (s *selector) fqn(c criterion) ([]string, *Error) {
	v := c.value
	bare := hasWildcard(v) && !strings.Contains(v, ".")
	ids := s.filter(func(n Node) bool {
		if n.ResourceType == "source" || len(n.FQN) == 0 {
			return false
		}
		return fqnMatch(n.FQN, v) || fqnMatch(n.FQN[1:], v) || bare && fnmatch(n.Name, v)
	})
	if len(ids) > 0 {
		return ids, nil
	}
	// A source table written like a model is the likeliest mistake.
	var sources []string
	for _, id := range s.ids {
		if n := s.nodes[id]; n.ResourceType == "source" && n.Name == v {
			sources = append(sources, strconv.Quote("source:"+n.SourceName+"."+n.Name))
		}
	}
	if len(sources) > 0 {
		return nil, &Error{
			Message: "no node matches " + strconv.Quote(c.explicit),
			Hint:    "did you mean " + strings.Join(sources, " or ") + "?",
		}
	}
	var candidates []string
	for _, id := range s.ids {
		n := s.nodes[id]
		if n.ResourceType == "source" || len(n.FQN) == 0 {
			continue
		}
		candidates = append(candidates, n.Name)
		for i := 1; i <= len(n.FQN); i++ {
			candidates = append(candidates, strings.Join(n.FQN[:i], "."))
			if i > 1 {
				candidates = append(candidates, strings.Join(n.FQN[1:i], "."))
			}
		}
	}
	return nil, noMatch(c, v, candidates)
}

// fqnMatch is dbt's is_selected_node.
func fqnMatch(fqn []string, selector string) bool {
	if len(fqn) == 0 {
		return false
	}
	if fqn[len(fqn)-1] == selector {
		return true
	}
	var flat []string
	for _, part := range fqn {
		flat = append(flat, strings.Split(part, ".")...)
	}
	parts := strings.Split(selector, ".")
	if len(flat) < len(parts) {
		return false
	}
	for i, p := range parts {
		if hasWildcard(p) {
			return fnmatch(strings.Join(flat[i:], "."), strings.Join(parts[i:], "."))
		}
		if flat[i] != p {
			return false
		}
	}
	return true
}

// path selects the nodes whose file matches the value, or lies under a
// directory that matches it, relative to the project directory.
func (s *selector) path(c criterion) ([]string, *Error) {
	v := strings.ReplaceAll(c.value, `\`, "/")
	if strings.HasPrefix(v, "/") {
		return nil, &Error{Message: fmt.Sprintf("path %q must be relative to the project directory", c.value)}
	}
	v = path.Clean(v)
	var pattern []string
	if v != "." {
		pattern = strings.Split(v, "/")
	}
	ids := s.filter(func(n Node) bool {
		segs := strings.Split(n.Path, "/")
		for i := 0; i <= len(segs); i++ {
			if globPath(pattern, segs[:i]) {
				return true
			}
		}
		return false
	})
	if len(ids) > 0 {
		return ids, nil
	}
	var candidates []string
	for _, n := range s.nodes {
		for p := n.Path; p != "." && p != "/" && p != ""; p = path.Dir(p) {
			candidates = append(candidates, p)
		}
	}
	return nil, noMatch(c, v, candidates)
}

// file selects the nodes whose file name, with or without its extension,
// matches the value.
func (s *selector) file(c criterion) ([]string, *Error) {
	ids := s.filter(func(n Node) bool {
		base := path.Base(n.Path)
		return fnmatch(base, c.value) || fnmatch(strings.TrimSuffix(base, path.Ext(base)), c.value)
	})
	if len(ids) > 0 {
		return ids, nil
	}
	var candidates []string
	for _, n := range s.nodes {
		candidates = append(candidates, path.Base(n.Path))
	}
	return nil, noMatch(c, c.value, candidates)
}

// tag selects the nodes with a tag that matches the value.
func (s *selector) tag(c criterion) ([]string, *Error) {
	ids := s.filter(func(n Node) bool {
		return slices.ContainsFunc(n.Tags, func(t string) bool { return fnmatch(t, c.value) })
	})
	if len(ids) > 0 {
		return ids, nil
	}
	var candidates []string
	for _, n := range s.nodes {
		candidates = append(candidates, n.Tags...)
	}
	return nil, noMatch(c, c.value, candidates)
}

// config selects the nodes whose config key (the arguments joined with
// dots) has the value, or holds it in its list. As in dbt the comparison is
// exact, except that true and false, and severities, ignore case.
func (s *selector) config(c criterion) ([]string, *Error) {
	if len(c.args) == 0 || slices.Contains(c.args, "") {
		return nil, &Error{
			Message: "selector method \"config\" needs a key",
			Hint:    `write it as in "config.materialized:table"`,
		}
	}
	key := strings.Join(c.args, ".")
	fold := key == "severity" || strings.EqualFold(c.value, "true") || strings.EqualFold(c.value, "false")
	ids := s.filter(func(n Node) bool {
		return slices.ContainsFunc(n.Config[key], func(x string) bool {
			return x == c.value || fold && strings.EqualFold(x, c.value)
		})
	})
	if len(ids) > 0 {
		return ids, nil
	}
	var keys, values []string
	for _, n := range s.nodes {
		for k := range n.Config {
			keys = append(keys, k)
		}
		values = append(values, n.Config[key]...)
	}
	if !slices.Contains(keys, key) {
		return nil, noMatch(c, key, keys)
	}
	return nil, noMatch(c, c.value, values)
}

// source selects source tables by source, source.table or
// package.source.table, each part allowing wildcards.
func (s *selector) source(c criterion) ([]string, *Error) {
	pkg, src, table := "*", "", "*"
	switch parts := strings.Split(c.value, "."); len(parts) {
	case 1:
		src = parts[0]
	case 2:
		src, table = parts[0], parts[1]
	case 3:
		pkg, src, table = parts[0], parts[1], parts[2]
	default:
		return nil, &Error{
			Message: fmt.Sprintf("invalid source selector %q", c.value),
			Hint:    `write "source:name", "source:name.table" or "source:package.name.table"`,
		}
	}
	ids := s.filter(func(n Node) bool {
		return n.ResourceType == "source" && fnmatch(n.Package, pkg) && fnmatch(n.SourceName, src) && fnmatch(n.Name, table)
	})
	if len(ids) > 0 {
		return ids, nil
	}
	var candidates []string
	for _, n := range s.nodes {
		if n.ResourceType == "source" {
			candidates = append(candidates, n.SourceName, n.SourceName+"."+n.Name, n.Package+"."+n.SourceName+"."+n.Name)
		}
	}
	return nil, noMatch(c, c.value, candidates)
}

// resourceTypes are the values of resource_type: that kiln knows.
var resourceTypes = []string{"model", "seed", "source", "test", "unit_test"}

// resourceType selects by resource type. As in dbt, "test" means data
// tests and "unit_test" unit tests.
func (s *selector) resourceType(c criterion) ([]string, *Error) {
	var keep func(Node) bool
	switch v := c.value; v {
	case "test":
		keep = func(n Node) bool { return n.ResourceType == "test" && n.TestType != "unit" }
	case "unit_test":
		keep = func(n Node) bool { return n.ResourceType == "test" && n.TestType == "unit" }
	case "model", "seed", "source":
		keep = func(n Node) bool { return n.ResourceType == v }
	default:
		return nil, &Error{Message: fmt.Sprintf("unknown resource type %q", v), Hint: oneOf(v, resourceTypes)}
	}
	return s.filter(keep), nil
}

// testTypes are the values of test_type:, with "schema" and "data" as
// dbt's older names.
var testTypes = []string{"data", "generic", "schema", "singular", "unit"}

// testType selects tests by kind.
func (s *selector) testType(c criterion) ([]string, *Error) {
	var kinds []string
	switch v := c.value; v {
	case "generic", "schema":
		kinds = []string{"generic"}
	case "singular":
		kinds = []string{"singular"}
	case "data":
		kinds = []string{"generic", "singular"}
	case "unit":
		kinds = []string{"unit"}
	default:
		return nil, &Error{Message: fmt.Sprintf("unknown test type %q", v), Hint: oneOf(v, []string{"generic", "singular", "unit"})}
	}
	return s.filter(func(n Node) bool { return n.ResourceType == "test" && slices.Contains(kinds, n.TestType) }), nil
}

// pkg selects the nodes of the packages that match the value.
func (s *selector) pkg(c criterion) ([]string, *Error) {
	ids := s.filter(func(n Node) bool { return fnmatch(n.Package, c.value) })
	if len(ids) > 0 {
		return ids, nil
	}
	var candidates []string
	for _, n := range s.nodes {
		candidates = append(candidates, n.Package)
	}
	return nil, noMatch(c, c.value, candidates)
}

// oneOf is a did-you-mean hint, or the list of valid values when none is
// close.
func oneOf(v string, valid []string) string {
	if h := suggest.Hint(v, valid); h != "" {
		return h
	}
	return "expected " + list(valid, "or")
}

// list quotes the items and joins them: "a", "b" and "c".
func list(items []string, conj string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = strconv.Quote(it)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}
