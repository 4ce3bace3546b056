package compiler

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// PhaseTimes is set by KILN_PHASES=1: each phase of a compile then prints
// to stderr how long it took and the size of the Go heap after it, for
// finding where a slow compile spends its time (docs/performance.md).
var PhaseTimes = os.Getenv("KILN_PHASES") != ""

var phaseStart = time.Now()

// Phase prints the time since the previous phase ended, when PhaseTimes is
// set.
func Phase(name string) {
	if !PhaseTimes {
		return
	}
	now := time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "phase %-28s %6.1f ms  heap %4d MB\n", name, float64(now.Sub(phaseStart).Microseconds())/1000, ms.HeapAlloc>>20)
	phaseStart = now
}
