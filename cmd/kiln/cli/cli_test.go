package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/models"
)

// result is what one kiln invocation printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// kiln runs the CLI in-process in dir.
func kiln(t *testing.T, ctx context.Context, dir string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(ctx, append([]string{"--project-dir", dir, "--no-color"}, args...), strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// mustKiln runs kiln and fails the test unless it exits 0.
func mustKiln(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := kiln(t, context.Background(), dir, args...)
	if r.code != 0 {
		t.Fatalf("kiln %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// newProject writes kiln init's project into a temporary directory.
func newProject(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"init", dir}, nil, &out, &out); code != 0 {
		t.Fatalf("kiln init: exit %d: %s", code, out.String())
	}
	return dir
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// dump reads every table and view of the project's default DuckDB file
// (schema main) as text, one entry per relation, rows sorted.
func dump(t *testing.T, dir string) map[string]string {
	t.Helper()
	return dumpDB(t, dir, "target/dev.duckdb", "main")
}

// dumpDB reads every table and view of one schema of a DuckDB file of the
// project as text, one entry per relation ("table customers"), rows sorted.
func dumpDB(t *testing.T, dir, file, schema string) map[string]string {
	t.Helper()
	e := duckdb.New()
	db, err := e.Open(context.Background(), dir, models.Target{Name: schema, Type: "duckdb", Path: file, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rels, err := e.Relations(context.Background(), db, []string{schema})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rels {
		rows, err := db.Query(fmt.Sprintf("select * from %s order by all", e.QuoteRelation(r.Relation)))
		if err != nil {
			t.Fatalf("reading %s: %v", r.Relation, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		out[string(r.Kind)+" "+r.Relation.Name] = b.String()
	}
	return out
}

func TestInitSeedRunCompileLs(t *testing.T) {
	dir := newProject(t)
	mustKiln(t, dir, "seed")
	r := mustKiln(t, dir, "run")
	if !strings.Contains(r.stdout, "PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3") {
		t.Errorf("run summary missing:\n%s", r.stdout)
	}
	got := dump(t, dir)
	want := "1 Ada Lovelace 2 21.49 EUR\n2 Grace Hopper 0 0 EUR\n3 Edsger Dijkstra 2 19.99 EUR\n4 Barbara Liskov 0 0 EUR\n"
	if diff := cmp.Diff(want, got["table customers"]); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
	if _, ok := got["view stg_orders"]; !ok {
		t.Errorf("stg_orders is not a view: %v", keys(got))
	}
	for _, f := range []string{"target/manifest.json", "target/run_results.json", "target/kiln.log", "target/graph.dot",
		"target/compiled/models/marts/customers.sql", "target/run/models/marts/customers.sql", "target/run/seeds/raw_orders.sql"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing artifact: %v", err)
		}
	}

	// A second run is idempotent.
	mustKiln(t, dir, "run")
	if diff := cmp.Diff(got, dump(t, dir)); diff != "" {
		t.Errorf("second run changed the data (-first +second):\n%s", diff)
	}

	// Selecting a node selects its tests too, as in dbt.
	r = mustKiln(t, dir, "ls", "--select", "+customers", "--output", "name")
	if diff := cmp.Diff("customers\nstg_customers\nstg_orders\nraw_customers\nraw_orders\nnot_null_customers_customer_id\nunique_customers_customer_id\n", r.stdout); diff != "" {
		t.Errorf("ls +customers (-want +got):\n%s", diff)
	}
	r = mustKiln(t, dir, "compile", "--select", "stg_orders")
	if !strings.Contains(r.stdout, "compiled 1 model") {
		t.Errorf("compile output: %s", r.stdout)
	}
}

// Broken variants of a project each exit 1 with path:line:col and a hint,
// and leave the relations built before untouched.
func TestBrokenProjectsKeepBuiltTables(t *testing.T) {
	dir := newProject(t)
	mustKiln(t, dir, "seed")
	mustKiln(t, dir, "run")
	before := dump(t, dir)
	orig := map[string][]byte{}
	for _, f := range []string{"kiln.yml", "models/marts/customers.sql", "models/staging/stg_orders.sql"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		orig[f] = data
	}
	tests := []struct {
		name, file, content, want string
	}{
		{"near-miss ref", "models/marts/customers.sql", `select * from {{ ref "stg_customer" }}`,
			`models/marts/customers.sql:1:18: unknown model "stg_customer"` + "\n\thint: did you mean \"stg_customers\""},
		{"cycle", "models/staging/stg_orders.sql", `select * from {{ ref "customers" }}`,
			"dependency cycle: customers → stg_orders → customers"},
		{"template syntax", "models/marts/customers.sql", "select 1\nfrom {{ ref \"stg_orders\" }",
			`models/marts/customers.sql:2:`},
		{"config key typo", "models/marts/customers.sql", `{{ config "materalized" "table" }}select 1`,
			"models/marts/customers.sql:1:11: unknown config key \"materalized\"\n\thint: did you mean \"materialized\"?"},
		{"missing env var", "kiln.yml", "name: shop\nprofile:\n  target: dev\n  targets:\n    dev: { type: duckdb, schema: \"${env:KILN_TEST_UNSET_SCHEMA}\" }\n",
			"kiln.yml:5:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write(t, dir, tc.file, tc.content)
			defer write(t, dir, tc.file, string(orig[tc.file]))
			r := kiln(t, context.Background(), dir, "run")
			if r.code != ExitFailure {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, ExitFailure, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr does not contain %q:\n%s", tc.want, r.stderr)
			}
			if !regexp.MustCompile(`(?m)^\S+:\d+:\d+: `).MatchString(r.stderr) {
				t.Errorf("no path:line:col in stderr:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, "hint: ") {
				t.Errorf("no hint in stderr:\n%s", r.stderr)
			}
			if diff := cmp.Diff(before, dump(t, dir)); diff != "" {
				t.Errorf("relations changed (-before +after):\n%s", diff)
			}
		})
	}
}

// A model that fails at run time: its descendants are skipped, the rest is
// built, the exit status is 1, run_results.json says which and why, and the
// failing model's previous table is untouched.
func TestFailingModelSkipsDescendants(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/marts/order_totals.sql", `{{ config "materialized" "table" }}select count(*) as n from {{ ref "stg_orders" }}`)
	write(t, dir, "models/marts/order_report.sql", `select n * 2 as n2 from {{ ref "order_totals" }}`)
	mustKiln(t, dir, "seed")
	mustKiln(t, dir, "run")
	before := dump(t, dir)

	// The new version fails only when the database runs it.
	write(t, dir, "models/marts/order_totals.sql", `{{ config "materialized" "table" }}select cast('not a number' as integer) as n from {{ ref "stg_orders" }}`)
	r := kiln(t, context.Background(), dir, "run")
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "PASS=3 WARN=0 ERROR=1 SKIP=1 TOTAL=5") {
		t.Errorf("summary:\n%s", r.stdout)
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			Status   string `json:"status"`
			Message  string `json:"message"`
		} `json:"results"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "target/run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rr); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, res := range rr.Results {
		status[res.UniqueID] = res.Status
		if res.UniqueID == "model.shop.order_totals" && !strings.Contains(res.Message, "Conversion Error") {
			t.Errorf("order_totals message does not say why: %q", res.Message)
		}
		if res.UniqueID == "model.shop.order_report" && !strings.Contains(res.Message, "order_totals") {
			t.Errorf("order_report message does not name the failed model: %q", res.Message)
		}
	}
	want := map[string]string{
		"model.shop.customers": "success", "model.shop.stg_customers": "success", "model.shop.stg_orders": "success",
		"model.shop.order_totals": "error", "model.shop.order_report": "skipped",
	}
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("run_results statuses (-want +got):\n%s", diff)
	}
	after := dump(t, dir)
	if diff := cmp.Diff(before["table order_totals"], after["table order_totals"]); diff != "" {
		t.Errorf("order_totals changed (-before +after):\n%s", diff)
	}
	if _, ok := after["table order_totals__kiln_tmp"]; ok {
		t.Errorf("a temporary table was left behind: %v", keys(after))
	}
}

// Cancelling a run (Ctrl-C) while a table is being rebuilt leaves the old
// table in place and exits non-zero.
func TestCancelKeepsOldTable(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/marts/slow.sql", `{{ config "materialized" "table" }}select 1 as version`)
	mustKiln(t, dir, "seed")
	mustKiln(t, dir, "run", "--select", "slow")
	before := dump(t, dir)["table slow"]

	write(t, dir, "models/marts/slow.sql", `{{ config "materialized" "table" }}select 2 as version, count(*) as n from range(100000000000)`)
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(700*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	r := kiln(t, ctx, dir, "run", "--select", "slow")
	if r.code == 0 {
		t.Fatalf("a cancelled run exited 0\n%s", r.stdout)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("cancellation took %s: the running statement was not interrupted", time.Since(start))
	}
	if !strings.Contains(r.stdout, "interrupted") {
		t.Errorf("stdout does not say the run was interrupted:\n%s", r.stdout)
	}
	if diff := cmp.Diff(before, dump(t, dir)["table slow"]); diff != "" {
		t.Errorf("slow changed (-before +after):\n%s", diff)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := newProject(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown selection", []string{"ls", "--select", "stg_ordrs"}, `hint: did you mean "stg_orders"?`},
		{"unknown method", []string{"ls", "--select", "tagg:x"}, `unknown selector method "tagg"`},
		{"unknown flag", []string{"run", "--fulll-refresh"}, "unknown flag"},
		{"unknown target", []string{"--target", "prdo", "compile"}, `unknown target "prdo"`},
		{"bad vars", []string{"--vars", "{not yaml", "compile"}, "--vars is not YAML or JSON"},
		{"no threads", []string{"--threads", "0", "run"}, "--threads must be at least 1"},
		{"unknown selection, JSON", []string{"--log-format", "json", "ls", "--select", "stg_ordrs"},
			`{"hint":"did you mean \"stg_orders\"?","level":"error","msg":"--select \"stg_ordrs\": no node matches \"stg_ordrs\""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := kiln(t, context.Background(), dir, tc.args...)
			if r.code == 0 {
				t.Fatalf("exit 0, want an error")
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr does not contain %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}

func TestVarsOverrideAndJSONLogs(t *testing.T) {
	dir := newProject(t)
	mustKiln(t, dir, "seed", "--quiet")
	mustKiln(t, dir, "run", "--quiet")
	r := mustKiln(t, dir, "--vars", "currency: USD", "--log-format", "json", "run", "--select", "customers")
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "target/compiled/models/marts/customers.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "'USD' as currency") {
		t.Errorf("--vars did not reach the model:\n%s", data)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A source whose table a seed loads is built after the seed, so that
// kiln build can test and read it in one run.
func TestSourceLoadedBySeed(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/sources.yml", `sources:
  - name: raw
    tables:
      - name: orders
        identifier: raw_orders
        columns: [{ name: id, tests: [unique, not_null] }]
`)
	write(t, dir, "models/staging/stg_orders.sql", `select id as order_id, customer_id, ordered_on, status, {{ template "cents_to_dollars" "amount_cents" }} as amount from {{ source "raw" "orders" }}`)
	r := mustKiln(t, dir, "build")
	if !strings.Contains(r.stdout, "ERROR=0 SKIP=0") {
		t.Errorf("build did not pass:\n%s", r.stdout)
	}
}

// Columns a properties file lists only to document or test them do not
// make the source's other columns unknown.
func TestDocumentedSourceColumnsAreNotComplete(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/sources.yml", `sources:
  - name: crm
    schema: landing
    tables:
      - name: accounts
        columns: [{ name: id, description: the key }]
`)
	write(t, dir, "models/staging/stg_accounts.sql", `select id, owner_email, created_at from {{ source "crm" "accounts" }}`)
	r := mustKiln(t, dir, "compile")
	if strings.Contains(r.stderr, "not produced") {
		t.Errorf("a documented column made the others unknown:\n%s", r.stderr)
	}
}

// An enforced contract whose types differ from what DuckDB binds is a
// compile error, before any database.
func TestContractCheckedAtCompileTime(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/schema.yml", `models:
  - name: customers
    contract: { enforced: true }
    columns:
      - { name: customer_id, data_type: integer }
      - { name: full_name, data_type: varchar }
      - { name: order_count, data_type: bigint }
      - { name: lifetime_value, data_type: double }
      - { name: currency, data_type: varchar }
`)
	r := kiln(t, context.Background(), dir, "compile")
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		`models/schema.yml:5:41: model "customers" breaks its contract: column "customer_id" has the wrong type: the contract declares integer, the query returns BIGINT`,
		`column "lifetime_value" has the wrong type: the contract declares double, the query returns DECIMAL(38,2)`,
		"hint: cast it in the query, or change its data_type",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "dev.duckdb")); err == nil {
		t.Errorf("compile created a database")
	}

	// The broken contract stops customers and what selects it, not the rest
	// of the project: other commands warn.
	r = mustKiln(t, dir, "seed")
	if !strings.Contains(r.stderr, `warning: model "customers" breaks its contract`) {
		t.Errorf("seed does not warn of the contract:\n%s", r.stderr)
	}
	mustKiln(t, dir, "run", "--select", "stg_orders")
	mustKiln(t, dir, "compile", "--select", "stg_orders")
	if r := kiln(t, context.Background(), dir, "run", "--select", "+customers"); r.code != ExitFailure || !strings.Contains(r.stdout, "in the selected nodes; nothing was run") {
		t.Errorf("run --select +customers: exit %d, want 1 and nothing run:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, ok := dump(t, dir)["table customers"]; ok {
		t.Error("customers was built")
	}
}

// on-run-start and on-run-end in kiln.yml run around the models, and a
// model's pre_hook and post_hook run in its transaction.
func TestHooks(t *testing.T) {
	dir := newProject(t)
	data, err := os.ReadFile(filepath.Join(dir, "kiln.yml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "kiln.yml", string(data)+`on-run-start:
  - create table if not exists main.audit (event varchar)
  - insert into main.audit values ('start')
on-run-end: "insert into main.audit values ('end on {{ target.Schema }}')"
`)
	// Hooks are templates too: {{ this }} is the model's relation.
	write(t, dir, "models/marts/customers.sql", `{{ config "post_hook" "insert into main.audit select 'customers built: ' || count(*) from {{ this }}" }}select range as id from range(5)`)
	mustKiln(t, dir, "seed")
	r := mustKiln(t, dir, "run")
	// The hooks run around seed too, as dbt's do; rows come sorted.
	got := dump(t, dir)["table audit"]
	if want := "customers built: 5\nend on main\nend on main\nstart\nstart\n"; got != want {
		t.Errorf("audit holds %q, want %q", got, want)
	}
	// The model's rows are its own, not its post_hook's.
	if !strings.Contains(r.stdout, "table built, 5 rows") {
		t.Errorf("the run does not report the model's 5 rows:\n%s", r.stdout)
	}

	// A ref in a hook is a dependency: the hook's model runs after it.
	write(t, dir, "models/marts/hooked.sql", `{{ config "materialized" "table" "pre_hook" "create or replace table main.hook_out as select count(*) as n from {{ ref \"stg_orders\" }}" }}select 1 as id`)
	if r := mustKiln(t, dir, "ls", "--select", "+hooked", "--output", "name"); !strings.Contains(r.stdout, "stg_orders") {
		t.Errorf("+hooked does not select stg_orders, which its pre_hook reads:\n%s", r.stdout)
	}
	os.Remove(filepath.Join(dir, "models/marts/hooked.sql"))

	// A hook's template error is a compile error at the model.
	write(t, dir, "models/marts/customers.sql", `{{ config "post_hook" "grant select on {{ thiss }} to reporter" }}select 1 as id`)
	r = kiln(t, context.Background(), dir, "compile")
	if r.code != ExitFailure || !strings.Contains(r.stderr, `models/marts/customers.sql: post_hook: template: unknown function "thiss"`) {
		t.Errorf("exit %d, want 1 and the hook's error:\n%s", r.code, r.stderr)
	}
}
