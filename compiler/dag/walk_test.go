package dag

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder notes when each visit starts and ends, and how many run at once.
type recorder struct {
	mu       sync.Mutex
	clock    int
	start    map[string]int
	end      map[string]int
	order    []string
	inFlight int
	maxIn    int
}

func newRecorder() *recorder {
	return &recorder{start: map[string]int{}, end: map[string]int{}}
}

func (r *recorder) begin(v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock++
	r.start[v] = r.clock
	r.order = append(r.order, v)
	r.inFlight++
	r.maxIn = max(r.maxIn, r.inFlight)
}

func (r *recorder) finish(v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock++
	r.end[v] = r.clock
	r.inFlight--
}

// layered returns a graph of width vertices per layer, each connected to
// three vertices of the layer above.
func layered(layers, width int) *Graph[string] {
	g := New[string]()
	name := func(l, i int) string { return fmt.Sprintf("l%03d_%04d", l, i) }
	for l := range layers {
		for i := range width {
			g.Add(name(l, i))
			if l == 0 {
				continue
			}
			for k := range 3 {
				g.Connect(name(l-1, (i*7+k*13)%width), name(l, i))
			}
		}
	}
	return g
}

func TestWalkOrderAndConcurrency(t *testing.T) {
	tests := []struct {
		name    string
		g       *Graph[string]
		workers int
	}{
		{"diamond one worker", build(t, "a>b", "a>c", "b>d", "c>d"), 1},
		{"zero workers means one", build(t, "a>b", "a>c", "b>d", "c>d"), 0},
		{"wide graph three workers", build(t, "r>a", "r>b", "r>c", "r>d", "r>e", "r>f", "a>z", "f>z"), 3},
		{"layered graph four workers", layered(6, 12), 4},
		{"more workers than vertices", build(t, "a>b", "c"), 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			got := tt.g.Walk(context.Background(), WalkOptions{Workers: tt.workers}, func(ctx context.Context, v string) error {
				rec.begin(v)
				time.Sleep(200 * time.Microsecond)
				rec.finish(v)
				return nil
			})
			for _, v := range tt.g.Vertices() {
				if o, ok := got[v]; !ok || o != (Outcome[string]{}) {
					t.Errorf("outcome of %s = %+v, %v; want success", v, o, ok)
				}
				if rec.start[v] == 0 {
					t.Errorf("%s was not visited", v)
				}
				for _, p := range tt.g.Parents(v) {
					if rec.start[v] < rec.end[p] {
						t.Errorf("%s started at %d before its parent %s ended at %d", v, rec.start[v], p, rec.end[p])
					}
				}
			}
			if len(got) != tt.g.Len() || len(rec.order) != tt.g.Len() {
				t.Errorf("got %d outcomes and %d visits, want %d", len(got), len(rec.order), tt.g.Len())
			}
			if limit := max(tt.workers, 1); rec.maxIn > limit {
				t.Errorf("%d visits ran at once, want at most %d", rec.maxIn, limit)
			}
			if tt.workers <= 1 {
				want, _ := tt.g.Sort()
				if diff := cmp.Diff(want, rec.order); diff != "" {
					t.Errorf("one worker must follow Sort (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestWalkUsesAllWorkers(t *testing.T) {
	// Eight independent vertices whose visits wait for each other in
	// pairs: the walk must run several at once or it would never finish.
	g := build(t, "a", "b", "c", "d", "e", "f", "g", "h")
	rec := newRecorder()
	var barrier sync.WaitGroup
	barrier.Add(4)
	g.Walk(context.Background(), WalkOptions{Workers: 4}, func(ctx context.Context, v string) error {
		rec.begin(v)
		defer rec.finish(v)
		if v < "e" {
			barrier.Done()
			barrier.Wait()
		}
		return nil
	})
	if rec.maxIn != 4 {
		t.Errorf("max in flight = %d, want 4", rec.maxIn)
	}
}

var errBoom = errors.New("boom")

func TestWalkFailureSkipsDescendants(t *testing.T) {
	// a → b → c → d, a → e, x → c, y
	edges := []string{"a>b", "b>c", "c>d", "a>e", "x>c", "y"}
	tests := []struct {
		name string
		fail []string
		want map[string]Outcome[string]
	}{
		{
			"middle vertex fails",
			[]string{"b"},
			map[string]Outcome[string]{
				"a": {}, "b": {Err: errBoom}, "c": {Skipped: true, Cause: "b"},
				"d": {Skipped: true, Cause: "b"}, "e": {}, "x": {}, "y": {},
			},
		},
		{
			"root fails",
			[]string{"a"},
			map[string]Outcome[string]{
				"a": {Err: errBoom}, "b": {Skipped: true, Cause: "a"}, "c": {Skipped: true, Cause: "a"},
				"d": {Skipped: true, Cause: "a"}, "e": {Skipped: true, Cause: "a"}, "x": {}, "y": {},
			},
		},
		{
			"leaf fails",
			[]string{"d", "y"},
			map[string]Outcome[string]{
				"a": {}, "b": {}, "c": {}, "d": {Err: errBoom}, "e": {}, "x": {}, "y": {Err: errBoom},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, edges...)
			var mu sync.Mutex
			visited := map[string]int{}
			got := g.Walk(context.Background(), WalkOptions{Workers: 3}, func(ctx context.Context, v string) error {
				mu.Lock()
				visited[v]++
				mu.Unlock()
				if slices.Contains(tt.fail, v) {
					return errBoom
				}
				return nil
			})
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) })); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			for v, o := range got {
				if n := visited[v]; o.Skipped && n != 0 || !o.Skipped && n != 1 {
					t.Errorf("%s visited %d times with outcome %+v", v, n, o)
				}
			}
		})
	}
}

