package dag

import (
	"cmp"
	"maps"
	"slices"
)

// Graph is a directed graph whose vertices are values of an ordered type.
// An edge from a to b means b depends on a: a is upstream, b downstream.
// The zero value is not usable; call New.
type Graph[K cmp.Ordered] struct {
	down map[K]map[K]struct{} // vertex → its children
	up   map[K]map[K]struct{} // vertex → its parents
	// The same edges as sorted lists, kept as edges are added: Parents
	// and Children are asked for far more often than edges are added.
	downList map[K][]K
	upList   map[K][]K
}

// New returns an empty graph.
func New[K cmp.Ordered]() *Graph[K] {
	return &Graph[K]{
		down:     make(map[K]map[K]struct{}),
		up:       make(map[K]map[K]struct{}),
		downList: make(map[K][]K),
		upList:   make(map[K][]K),
	}
}

// Add adds the vertex v. Adding a vertex twice is the same as adding it once.
func (g *Graph[K]) Add(v K) {
	if _, ok := g.down[v]; ok {
		return
	}
	g.down[v] = make(map[K]struct{})
	g.up[v] = make(map[K]struct{})
}

// Connect adds an edge meaning that to depends on from: from is upstream.
// Both vertices are added when missing; connecting twice is the same as
// connecting once. Connect(v, v) makes a self-loop, which is a cycle.
func (g *Graph[K]) Connect(from, to K) {
	g.Add(from)
	g.Add(to)
	if _, ok := g.down[from][to]; ok {
		return
	}
	g.down[from][to] = struct{}{}
	g.up[to][from] = struct{}{}
	g.downList[from] = insertSorted(g.downList[from], to)
	g.upList[to] = insertSorted(g.upList[to], from)
}

func insertSorted[K cmp.Ordered](s []K, v K) []K {
	i, _ := slices.BinarySearch(s, v)
	return slices.Insert(s, i, v)
}

// Has reports whether v is a vertex of g.
func (g *Graph[K]) Has(v K) bool {
	_, ok := g.down[v]
	return ok
}

// Len returns the number of vertices.
func (g *Graph[K]) Len() int { return len(g.down) }

// Vertices returns every vertex, sorted.
func (g *Graph[K]) Vertices() []K { return sortedKeys(g.down) }

// Parents returns the direct upstream vertices of v, sorted; nil when v has
// none or is not in g.
func (g *Graph[K]) Parents(v K) []K { return slices.Clone(g.upList[v]) }

// Children returns the direct downstream vertices of v, sorted; nil when v
// has none or is not in g.
func (g *Graph[K]) Children(v K) []K { return slices.Clone(g.downList[v]) }

// Ancestors returns the vertices upstream of v, sorted, v itself excluded
// (even on a cycle). depth limits how many edges away they may be: 1 gives
// the parents, a negative depth gives every ancestor, 0 gives none.
func (g *Graph[K]) Ancestors(v K, depth int) []K { return reach(g.up, v, depth) }

// Descendants returns the vertices downstream of v, sorted, v itself
// excluded. depth is as for Ancestors.
func (g *Graph[K]) Descendants(v K, depth int) []K { return reach(g.down, v, depth) }

// reach is a breadth-first search from v along adj, at most depth levels
// deep (unlimited when depth < 0).
func reach[K cmp.Ordered](adj map[K]map[K]struct{}, v K, depth int) []K {
	if _, ok := adj[v]; !ok || depth == 0 {
		return nil
	}
	seen := map[K]struct{}{v: {}}
	var out []K
	level := []K{v}
	for d := 0; len(level) > 0 && (depth < 0 || d < depth); d++ {
		var next []K
		for _, u := range level {
			for w := range adj[u] {
				if _, ok := seen[w]; ok {
					continue
				}
				seen[w] = struct{}{}
				out = append(out, w)
				next = append(next, w)
			}
		}
		level = next
	}
	slices.Sort(out)
	return out
}

// sortedKeys returns the keys of m in order, nil when m is empty.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}
