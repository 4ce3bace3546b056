package selector

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/kiln-sql/kiln/compiler/dag"
)

// Node is what selection knows about one node of a project.
type Node struct {
	// ID is the node's unique id: model.<pkg>.<name>, seed.<pkg>.<name>,
	// source.<pkg>.<source>.<table> or test.<pkg>.<name>.
	ID string
	// Name is the model, seed or test name; for a source, the table name.
	Name string
	// ResourceType is "model", "seed", "source" or "test".
	ResourceType string
	// Package is the name of the project that holds the node.
	Package string
	// Path is the node's file relative to the project directory, with
	// forward slashes, such as models/staging/stg_orders.sql; for a source,
	// the YAML file that declares it.
	Path string
	// FQN is dbt's fully qualified name: the package, the folders under
	// models/ (or seeds/, tests/ …) and the name; for a source, the package,
	// the source name and the table name.
	FQN []string
	// Tags are the node's tags.
	Tags []string
	// Config holds the node's configuration as lists of strings, such as
	// "materialized": ["table"]; config.<key>:<value> selects on it.
	Config map[string][]string
	// SourceName is the name of a source node's source.
	SourceName string
	// TestType is "generic", "singular" or "unit" for a test.
	TestType string
	// AttachedTo lists, for a test, the ids of the nodes it checks.
	AttachedTo []string
}

// Universe is everything a selection can choose from.
type Universe struct {
	// Nodes maps each node's ID to the node.
	Nodes map[string]Node
	// Graph holds every node id, with edges from upstream to downstream.
	// A nil Graph means no edges.
	Graph *dag.Graph[string]
	// State is another run to compare with, for state: and result:; nil
	// without --state.
	State *State
}

// Options change what Select returns.
type Options struct {
	// ResourceTypes, when not empty, keeps only nodes of these types in the
	// result (kiln run keeps models), after every other step.
	ResourceTypes []string
	// IndirectTests turns on dbt's "eager" indirect selection: each
	// criterion of --select also selects the tests attached to any node it
	// selects. The criteria of --exclude always do (as in dbt), so the
	// tests of an excluded node are excluded too.
	IndirectTests bool
}

