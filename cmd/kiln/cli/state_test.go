package cli

import (
	"context"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/kiln-sql/kiln/compiler"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/pr.txtar")

// pr is testdata/pr.txtar: a base project, the files a pull request
// changes, and the golden outputs.
type pr struct {
	file    string
	ar      *txtar.Archive
	base    map[string][]byte
	head    map[string][]byte
	deletes []string
	want    map[string]string
}

func readPR(t *testing.T) *pr {
	t.Helper()
	file := filepath.Join("testdata", "pr.txtar")
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := &pr{file: file, ar: ar, base: map[string][]byte{}, head: map[string][]byte{}, want: map[string]string{}}
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "base/"):
			p.base[strings.TrimPrefix(f.Name, "base/")] = f.Data
		case strings.HasPrefix(f.Name, "head/"):
			p.head[strings.TrimPrefix(f.Name, "head/")] = f.Data
		case f.Name == "head.delete":
			p.deletes = strings.Fields(string(f.Data))
		case strings.HasPrefix(f.Name, "want/"):
			p.want[strings.TrimPrefix(f.Name, "want/")] = string(f.Data)
		}
	}
	return p
}

// writeBase writes the base project into a new directory.
func (p *pr) writeBase(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	for name, data := range p.base {
		write(t, dir, name, string(data))
	}
	return dir
}

