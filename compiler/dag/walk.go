package dag

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrFailFast is the Err of the vertices that a fail-fast walk did not
// start because another vertex had failed.
var ErrFailFast = errors.New("not started after an earlier failure (fail fast)")

// WalkOptions tunes Walk.
type WalkOptions struct {
	// Workers is the most visits that run at once; values below 1 mean 1.
	Workers int
	// FailFast stops the walk at the first failure: the context of the
	// running visits is cancelled and no other visit starts.
	FailFast bool
}

// Outcome is what became of one vertex in a walk.
type Outcome[K cmp.Ordered] struct {
	// Err is the error visit returned (a *PanicError when it panicked), or
	// for a vertex that was not visited: ErrFailFast, the context's error,
	// or a *CycleError. It is nil for a skipped vertex whose Cause is set.
	Err error
	// Skipped reports that visit was never called for the vertex.
	Skipped bool
	// Cause is the failed ancestor because of which the vertex was skipped;
	// the zero value when the vertex was skipped for another reason (then
	// Err says which).
	Cause K
}

// PanicError is the error of a visit that panicked.
type PanicError struct {
	// Vertex is the visited vertex, printed with fmt.
	Vertex string
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error names the vertex and the panic value.
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic while visiting %s: %v", e.Vertex, e.Value)
}

// Walk calls visit for the vertices of g in dependency order, at most
// opts.Workers at a time, and returns the outcome of every vertex.
//
// A vertex is visited once at most, and only after each of its parents was
// visited and returned nil. Among the vertices ready at the same time the
// smallest starts first, so a walk with one worker follows Sort's order.
// When visit returns an error (or panics), every descendant of the vertex is
// skipped with that vertex as Cause, and the walk goes on with the other
// vertices; with opts.FailFast the context of the running visits is
// cancelled instead and nothing new starts. When ctx is cancelled nothing
// new starts either. Walk returns only after every visit it started has
// returned. On a cyclic graph it visits nothing and every outcome's Err is a
// *CycleError.
func (g *Graph[K]) Walk(ctx context.Context, opts WalkOptions, visit func(ctx context.Context, v K) error) map[K]Outcome[K] {
	out := make(map[K]Outcome[K], len(g.down))
	if err := g.Validate(); err != nil {
		for v := range g.down {
			out[v] = Outcome[K]{Err: err, Skipped: true}
		}
		return out
	}

	workers := max(opts.Workers, 1)
	vctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		v   K
		err error
	}
	done := make(chan result, workers)
	run := func(v K) {
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = &PanicError{Vertex: fmt.Sprint(v), Value: r, Stack: debug.Stack()}
				}
			}()
			return visit(vctx, v)
		}()
		done <- result{v, err}
	}

	pending := make(map[K]int, len(g.up))
	var ready minHeap[K]
	for v, parents := range g.up {
		pending[v] = len(parents)
		if len(parents) == 0 {
			ready.push(v)
		}
	}
	running := 0
	failedFast := false
	for {
		for running < workers && ready.len() > 0 && !failedFast && ctx.Err() == nil {
			running++
			go run(ready.pop())
		}
		if running == 0 {
			break
		}
		r := <-done
		running--
		out[r.v] = Outcome[K]{Err: r.err}
		if r.err == nil {
			for w := range g.down[r.v] {
				if pending[w]--; pending[w] == 0 {
					ready.push(w)
				}
			}
			continue
		}
		// A descendant cannot have started, since r.v had not succeeded;
		// one already skipped keeps its first cause.
		for _, w := range g.Descendants(r.v, -1) {
			if _, ok := out[w]; !ok {
				out[w] = Outcome[K]{Skipped: true, Cause: r.v}
			}
		}
		if opts.FailFast && !failedFast {
			failedFast = true
			cancel()
		}
	}

	// What is left was never started: stopped by fail fast or by ctx.
	why := ctx.Err()
	if failedFast {
		why = ErrFailFast
	}
	for v := range g.down {
		if _, ok := out[v]; !ok {
			out[v] = Outcome[K]{Err: why, Skipped: true}
		}
	}
	return out
}
