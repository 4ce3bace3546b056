package dag

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrCycle is wrapped by every error that reports a dependency cycle.
var ErrCycle = errors.New("dependency cycle")

// CycleError reports every cycle of a graph. It matches ErrCycle with
// errors.Is.
type CycleError[K cmp.Ordered] struct {
	// Cycles are the cycles as Graph.Cycles returns them.
	Cycles [][]K
}

// Error prints each cycle as a chain of arrows, for example
// "dependency cycle: a → b → a; c → c".
func (e *CycleError[K]) Error() string {
	var b strings.Builder
	b.WriteString(ErrCycle.Error())
	for i, c := range e.Cycles {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		for j, v := range c {
			if j > 0 {
				b.WriteString(" → ")
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// Unwrap returns ErrCycle.
func (e *CycleError[K]) Unwrap() error { return ErrCycle }

// Validate returns a *CycleError listing every cycle, or nil when g is
// acyclic.
func (g *Graph[K]) Validate() error {
	if cycles := g.Cycles(); len(cycles) > 0 {
		return &CycleError[K]{Cycles: cycles}
	}
	return nil
}

// Cycles returns every cycle of g, sorted: one for each strongly connected
// component of more than one vertex, plus one for each self-loop ([v v]).
// A cycle is a closed walk along edges (upstream to downstream) that starts
// and ends at the smallest vertex of its component and passes through every
// vertex of the component, for example [a b c a]. When a component holds
// several loops the walk repeats the vertices it must pass again, as in
// [a b a c a]. The walk goes each time to the nearest vertex not yet passed
// (the smallest among equals), so the result is deterministic.
func (g *Graph[K]) Cycles() [][]K {
	var out [][]K
	for _, comp := range g.components() {
		if len(comp) > 1 {
			out = append(out, g.closedWalk(comp))
		}
	}
	for v, kids := range g.down {
		if _, ok := kids[v]; ok {
			out = append(out, []K{v, v})
		}
	}
	slices.SortFunc(out, slices.Compare)
	return out
}

// components returns the strongly connected components of g (Tarjan's
// algorithm, without recursion so that long chains cannot exhaust the
// stack). Each component is sorted.
func (g *Graph[K]) components() [][]K {
	type frame struct {
		v    K
		kids []K
		next int
	}
	index := make(map[K]int, len(g.down))
	low := make(map[K]int, len(g.down))
	onStack := make(map[K]bool)
	var stack []K
	var comps [][]K
	n := 0
	for _, root := range g.Vertices() {
		if _, ok := index[root]; ok {
			continue
		}
		index[root], low[root] = n, n
		n++
		stack = append(stack, root)
		onStack[root] = true
		call := []frame{{v: root, kids: g.downList[root]}}
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(f.kids) {
				w := f.kids[f.next]
				f.next++
				if _, ok := index[w]; !ok {
					index[w], low[w] = n, n
					n++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{v: w, kids: g.downList[w]})
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			var comp []K
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			slices.Sort(comp)
			comps = append(comps, comp)
		}
	}
	return comps
}

// closedWalk returns a closed walk through every vertex of the strongly
// connected component comp (sorted), from and back to its smallest vertex.
func (g *Graph[K]) closedWalk(comp []K) []K {
	in := make(map[K]bool, len(comp))
	for _, v := range comp {
		in[v] = true
	}
	start := comp[0]
	passed := map[K]bool{start: true}
	walk := []K{start}
	cur := start
	for len(passed) < len(comp) {
		path := g.shortestPath(cur, in, func(v K) bool { return !passed[v] })
		for _, v := range path {
			passed[v] = true
		}
		walk = append(walk, path...)
		cur = walk[len(walk)-1]
	}
	return append(walk, g.shortestPath(cur, in, func(v K) bool { return v == start })...)
}

// shortestPath returns the vertices after from on a shortest path inside in
// to a vertex for which goal is true (never from itself). Among goals at the
// same distance the smallest wins, and each vertex is reached through the
// smallest vertex of the level before, so the path is deterministic.
func (g *Graph[K]) shortestPath(from K, in map[K]bool, goal func(K) bool) []K {
	prev := map[K]K{}
	seen := map[K]bool{from: true}
	level := []K{from}
	for len(level) > 0 {
		var next, found []K
		for _, u := range level {
			for _, w := range g.Children(u) {
				if !in[w] || seen[w] {
					continue
				}
				seen[w] = true
				prev[w] = u
				next = append(next, w)
				if goal(w) {
					found = append(found, w)
				}
			}
		}
		if len(found) > 0 {
			path := []K{slices.Min(found)}
			for x := prev[path[0]]; x != from; x = prev[x] {
				path = append(path, x)
			}
			slices.Reverse(path)
			return path
		}
		slices.Sort(next)
		level = next
	}
	return nil // unreachable inside a strongly connected component
}
