package dag

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// build makes a graph from edges written "a>b" (b depends on a) and lone
// vertices written "a".
func build(t testing.TB, spec ...string) *Graph[string] {
	t.Helper()
	g := New[string]()
	for _, s := range spec {
		from, to, ok := strings.Cut(s, ">")
		if !ok {
			g.Add(s)
			continue
		}
		g.Connect(from, to)
	}
	return g
}

func TestBasics(t *testing.T) {
	g := build(t, "b>c", "a>c", "a>c", "d", "d", "c>e")
	if got, want := g.Len(), 5; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "e"}, g.Vertices()); diff != "" {
		t.Errorf("Vertices() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b"}, g.Parents("c")); diff != "" {
		t.Errorf("Parents(c) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"c"}, g.Children("a")); diff != "" {
		t.Errorf("Children(a) (-want +got):\n%s", diff)
	}
	if !g.Has("d") || g.Has("z") {
		t.Errorf("Has(d), Has(z) = %v, %v, want true, false", g.Has("d"), g.Has("z"))
	}
	if got := g.Parents("z"); got != nil {
		t.Errorf("Parents(z) = %v, want nil", got)
	}
}

func TestAncestorsDescendants(t *testing.T) {
	// a → b → c → d, x → c, d → e, d → f
	g := build(t, "a>b", "b>c", "c>d", "x>c", "d>e", "d>f", "lone")
	tests := []struct {
		name  string
		up    bool
		v     string
		depth int
		want  []string
	}{
		{"parents", true, "d", 1, []string{"c"}},
		{"grandparents", true, "d", 2, []string{"b", "c", "x"}},
		{"all ancestors", true, "d", -1, []string{"a", "b", "c", "x"}},
		{"depth beyond graph", true, "d", 99, []string{"a", "b", "c", "x"}},
		{"depth zero", true, "d", 0, nil},
		{"root has no ancestors", true, "a", -1, nil},
		{"unknown vertex", true, "nope", -1, nil},
		{"children", false, "c", 1, []string{"d"}},
		{"two levels down", false, "b", 2, []string{"c", "d"}},
		{"all descendants", false, "a", -1, []string{"b", "c", "d", "e", "f"}},
		{"lone vertex", false, "lone", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			if tt.up {
				got = g.Ancestors(tt.v, tt.depth)
			} else {
				got = g.Descendants(tt.v, tt.depth)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAncestorsOnCycleExcludesSelf(t *testing.T) {
	g := build(t, "a>b", "b>a", "c>a")
	if diff := cmp.Diff([]string{"b", "c"}, g.Ancestors("a", -1)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCycles(t *testing.T) {
	tests := []struct {
		name  string
		edges []string
		want  [][]string
	}{
		{"acyclic", []string{"a>b", "b>c", "a>c"}, nil},
		{"empty", nil, nil},
		{"two vertices", []string{"b>a", "a>b"}, [][]string{{"a", "b", "a"}}},
		{"triangle starts at smallest", []string{"c>a", "a>b", "b>c", "x>b"}, [][]string{{"a", "b", "c", "a"}}},
		{"self loop", []string{"a>a", "a>b"}, [][]string{{"a", "a"}}},
		{
			"disjoint cycles sorted",
			[]string{"x>y", "y>x", "b>c", "c>b", "m>m", "c>x"},
			[][]string{{"b", "c", "b"}, {"m", "m"}, {"x", "y", "x"}},
		},
		{
			"nested loops in one component",
			// a→b→a and b→c→b: one component, one walk through all three
			[]string{"a>b", "b>a", "b>c", "c>b"},
			[][]string{{"a", "b", "c", "b", "a"}},
		},
		{
			"figure eight through the smallest",
			[]string{"a>b", "b>a", "a>c", "c>a"},
			[][]string{{"a", "b", "a", "c", "a"}},
		},
		{
			"self loop inside a component",
			[]string{"a>b", "b>a", "b>b"},
			[][]string{{"a", "b", "a"}, {"b", "b"}},
		},
		{
			"shortcut chooses the nearest then smallest",
			// a→d→b→c→a with a chord a→c
			[]string{"a>d", "d>b", "b>c", "c>a", "a>c"},
			[][]string{{"a", "c", "a", "d", "b", "c", "a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.edges...)
			got := g.Cycles()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Cycles() (-want +got):\n%s", diff)
			}
			for _, c := range got {
				for i := 0; i+1 < len(c); i++ {
					if !g.Has(c[i]) || !contains(g.Children(c[i]), c[i+1]) {
						t.Errorf("cycle %v: %s → %s is not an edge", c, c[i], c[i+1])
					}
				}
			}
			err := g.Validate()
			if (err != nil) != (tt.want != nil) {
				t.Fatalf("Validate() = %v, want error: %v", err, tt.want != nil)
			}
			if err != nil && !errors.Is(err, ErrCycle) {
				t.Errorf("Validate() = %v, does not wrap ErrCycle", err)
			}
		})
	}
}

func TestCycleErrorMessage(t *testing.T) {
	_, err := build(t, "b>a", "a>b", "c>c").Sort()
	want := "dependency cycle: a → b → a; c → c"
	if err == nil || err.Error() != want {
		t.Errorf("Sort() error = %v, want %q", err, want)
	}
	var ce *CycleError[string]
	if !errors.As(err, &ce) || len(ce.Cycles) != 2 {
		t.Errorf("errors.As(%v, *CycleError) failed or wrong cycles", err)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestSort(t *testing.T) {
	tests := []struct {
		name  string
		edges []string
		want  []string
	}{
		{"empty", nil, []string{}},
		{"independent vertices alphabetical", []string{"c", "a", "b"}, []string{"a", "b", "c"}},
		{"chain against the alphabet", []string{"z>y", "y>x"}, []string{"z", "y", "x"}},
		{
			"smallest ready first",
			// a and d are roots; b needs a; c needs a and d
			[]string{"a>c", "d>c", "a>b", "e"},
			[]string{"a", "b", "d", "c", "e"},
		},
		{
			"diamond",
			[]string{"top>l", "top>r", "l>bottom", "r>bottom"},
			[]string{"top", "l", "r", "bottom"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.edges...)
			for range 20 { // map iteration must not leak into the order
				got, err := g.Sort()
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Fatalf("Sort() (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestSortCycle(t *testing.T) {
	_, err := build(t, "a>b", "b>c", "c>b").Sort()
	if !errors.Is(err, ErrCycle) {
		t.Fatalf("Sort() error = %v, want ErrCycle", err)
	}
}

func TestSubgraph(t *testing.T) {
	tests := []struct {
		name  string
		edges []string
		keep  string // the kept vertices, one letter each
		want  map[string][]string
	}{
		{
			"direct edges kept",
			[]string{"a>b", "b>c"}, "abc",
			map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil},
		},
		{
			"transitive through removed chain",
			[]string{"a>x", "x>y", "y>b", "b>z"}, "ab",
			map[string][]string{"a": {"b"}, "b": nil},
		},
		{
			"stops at the first kept vertex",
			// a→x→b→c: a gets b, not c (c is reached through b)
			[]string{"a>x", "x>b", "b>c"}, "abc",
			map[string][]string{"a": {"b"}, "b": {"c"}, "c": nil},
		},
		{
			"fan through a removed vertex",
			[]string{"a>x", "b>x", "x>c", "x>d"}, "abcd",
			map[string][]string{"a": {"c", "d"}, "b": {"c", "d"}, "c": nil, "d": nil},
		},
		{
			"unrelated vertices stay unconnected",
			[]string{"a>x", "b>y"}, "ab",
			map[string][]string{"a": nil, "b": nil},
		},
		{
			"cycle through removed vertices becomes a self-loop",
			[]string{"a>x", "x>a"}, "a",
			map[string][]string{"a": {"a"}},
		},
		{"nothing kept", []string{"a>b"}, "", map[string][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.edges...)
			sub := g.Subgraph(func(v string) bool { return strings.Contains(tt.keep, v) })
			got := map[string][]string{}
			for _, v := range sub.Vertices() {
				got[v] = sub.Children(v)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Subgraph (-want +got):\n%s", diff)
			}
		})
	}
}
