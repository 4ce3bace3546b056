package compiler

import (
	"math"
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
// mostly short-lived parse trees, runs without the bound and with half as
// many collections (bulkAnalysis).
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
	if !ManageMemory || bulk {
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

// bulkAnalysis lifts the bound for the rest of the compile, and halves how
// often the GC runs while thousands of models are parsed (the returned
// function restores that). The bound stays off: what such a compile keeps
// live afterwards is not known until a collection has run, and a bound
// below it would make the GC run without end.
func bulkAnalysis() (restore func()) {
	if !ManageMemory {
		return func() {}
	}
	gc := debug.SetGCPercent(200)
	debug.SetMemoryLimit(math.MaxInt64)
	bulk = true
	return func() { debug.SetGCPercent(gc) }
}

// bulk is set once a bulk analysis has lifted the bound.
var bulk bool