// Select returns the sorted ids of the nodes that selects choose and
// excludes do not. With no selects every node is chosen. Each element of
// selects and excludes is one flag value, which may hold several terms
// separated by spaces. Every error (an *Error, or several joined) is
// reported at once, and then the result is nil.
func Select(u Universe, selects, excludes []string, opts Options) ([]string, error) {
	s := newSelector(u)
	var errs []error
	var chosen set
	if len(selects) == 0 {
		chosen = make(set, len(u.Nodes))
		for id := range u.Nodes {
			chosen[id] = struct{}{}
		}
	} else {
		chosen = s.union("--select", selects, opts.IndirectTests, &errs)
	}
	dropped := s.union("--exclude", excludes, true, &errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := []string{}
	for id := range chosen {
		if _, ok := dropped[id]; ok {
			continue
		}
		if len(opts.ResourceTypes) > 0 && !slices.Contains(opts.ResourceTypes, u.node(id).ResourceType) {
			continue
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// set is a set of node ids.
type set map[string]struct{}

// selector evaluates criteria over one universe.
type selector struct {
	nodes   map[string]Node
	graph   *dag.Graph[string]
	ids     []string            // every node id, sorted
	testsOf map[string][]string // node id → ids of the tests attached to it
	st      *State              // for state: and result:, or nil
}

func newSelector(u Universe) *selector {
	s := &selector{
		nodes:   u.Nodes,
		graph:   u.Graph,
		ids:     slices.Sorted(maps.Keys(u.Nodes)),
		testsOf: map[string][]string{},
		st:      u.State,
	}
	if s.graph == nil {
		s.graph = dag.New[string]()
	}
	for _, id := range s.ids {
		for _, to := range u.Nodes[id].AttachedTo {
			s.testsOf[to] = append(s.testsOf[to], id)
		}
	}
	return s
}

// union evaluates the values of one flag; errors are appended to errs.
func (s *selector) union(flag string, values []string, indirect bool, errs *[]error) set {
	out := set{}
	for _, v := range values {
		terms := strings.Fields(v)
		if len(terms) == 0 {
			*errs = append(*errs, &Error{Flag: flag, Expr: v, Message: "empty selector"})
		}
		for _, term := range terms {
			for id := range s.intersection(flag, term, indirect, errs) {
				out[id] = struct{}{}
			}
		}
	}
	return out
}

// intersection evaluates one space-separated term.
func (s *selector) intersection(flag, term string, indirect bool, errs *[]error) set {
	var parts []set
	failed := false
	optional := false // a part that may match nothing: state:, result:
	for _, raw := range strings.Split(term, ",") {
		if raw == "" {
			*errs = append(*errs, &Error{Flag: flag, Expr: term, Message: "empty selector between commas"})
			failed = true
			continue
		}
		if c, err := parseCriterion(raw); err == nil && (c.method == "state" || c.method == "result") {
			optional = true
		}
		got, err := s.criterion(raw, indirect)
		if err != nil {
			err.Flag, err.Expr = flag, raw
			*errs = append(*errs, err)
			failed = true
			continue
		}
		parts = append(parts, got)
	}
	if failed {
		return nil
	}
	out := parts[0]
	for _, p := range parts[1:] {
		next := set{}
		for id := range out {
			if _, ok := p[id]; ok {
				next[id] = struct{}{}
			}
		}
		out = next
	}
	if len(out) == 0 && len(parts) > 1 && !optional {
		*errs = append(*errs, &Error{
			Flag:    flag,
			Expr:    term,
			Message: "no node matches every part of the intersection",
			Hint:    "each part matches nodes on its own, but none in common",
		})
	}
	return out
}

// criterion evaluates one comma-separated part of a term: its method, then
// its graph operators, then the indirect selection of tests.
func (s *selector) criterion(raw string, indirect bool) (set, *Error) {
	c, err := parseCriterion(raw)
	if err != nil {
		return nil, err
	}
	matched, err := s.match(c)
	if err != nil {
		return nil, err
	}
	out := set{}
	for _, id := range matched {
		out[id] = struct{}{}
	}
	if c.childrensParents {
		down := s.reach(matched, -1, s.graph.Children)
		for id := range down {
			out[id] = struct{}{}
		}
		for id := range s.reach(slices.Collect(maps.Keys(down)), -1, s.graph.Parents) {
			out[id] = struct{}{}
		}
	}
	if c.parents {
		for id := range s.reach(matched, c.parentsDepth, s.graph.Parents) {
			out[id] = struct{}{}
		}
	}
	if c.children {
		for id := range s.reach(matched, c.childrenDepth, s.graph.Children) {
			out[id] = struct{}{}
		}
	}
	if indirect {
		var tests []string
		for id := range out {
			tests = append(tests, s.testsOf[id]...)
		}
		for _, t := range tests {
			out[t] = struct{}{}
		}
	}
	return out, nil
}

// reach returns the starting nodes and the nodes at most depth steps away
// from one of them along next (unlimited when depth < 0), keeping only the
// ids of the universe.
func (s *selector) reach(start []string, depth int, next func(string) []string) set {
	out := set{}
	level := make([]string, 0, len(start))
	for _, id := range start {
		if _, ok := out[id]; !ok {
			out[id] = struct{}{}
			level = append(level, id)
		}
	}
	for d := 0; len(level) > 0 && (depth < 0 || d < depth); d++ {
		var following []string
		for _, u := range level {
			for _, w := range next(u) {
				if _, ok := out[w]; ok {
					continue
				}
				out[w] = struct{}{}
				following = append(following, w)
			}
		}
		level = following
	}
	for id := range out {
		if _, ok := s.nodes[id]; !ok {
			delete(out, id)
		}
	}
	return out
}
