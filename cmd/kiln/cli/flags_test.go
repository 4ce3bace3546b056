package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpreadSelectors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"run -s a b", "run -s a -s b"},
		{"run --select a b c --exclude d e", "run --select a --select b --select c --exclude d --exclude e"},
		{"run --select=a b", "run --select=a --select b"},
		{"run -s a --threads 2 b", "run -s a --threads 2 b"}, // b is not a selector
		{"run -s a+ --full-refresh", "run -s a+ --full-refresh"},
		{"run -s a -- b", "run -s a -- b"},
		{"init shop", "init shop"},
	} {
		got := strings.Join(spreadSelectors(strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("spreadSelectors(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// --select takes several values, as dbt's does; --vars may be repeated.
func TestSeveralSelectorsAndVars(t *testing.T) {
	dir := newProject(t)
	r := mustKiln(t, dir, "ls", "--select", "stg_orders", "stg_customers", "--exclude", "not_null_*", "unique_*", "--output", "name")
	if diff := cmp.Diff("stg_customers\nstg_orders\n", r.stdout); diff != "" {
		t.Errorf("ls (-want +got):\n%s", diff)
	}
	mustKiln(t, dir, "--vars", "currency: USD", "--vars", `{"other": 1}`, "compile", "--select", "customers")
	if got := readFile(t, dir, "target/compiled/models/marts/customers.sql"); !strings.Contains(got, "'USD' as currency") {
		t.Errorf("the first --vars was lost:\n%s", got)
	}
}

// Each step keeps the number it started with on its result line.
func TestProgressNumbers(t *testing.T) {
	dir := newProject(t)
	mustKiln(t, dir, "seed")
	r := mustKiln(t, dir, "build", "--threads", "4")
	line := regexp.MustCompile(`(?m)^\s*(\d+) of (\d+)  (START|OK   |PASS |ERROR|FAIL |WARN )  .{24} (\S+)`)
	started := map[string]string{}
	finished := 0
	for _, m := range line.FindAllStringSubmatch(r.stdout, -1) {
		n, what, name := m[1], m[3], m[4]
		if what == "START" {
			started[name] = n
			continue
		}
		finished++
		if started[name] != n {
			t.Errorf("%s started as %q and finished as %q", name, started[name], n)
		}
	}
	if finished == 0 || len(started) != finished {
		t.Errorf("%d steps started, %d finished:\n%s", len(started), finished, r.stdout)
	}
	if !strings.Contains(r.stdout, " done, ") {
		t.Errorf("no done count in the progress:\n%s", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := mustKiln(t, t.TempDir(), "--version")
	if !strings.HasPrefix(r.stdout, "kiln ") {
		t.Errorf("--version printed %q", r.stdout)
	}
}
