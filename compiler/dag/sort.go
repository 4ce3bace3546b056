package dag

import "cmp"

// Sort returns every vertex in topological order: each vertex after all of
// its parents, and among the vertices that are ready at the same time the
// smallest first, so the order depends only on the graph. When g has a cycle
// Sort returns a *CycleError, which wraps ErrCycle.
func (g *Graph[K]) Sort() ([]K, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	pending := make(map[K]int, len(g.up))
	var ready minHeap[K]
	for v, parents := range g.up {
		pending[v] = len(parents)
		if len(parents) == 0 {
			ready.push(v)
		}
	}
	out := make([]K, 0, len(g.down))
	for ready.len() > 0 {
		v := ready.pop()
		out = append(out, v)
		for w := range g.down[v] {
			if pending[w]--; pending[w] == 0 {
				ready.push(w)
			}
		}
	}
	return out, nil
}

// minHeap is a binary min-heap of ordered values.
type minHeap[K cmp.Ordered] struct{ s []K }

func (h *minHeap[K]) len() int { return len(h.s) }

func (h *minHeap[K]) push(v K) {
	h.s = append(h.s, v)
	for i := len(h.s) - 1; i > 0; {
		p := (i - 1) / 2
		if h.s[p] <= h.s[i] {
			break
		}
		h.s[p], h.s[i] = h.s[i], h.s[p]
		i = p
	}
}

func (h *minHeap[K]) pop() K {
	top := h.s[0]
	last := len(h.s) - 1
	h.s[0] = h.s[last]
	h.s = h.s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.s[l] < h.s[m] {
			m = l
		}
		if r < last && h.s[r] < h.s[m] {
			m = r
		}
		if m == i {
			break
		}
		h.s[i], h.s[m] = h.s[m], h.s[i]
		i = m
	}
	return top
}
