package compiler

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writeProject writes files (by slash path) into dir.
func writeProject(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// manifestOf compiles the project in dir for a target.
func manifestOf(t *testing.T, dir, target string) *Manifest {
	t.Helper()
	res, err := Compile(Options{Dir: dir, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatal(res.Diagnostics)
	}
	return res.Manifest()
}

// stateProject has two targets whose relations live in other schemas.
var stateProject = map[string]string{
	"kiln.yml": `name: p
profile:
  target: prod
  targets:
    prod: { type: duckdb, schema: analytics }
    dev:  { type: duckdb, schema: dbt_ada }
models:
  +materialized: view
  +tags: [nightly, core]
`,
	"seeds/countries.csv":       "code,name\nFR,France\n",
	"models/stg.sql":            "select code, name from {{ ref \"countries\" }}\n",
	"models/wide.sql":           "{{ config \"schema\" \"marts\" }}select * from {{ ref \"stg\" }} where code <> 'XX'\n",
	"models/report.sql":         "select count(*) as n from {{ ref \"wide\" }}\n",
	"models/ephemeral_part.sql": "{{ config \"materialized\" \"ephemeral\" }}select code from {{ ref \"stg\" }}\n",
	"models/uses_ephemeral.sql": "select * from {{ ref \"ephemeral_part\" }}\n",
	"models/properties.yml": `models:
  - name: wide
    description: Every country.
    columns:
      - { name: code, data_type: varchar, description: ISO code }
      - { name: name, data_type: varchar }
  - name: report
    description: How many.
    config: { persist_docs: { relation: true } }
`,
}

func TestCompareKinds(t *testing.T) {
	tests := []struct {
		name   string
		edit   map[string]string
		target string
		want   map[string][]string // id → kinds; "added"/"removed" for those
	}{
		{name: "nothing", want: map[string][]string{}},
		{name: "another target", target: "dev", want: map[string][]string{}},
		{name: "layout, comments and keyword case", target: "dev", edit: map[string]string{
			"models/wide.sql": "{{ config \"schema\" \"marts\" }}\n-- all but the test country\nSELECT *\n  FROM {{ ref \"stg\" }}\n WHERE code <> 'XX';\n",
		}, want: map[string][]string{}},
		{name: "tags in another order", edit: map[string]string{
			"kiln.yml": strings.Replace(stateProject["kiln.yml"], "[nightly, core]", "[core, nightly]", 1),
		}, want: map[string][]string{}},
		{name: "body", edit: map[string]string{
			"models/wide.sql": "{{ config \"schema\" \"marts\" }}select * from {{ ref \"stg\" }} where code <> 'YY'\n",
		}, want: map[string][]string{"model.p.wide": {"body"}}},
		{name: "an ephemeral model changes what inlines it", edit: map[string]string{
			"models/ephemeral_part.sql": "{{ config \"materialized\" \"ephemeral\" }}select lower(code) as code from {{ ref \"stg\" }}\n",
		}, want: map[string][]string{"model.p.ephemeral_part": {"body"}, "model.p.uses_ephemeral": {"body"}}},
		{name: "configs", edit: map[string]string{
			"models/stg.sql": "{{ config \"materialized\" \"table\" }}select code, name from {{ ref \"countries\" }}\n",
		}, want: map[string][]string{"model.p.stg": {"configs"}}},
		{name: "alias moves the relation, not the readers", edit: map[string]string{
			"models/stg.sql": "{{ config \"alias\" \"stg_countries\" }}select code, name from {{ ref \"countries\" }}\n",
		}, want: map[string][]string{"model.p.stg": {"configs"}}},
		{name: "seed contents", edit: map[string]string{
			"seeds/countries.csv": "code,name\nFR,France\nDE,Germany\n",
		}, want: map[string][]string{"seed.p.countries": {"body"}}},
		{name: "contract and columns", edit: map[string]string{
			"models/properties.yml": strings.Replace(stateProject["models/properties.yml"], "description: Every country.",
				"description: Every country.\n    config: { contract: { enforced: true } }", 1),
		}, want: map[string][]string{"model.p.wide": {"configs", "contract"}}},
		{name: "retyped column", edit: map[string]string{
			"models/properties.yml": strings.Replace(stateProject["models/properties.yml"], "{ name: name, data_type: varchar }", "{ name: name, data_type: text }", 1),
		}, want: map[string][]string{"model.p.wide": {"columns"}}},
		{name: "descriptions", edit: map[string]string{
			"models/properties.yml": strings.NewReplacer("Every country.", "All countries.", "How many.", "How many rows.").Replace(stateProject["models/properties.yml"]),
		}, want: map[string][]string{"model.p.wide": {"descriptions"}, "model.p.report": {"descriptions", "persisted_descriptions"}}},
		{name: "new and removed", edit: map[string]string{
			"models/uses_ephemeral.sql": "",
			"models/more.sql":           "select 1 as one\n",
		}, want: map[string][]string{"model.p.uses_ephemeral": {"removed"}, "model.p.more": {"added"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeProject(t, dir, stateProject)
			base := manifestOf(t, dir, "prod")
			for name, data := range tt.edit {
				if data == "" {
					os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
					continue
				}
				writeProject(t, dir, map[string]string{name: data})
			}
			target := tt.target
			if target == "" {
				target = "prod"
			}
			got := map[string][]string{}
			for _, ch := range Compare(base, manifestOf(t, dir, target)) {
				switch ch.Status {
				case Modified:
					got[ch.ID] = ch.Kinds
				default:
					got[ch.ID] = []string{string(ch.Status)}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
		})
	}
}

// DeferRelations points every unselected model and seed at the state's
// relation, and leaves selected, new and ephemeral models alone.
func TestDeferRelations(t *testing.T) {
	dir := t.TempDir()
	writeProject(t, dir, stateProject)
	st := &State{Manifest: manifestOf(t, dir, "prod")}
	writeProject(t, dir, map[string]string{"models/more.sql": "select * from {{ ref \"wide\" }}\n"})
	res, err := Compile(Options{Dir: dir, Target: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, rel := range st.DeferRelations(res, []string{"model.p.report", "model.p.more"}) {
		got[name] = rel.String()
	}
	want := map[string]string{"countries": "analytics.countries", "stg": "analytics.stg", "wide": "analytics_marts.wide", "uses_ephemeral": "analytics.uses_ephemeral"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DeferRelations (-want +got):\n%s", diff)
	}
	res, err = Compile(Options{Dir: dir, Target: "dev", Defer: st.DeferRelations(res, []string{"model.p.report", "model.p.more"})})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Compiled["report"], `select count(*) as n from "analytics_marts"."wide"`+"\n"; got != want {
		t.Errorf("report renders %q, want %q", got, want)
	}
	if got := res.Compiled["uses_ephemeral"]; !strings.Contains(got, `"analytics"."stg"`) {
		t.Errorf("an ephemeral model inlined into an unselected one reads the state's relations:\n%s", got)
	}
	if got := res.Manifest().Nodes["model.p.wide"].Relation.Schema; got != "dbt_ada_marts" {
		t.Errorf("deferring changed wide's own relation: schema %q", got)
	}
}

// The same project gives byte-identical artifacts wherever it lies and
// however many CPUs compile it: no absolute path, no timestamp, no map
// order in manifest.json or in target/compiled.
func TestArtifactsAreByteIdentical(t *testing.T) {
	copyTree := func(dst string) {
		src := filepath.Join("..", "examples", "jaffle_shop")
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if d.IsDir() {
				if d.Name() == "target" {
					return filepath.SkipDir
				}
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	artifacts := func(dir string, procs int) map[string]string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		res, err := Compile(Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range res.Project.Models {
			names = append(names, m.Name)
		}
		if err := res.WriteArtifacts(filepath.Join(dir, "target"), names); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		root := filepath.Join(dir, "target")
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(root, p)
				out[filepath.ToSlash(rel)] = string(data)
			}
			return nil
		})
		return out
	}
	a := filepath.Join(t.TempDir(), "a")
	b := filepath.Join(t.TempDir(), "somewhere", "else", "entirely")
	copyTree(a)
	copyTree(b)
	first := artifacts(a, 1)
	second := artifacts(b, max(4, runtime.NumCPU()))
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("artifacts differ between two copies of the project (-first +second):\n%s", diff)
	}
	mf := first["manifest.json"]
	if mf == "" {
		t.Fatal("no manifest.json")
	}
	for _, dir := range []string{a, b, os.TempDir(), "/home/", "/Users/", `:\`} {
		if strings.Contains(mf, dir) {
			t.Errorf("manifest.json holds the path %s", dir)
		}
	}
	// A timestamp of the compile would hold today's date (the project's own
	// data may hold other dates).
	for _, stamp := range []string{time.Now().UTC().Format("2006-01-02"), time.Now().Format("2006-01-02"), `"generated_at"`} {
		if strings.Contains(mf, stamp) {
			t.Errorf("manifest.json holds a timestamp: %s", stamp)
		}
	}
	// A second compile into the same target/ leaves every byte as it was.
	if diff := cmp.Diff(first, artifacts(a, 2)); diff != "" {
		t.Errorf("a second compile changed the artifacts (-first +second):\n%s", diff)
	}
	var enc bytes.Buffer
	m, err := DecodeManifest([]byte(mf))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Encode(&enc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mf, enc.String()); diff != "" {
		t.Errorf("decoding and encoding manifest.json changes it (-file +again):\n%s", diff)
	}
}