// applyHead turns a base project into the pull request's head.
func (p *pr) applyHead(t *testing.T, dir string) {
	t.Helper()
	for name, data := range p.head {
		write(t, dir, name, string(data))
	}
	for _, name := range p.deletes {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
}

// saveState copies the project's target/manifest.json (and
// run_results.json, if any) to a new state directory, as CI keeps the
// artifacts of the main branch.
func saveState(t *testing.T, dir string) string {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state")
	for _, name := range []string{"manifest.json", "run_results.json"} {
		data, err := os.ReadFile(filepath.Join(dir, "target", name))
		if os.IsNotExist(err) && name == "run_results.json" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		write(t, state, name, string(data))
	}
	return state
}

// pinVersion makes the kiln version in outputs stable across releases.
func pinVersion(t *testing.T) {
	old := compiler.Version
	compiler.Version = "0.0.0-test"
	t.Cleanup(func() { compiler.Version = old })
}

// TestGolden compares kiln diff (text, markdown, JSON) on the pull request
// and kiln graph (DOT, Mermaid, JSON) on its base with testdata/pr.txtar.
// Review any change of them like code; -update rewrites them.
func TestGolden(t *testing.T) {
	pinVersion(t)
	p := readPR(t)
	dir := p.writeBase(t)
	got := map[string]string{}
	for _, f := range []struct{ name, format string }{{"graph.dot", "dot"}, {"graph.mmd", "mermaid"}, {"graph.json", "json"}} {
		got[f.name] = mustKiln(t, dir, "graph", "--target", "prod", "--format", f.format).stdout
	}
	got["graph-select.mmd"] = mustKiln(t, dir, "graph", "--target", "prod", "--format", "mermaid", "--select", "+orders").stdout
	mustKiln(t, dir, "compile", "--target", "prod")
	state := saveState(t, dir)
	p.applyHead(t, dir)
	for _, f := range []struct{ name, format string }{{"diff.txt", "text"}, {"diff.md", "markdown"}, {"diff.json", "json"}} {
		got[f.name] = mustKiln(t, dir, "diff", "--target", "dev", "--state", state, "--format", f.format).stdout
	}
	if *update {
		var kept []txtar.File
		for _, f := range p.ar.Files {
			if !strings.HasPrefix(f.Name, "want/") {
				kept = append(kept, f)
			}
		}
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			kept = append(kept, txtar.File{Name: "want/" + n, Data: []byte(got[n])})
		}
		p.ar.Files = kept
		if err := os.WriteFile(p.file, txtar.Format(p.ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for name, g := range got {
		if diff := cmp.Diff(p.want[name], g); diff != "" {
			t.Errorf("%s differs (-want +got); rerun with -update after review:\n%s", name, diff)
		}
	}
}

// TestDiffSimulatedPR checks what the pull request's diff says, field by
// field: exactly the changed nodes, each classified, with its downstream.
func TestDiffSimulatedPR(t *testing.T) {
	p := readPR(t)
	dir := p.writeBase(t)
	mustKiln(t, dir, "compile", "--target", "prod")
	state := saveState(t, dir)
	p.applyHead(t, dir)
	var d compiler.Diff
	out := mustKiln(t, dir, "diff", "--target", "dev", "--state", state, "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("diff --format json is not JSON: %v\n%s", err, out)
	}
	type verdict struct {
		Status     compiler.ChangeStatus
		Breaking   bool
		Reasons    []string
		Downstream []string
	}
	got := map[string]verdict{}
	for _, c := range d.Changes {
		var rs []string
		for _, r := range c.Reasons {
			rs = append(rs, r.Text)
		}
		got[c.Name] = verdict{c.Status, c.Breaking, rs, c.Downstream}
	}
	const m = "model.shop."
	want := map[string]verdict{
		"stg_orders": {compiler.Modified, true, []string{"WHERE changed (filter)"},
			[]string{m + "customers", m + "order_events", m + "orders", m + "revenue"}},
		"stg_payments": {compiler.Modified, false, []string{"column is_large added"},
			[]string{m + "customers", m + "order_amounts", m + "orders", m + "revenue"}},
		"customers": {compiler.Modified, true, []string{"column lifetime_value retyped: integer → decimal(18,2)", "description changed"},
			[]string{}},
		"revenue":    {compiler.Added, false, nil, []string{}},
		"old_report": {compiler.Removed, true, []string{"removed: whatever reads it breaks"}, []string{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(compiler.DiffSummary{Added: 1, Removed: 1, Modified: 3, Breaking: 3, Impacted: 3}, d.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	var impacted []string
	for _, n := range d.Impacted {
		impacted = append(impacted, n.Name)
	}
	if diff := cmp.Diff([]string{"order_amounts", "order_events", "orders"}, impacted); diff != "" {
		t.Errorf("impacted (-want +got):\n%s", diff)
	}
	for _, c := range d.Changes {
		if c.Name == "stg_customers" {
			t.Errorf("a whitespace and comment edit shows as a change: %+v", c)
		}
		if strings.Contains(c.SQLDiff, `"dev"`) {
			t.Errorf("the SQL diff of %s shows the target's schema:\n%s", c.Name, c.SQLDiff)
		}
	}

	md := mustKiln(t, dir, "diff", "--target", "dev", "--state", state, "--format", "markdown").stdout
	if first := strings.SplitN(md, "\n", 2)[0]; first != "### kiln diff: 3 modified, 1 added, 1 removed (3 breaking); 3 downstream nodes impacted" {
		t.Errorf("markdown summary line: %q", first)
	}
	checkMermaid(t, md, []string{"stg_orders", "stg_payments", "customers", "revenue", "old_report", "orders", "order_amounts", "order_events"})
	if n := strings.Count(md, "<details>"); n != 4 {
		t.Errorf("%d <details> blocks, want 4 (stg_orders, stg_payments, revenue, old_report)", n)
	}

	// The selectors agree with the diff. (ls also lists the tests of what
	// it selects, as dbt's eager indirect selection does: leave them out.)
	ls := func(sel string) []string {
		out := mustKiln(t, dir, "ls", "--target", "dev", "--state", state, "--select", sel, "--exclude", "resource_type:test", "--output", "name").stdout
		return strings.Fields(out)
	}
	for sel, want := range map[string][]string{
		"state:modified":                      {"customers", "revenue", "stg_orders", "stg_payments"},
		"state:modified.body":                 {"revenue", "stg_orders", "stg_payments"},
		"state:modified.columns":              {"customers", "revenue", "stg_payments"},
		"state:new":                           {"revenue"},
		"state:removed":                       {"old_report"},
		"state:modified+,resource_type:model": {"customers", "order_amounts", "order_events", "orders", "revenue", "stg_orders", "stg_payments"},
	} {
		if diff := cmp.Diff(want, ls(sel)); diff != "" {
			t.Errorf("ls --select %s (-want +got):\n%s", sel, diff)
		}
	}
	removed := mustKiln(t, dir, "ls", "--target", "dev", "--state", state, "--select", "state:removed", "--output", "json").stdout
	if !strings.Contains(removed, `"original_file_path":"models/legacy/old_report.sql"`) {
		t.Errorf("ls --output json of a removed model: %s", removed)
	}
}

var (
	mermaidNode  = regexp.MustCompile(`^  (n\d+)\["((?:[^"#]|#quot;|#lt;|#gt;|#96;)*)"\]:::(\w+)$`)
	mermaidEdge  = regexp.MustCompile(`^  (n\d+) --> (n\d+)$`)
	mermaidClass = regexp.MustCompile(`^  classDef (\w+) [\w#:.,\- ]+$`)
)

// checkMermaid checks that a markdown report has one mermaid block whose
// every line is a flowchart header, a node, an edge between declared
// nodes, or a class definition, that every class used is defined, and that
// the nodes are the given names.
func checkMermaid(t *testing.T, md string, names []string) {
	t.Helper()
	start := strings.Index(md, "```mermaid\n")
	if start < 0 || strings.Count(md, "```mermaid") != 1 {
		t.Fatalf("want one mermaid block:\n%s", md)
	}
	body := md[start+len("```mermaid\n"):]
	end := strings.Index(body, "```")
	if end < 0 {
		t.Fatal("the mermaid block is not closed")
	}
	lines := strings.Split(strings.TrimSuffix(body[:end], "\n"), "\n")
	if lines[0] != "flowchart LR" {
		t.Errorf("mermaid starts with %q", lines[0])
	}
	nodes, classes, used := map[string]string{}, map[string]bool{}, map[string]bool{}
	for _, l := range lines[1:] {
		switch {
		case mermaidNode.MatchString(l):
			m := mermaidNode.FindStringSubmatch(l)
			if _, dup := nodes[m[1]]; dup {
				t.Errorf("node %s declared twice", m[1])
			}
			nodes[m[1]] = m[2]
			used[m[3]] = true
		case mermaidEdge.MatchString(l):
			m := mermaidEdge.FindStringSubmatch(l)
			if nodes[m[1]] == "" || nodes[m[2]] == "" {
				t.Errorf("edge %q joins an undeclared node", l)
			}
		case mermaidClass.MatchString(l):
			classes[mermaidClass.FindStringSubmatch(l)[1]] = true
		default:
			t.Errorf("mermaid line is not a node, edge or class: %q", l)
		}
	}
	for c := range used {
		if !classes[c] {
			t.Errorf("class %s is used but not defined", c)
		}
	}
	var got []string
	for _, n := range nodes {
		got = append(got, n)
	}
	slices.Sort(got)
	want := slices.Clone(names)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mermaid nodes (-want +got):\n%s", diff)
	}
}

// A change that moves only whitespace and comments, compiled for another
// target and with another value of an environment variable that ends up
// in a comment, is no change.
func TestNoChangeForLayoutTargetAndEnv(t *testing.T) {
	p := readPR(t)
	dir := p.writeBase(t)
	write(t, dir, "models/staging/stg_payments.sql", "-- region: {{ env \"SHOP_REGION\" \"eu\" }}\nselect id as payment_id, order_id, amount from {{ source \"raw\" \"payments\" }}\n")
	t.Setenv("SHOP_REGION", "eu")
	mustKiln(t, dir, "compile", "--target", "prod")
	state := saveState(t, dir)

	t.Setenv("SHOP_REGION", "us")
	write(t, dir, "models/staging/stg_payments.sql", "-- region: {{ env \"SHOP_REGION\" \"eu\" }}\nSELECT\n  id AS payment_id, -- the payment\n  order_id,\n  amount\nFROM {{ source \"raw\" \"payments\" }};\n")
	write(t, dir, "models/marts/orders.sql", `/* orders, one per row */
select o.order_id, o.customer_id, o.status,
       a.amount / 100 as amount
  from {{ ref "stg_orders" }} o
  join {{ ref "order_amounts" }} a using (order_id)`)
	write(t, dir, "models/schema.yml", "# reformatted\nsources:\n  - name: raw\n    schema: prod\n    tables: [{ name: payments, identifier: raw_payments }]\nmodels:\n  - name: customers\n    description: One row per customer.\n    columns:\n      - { name: lifetime_value, data_type: INTEGER }\n      - { name: customer_id, data_type: integer, tests: [not_null, unique] }\n")

	out := mustKiln(t, dir, "diff", "--target", "dev", "--state", state).stdout
	if !strings.HasPrefix(out, "kiln diff: no changes to models, seeds or sources\n") {
		t.Errorf("diff reports changes:\n%s", out)
	}
	if got := mustKiln(t, dir, "ls", "--target", "dev", "--state", state, "--select", "state:modified", "--output", "name").stdout; got != "" {
		t.Errorf("state:modified selects:\n%s", got)
	}
	if got := mustKiln(t, dir, "run", "--target", "dev", "--state", state, "--select", "state:modified+").stdout; !strings.Contains(got, "nothing to do") {
		t.Errorf("run --select state:modified+ with no change:\n%s", got)
	}
}

// kiln build --select state:modified+ --defer --state builds only the
// changed model and what is downstream of it (and tests it), in the dev
// schema, and reads everything else from the relations prod built.
func TestDeferRunsChangedModelsOnBaseRelations(t *testing.T) {
	p := readPR(t)
	dir := p.writeBase(t)
	mustKiln(t, dir, "seed", "--target", "prod")
	mustKiln(t, dir, "run", "--target", "prod")
	state := saveState(t, dir)
	write(t, dir, "models/staging/stg_orders.sql", string(p.head["models/staging/stg_orders.sql"]))

	// Without --defer, the dev schema lacks what the changed models read.
	r := kiln(t, context.Background(), dir, "run", "--target", "dev", "--state", state, "--select", "state:modified+")
	if r.code != ExitFailure {
		t.Fatalf("run without --defer: exit %d, want 1 (dev has no stg_payments)\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = mustKiln(t, dir, "build", "--target", "dev", "--state", state, "--select", "state:modified+", "--defer")
	if !regexp.MustCompile(`PASS=7 (WARN=0 )?ERROR=0 SKIP=0 TOTAL=7`).MatchString(r.stdout) {
		t.Errorf("run --defer summary:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "deferring 5 unselected nodes to the relations of --state") {
		t.Errorf("run --defer does not say what it defers:\n%s", r.stdout)
	}

	got := dumpSchema(t, dir, "dev")
	if diff := cmp.Diff([]string{"table customers", "table order_events", "table orders", "view old_report", "view stg_orders"}, slices.Sorted(maps.Keys(got))); diff != "" {
		t.Errorf("dev holds (-want +got):\n%s", diff)
	}
	// Test orders are gone downstream of the change; Grace had only one.
	if diff := cmp.Diff("1 Ada 35\n2 Grace 0\n3 Edsger 12\n", got["table customers"]); diff != "" {
		t.Errorf("dev customers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("1 Ada 35\n2 Grace 9.99\n3 Edsger 12\n", dumpSchema(t, dir, "prod")["table customers"]); diff != "" {
		t.Errorf("prod customers changed (-want +got):\n%s", diff)
	}
	compiled, err := os.ReadFile(filepath.Join(dir, "target", "compiled", "models", "marts", "orders.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"dev"."stg_orders"`, `"prod"."stg_payments"`} {
		if !strings.Contains(string(compiled), want) {
			t.Errorf("deferred orders.sql lacks %s:\n%s", want, compiled)
		}
	}
}

// dumpSchema reads every table and view of one schema of the shop's
// DuckDB file as text, rows sorted.
func dumpSchema(t *testing.T, dir, schema string) map[string]string {
	t.Helper()
	return dumpDB(t, dir, "target/shop.duckdb", schema)
}

func TestStateUsageErrors(t *testing.T) {
	p := readPR(t)
	dir := p.writeBase(t)
	mustKiln(t, dir, "compile", "--target", "prod")
	state := saveState(t, dir)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"defer without state", []string{"run", "--defer"}, ExitUsage, "--defer needs --state DIR"},
		{"state without manifest", []string{"ls", "--state", t.TempDir()}, ExitUsage, "no manifest.json in the state directory"},
		{"diff without state", []string{"diff"}, ExitUsage, "kiln diff needs --state DIR"},
		{"diff format", []string{"diff", "--state", state, "--format", "html"}, ExitUsage, "--format must be text, markdown or json"},
		{"graph format", []string{"graph", "--format", "png"}, ExitUsage, "--format must be dot, mermaid or json"},
		{"state selector without state", []string{"ls", "--select", "state:modified"}, ExitUsage, `selector method "state" needs --state DIR`},
		{"result without run results", []string{"ls", "--state", state, "--select", "result:error"}, ExitUsage, "the state has no run_results.json"},
		{"misspelt state", []string{"ls", "--state", state, "--select", "state:modifed"}, ExitUsage, `did you mean "modified"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := kiln(t, context.Background(), dir, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("kiln %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.want)
			}
		})
	}
}

// result:error+ picks up, from another run's results, what failed and
// what it skipped.
func TestResultSelector(t *testing.T) {
	p := readPR(t)
	dir := p.writeBase(t)
	mustKiln(t, dir, "seed", "--target", "prod")
	// Analysis cannot see this fail: casting 'placed' to an integer fails
	// only when the query runs.
	write(t, dir, "models/marts/orders.sql", "select order_id, customer_id, cast(status as integer) as amount from {{ ref \"stg_orders\" }}")
	if r := kiln(t, context.Background(), dir, "run", "--target", "prod"); r.code != ExitFailure {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	state := saveState(t, dir)
	for sel, want := range map[string]string{
		"result:error":   "orders",
		"result:skipped": "customers old_report",
		"result:error+":  "customers old_report orders",
		"result:success": "order_amounts order_events stg_customers stg_orders stg_payments",
	} {
		got := strings.Join(strings.Fields(mustKiln(t, dir, "ls", "--target", "prod", "--state", state, "--select", sel, "--exclude", "resource_type:test", "--output", "name").stdout), " ")
		if got != want {
			t.Errorf("ls --select %s = %q, want %q", sel, got, want)
		}
	}
}

// kiln compile --defer shows the SQL a deferred run would run.
func TestCompileDefer(t *testing.T) {
	p := readPR(t)
	dir := p.writeBase(t)
	mustKiln(t, dir, "compile", "--target", "prod")
	state := saveState(t, dir)
	mustKiln(t, dir, "compile", "--target", "dev", "--select", "customers", "--defer", "--state", state)
	data, err := os.ReadFile(filepath.Join(dir, "target", "compiled", "models", "marts", "customers.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"prod"."stg_customers"`, `"prod"."orders"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("customers.sql compiled with --defer lacks %s:\n%s", want, data)
		}
	}
}