func TestWalkFailFast(t *testing.T) {
	// "fail" fails at once; "slow" runs until it is cancelled; the chain
	// under "z" must not start.
	g := build(t, "fail>child", "slow", "z0>z1", "z1>z2")
	started := make(chan struct{})
	var mu sync.Mutex
	var visited []string
	got := g.Walk(context.Background(), WalkOptions{Workers: 2, FailFast: true}, func(ctx context.Context, v string) error {
		mu.Lock()
		visited = append(visited, v)
		mu.Unlock()
		switch v {
		case "fail":
			<-started // make sure slow is running
			return errBoom
		case "slow":
			close(started)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	want := map[string]Outcome[string]{
		"fail":  {Err: errBoom},
		"child": {Skipped: true, Cause: "fail"},
		"slow":  {Err: context.Canceled},
		"z0":    {Skipped: true, Err: ErrFailFast},
		"z1":    {Skipped: true, Err: ErrFailFast},
		"z2":    {Skipped: true, Err: ErrFailFast},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) })); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	slices.Sort(visited)
	if diff := cmp.Diff([]string{"fail", "slow"}, visited); diff != "" {
		t.Errorf("visited (-want +got):\n%s", diff)
	}
}

func TestWalkCancellation(t *testing.T) {
	g := build(t, "a>b", "b>c", "x")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := g.Walk(ctx, WalkOptions{Workers: 1}, func(ctx context.Context, v string) error {
		if v == "b" {
			cancel()
			<-ctx.Done()
		}
		return nil
	})
	want := map[string]Outcome[string]{
		"a": {},
		"b": {}, // it returned nil after seeing the cancellation
		"c": {Skipped: true, Err: context.Canceled},
		"x": {Skipped: true, Err: context.Canceled},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) })); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}

func TestWalkAlreadyCancelled(t *testing.T) {
	g := build(t, "a>b")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := g.Walk(ctx, WalkOptions{}, func(ctx context.Context, v string) error {
		t.Errorf("visited %s after cancellation", v)
		return nil
	})
	for v, o := range got {
		if !o.Skipped || !errors.Is(o.Err, context.Canceled) {
			t.Errorf("%s: %+v, want skipped with context.Canceled", v, o)
		}
	}
	if len(got) != 2 {
		t.Errorf("got %d outcomes, want 2", len(got))
	}
}

func TestWalkPanic(t *testing.T) {
	g := build(t, "a>b", "c")
	got := g.Walk(context.Background(), WalkOptions{Workers: 2}, func(ctx context.Context, v string) error {
		if v == "a" {
			panic("kaboom")
		}
		return nil
	})
	var pe *PanicError
	if !errors.As(got["a"].Err, &pe) {
		t.Fatalf("outcome of a = %+v, want a *PanicError", got["a"])
	}
	if want := "panic while visiting a: kaboom"; pe.Error() != want || len(pe.Stack) == 0 {
		t.Errorf("error = %q (stack %d bytes), want %q with a stack", pe.Error(), len(pe.Stack), want)
	}
	if diff := cmp.Diff(Outcome[string]{Skipped: true, Cause: "a"}, got["b"], cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) })); diff != "" {
		t.Errorf("outcome of b (-want +got):\n%s", diff)
	}
	if got["c"] != (Outcome[string]{}) {
		t.Errorf("outcome of c = %+v, want success", got["c"])
	}
}

func TestWalkCycle(t *testing.T) {
	g := build(t, "a>b", "b>a", "c")
	got := g.Walk(context.Background(), WalkOptions{Workers: 2}, func(ctx context.Context, v string) error {
		t.Errorf("visited %s in a cyclic graph", v)
		return nil
	})
	for _, v := range []string{"a", "b", "c"} {
		if o := got[v]; !o.Skipped || !errors.Is(o.Err, ErrCycle) {
			t.Errorf("%s: %+v, want skipped with ErrCycle", v, o)
		}
	}
}

func TestWalkEmpty(t *testing.T) {
	if got := New[int]().Walk(context.Background(), WalkOptions{}, nil); len(got) != 0 {
		t.Errorf("Walk on an empty graph = %v", got)
	}
}

func TestWalkLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	g := layered(10, 20)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	var mu sync.Mutex
	g.Walk(ctx, WalkOptions{Workers: 8, FailFast: true}, func(ctx context.Context, v string) error {
		mu.Lock()
		n++
		if n == 30 {
			cancel()
		}
		mu.Unlock()
		if v == "l003_0005" {
			return errBoom
		}
		return nil
	})
	cancel()
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("%d goroutines after the walk, %d before", runtime.NumGoroutine(), before)
}
