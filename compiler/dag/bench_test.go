package dag

import (
	"context"
	"testing"
)

// BenchmarkSortWalk sorts and walks a graph of 100 layers of 100 vertices,
// each depending on three vertices of the layer above.
//
//	go test -run '^$' -bench SortWalk ./compiler/dag
func BenchmarkSortWalk(b *testing.B) {
	g := layered(100, 100)
	visit := func(context.Context, string) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Sort(); err != nil {
			b.Fatal(err)
		}
		g.Walk(context.Background(), WalkOptions{Workers: 8}, visit)
	}
}
