package compiler

import (
	"runtime/debug"
	"runtime/metrics"
)

// ManageMemory lets Compile tune Go's garbage collector for a short-lived
// process: cmd/kiln sets it unless GOGC or GOMEMLIMIT is set. A library
// caller keeps its own settings.
//
// By default Go lets the heap grow to twice the live data before it
// collects. kiln aims lower: at one and a half times the live data, and
// never below heapFloor, through the soft memory limit. A warm compile of
// 10,000 models then peaks under 300 MB instead of about 360 MB, for about
// 5 % more time (docs/performance.md). A cold analysis, whose garbage is
// mostly short-lived parse trees, runs under the same bound, raised as its
// results accumulate, with GOGC at 200 (bulkAnalysis): 325 MB instead of
// about 700 MB without the bound, in the same time.
var ManageMemory bool

// heapFloor is the least the bound is; Compile raises it with the number
// of models (heapPerModel each, about 1.6 times what a model keeps live
// at the end of a compile), so that a phase of a large project is not
// held under the bound before the next phase can raise it.
var heapFloor int64 = 256 << 20

const heapPerModel = 24 << 10

// expectModels raises the floor for a project of n models.
func expectModels(n int) {
	if !ManageMemory {
		return
	}
	heapFloor = max(256<<20, int64(n)*heapPerModel)
	boundHeap()
}

// boundHeap sets the memory limit to one and a half times the live heap
// the last collection found.
func boundHeap() {
	if !ManageMemory {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	n := int64(0)
	if s[0].Value.Kind() == metrics.KindUint64 {
		n = int64(s[0].Value.Uint64())
	}
	debug.SetMemoryLimit(max(heapFloor, n/2*3))
}

// bulkAnalysis halves how often the GC runs while thousands of models are
// parsed (the returned function restores that), and keeps the bound: each
// call of boundHeap during the analysis raises it with what the analysis
// has kept live so far, so the bound is never under the live heap for long.
func bulkAnalysis() (restore func()) {
	if !ManageMemory {
		return func() {}
	}
	gc := debug.SetGCPercent(200)
	return func() { debug.SetGCPercent(gc) }
}
