package dag

// Subgraph returns a new graph of the vertices for which keep returns true.
// It has an edge from a to b whenever b is reachable from a along a path
// whose inner vertices were all removed, so the order among the kept
// vertices stays the order they had in g (as dbt's subset graph does). A
// path that returns to a through removed vertices only gives a self-loop.
func (g *Graph[K]) Subgraph(keep func(K) bool) *Graph[K] {
	sub := New[K]()
	kept := make(map[K]bool, len(g.down))
	for _, v := range g.Vertices() { // keep sees the vertices in order
		if keep(v) {
			kept[v] = true
			sub.Add(v)
		}
	}
	for a := range kept {
		// Depth-first search from a that stops at kept vertices.
		seen := map[K]bool{}
		stack := []K{a}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for w := range g.down[u] {
				if seen[w] {
					continue
				}
				seen[w] = true
				if kept[w] {
					sub.Connect(a, w)
				} else {
					stack = append(stack, w)
				}
			}
		}
	}
	return sub
}
