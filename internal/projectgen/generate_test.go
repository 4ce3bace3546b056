package projectgen

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

var (
	refRE    = regexp.MustCompile(`\{\{\s*ref\s+"([^"]+)"\s*\}\}`)
	sourceRE = regexp.MustCompile(`\{\{\s*source\s+"([^"]+)"\s+"([^"]+)"\s*\}\}`)
	indexRE  = regexp.MustCompile(`_(\d+)$`)
)

// generated is a generated project read back from disk.
type generated struct {
	dir    string
	files  map[string][]byte // by slash path
	models map[string]string // model name → slash path
}

func generate(t *testing.T, opts Options) generated {
	t.Helper()
	dir := t.TempDir()
	if err := Generate(dir, opts); err != nil {
		t.Fatal(err)
	}
	p := generated{dir: dir, files: map[string][]byte{}, models: map[string]string{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		p.files[rel] = data
		if strings.HasPrefix(rel, "models/") && strings.HasSuffix(rel, ".sql") {
			name := strings.TrimSuffix(filepath.Base(rel), ".sql")
			if prev, dup := p.models[name]; dup {
				t.Errorf("model name %s used by %s and %s", name, prev, rel)
			}
			p.models[name] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func index(t *testing.T, name string) int {
	t.Helper()
	m := indexRE.FindStringSubmatch(name)
	if m == nil {
		t.Fatalf("model %s has no index suffix", name)
	}
	i, _ := strconv.Atoi(m[1])
	return i
}

func TestGenerate(t *testing.T) {
	p := generate(t, Options{Models: 200, Seed: 7})

	layers := map[string]int{}
	for name, path := range p.models {
		parts := strings.Split(path, "/") // models/<layer>/<domain>/<name>.sql
		if len(parts) != 4 {
			t.Errorf("%s: want models/<layer>/<domain>/<name>.sql", path)
			continue
		}
		layers[parts[1]]++
		prefix := map[string]string{"staging": "stg_", "intermediate": "int_", "marts": ""}[parts[1]]
		if !strings.HasPrefix(name, prefix) {
			t.Errorf("%s: name does not start with %q", path, prefix)
		}
	}
	want := map[string]int{"staging": 80, "intermediate": 70, "marts": 50}
	if len(p.models) != 200 || len(layers) != len(want) {
		t.Errorf("got %d models in layers %v, want 200 in %v", len(p.models), layers, want)
	}
	for l, n := range want {
		if layers[l] != n {
			t.Errorf("layer %s has %d models, want %d", l, layers[l], n)
		}
	}

	var src struct {
		Sources []struct {
			Name   string
			Tables []struct{ Name string }
		}
	}
	if err := yaml.Unmarshal(p.files["models/sources.yml"], &src); err != nil {
		t.Fatalf("sources.yml: %v", err)
	}
	tables := map[string]bool{}
	for _, s := range src.Sources {
		for _, tb := range s.Tables {
			tables[s.Name+"."+tb.Name] = true
		}
	}
	if len(tables) != 50 {
		t.Errorf("sources.yml declares %d tables, want 50", len(tables))
	}

	for name, path := range p.models {
		sql := string(p.files[path])
		if n := strings.Count(sql, "\n"); n < 30 || n > 60 || !strings.HasSuffix(sql, "\n") {
			t.Errorf("%s has %d lines, want 30 to 60 ending in a newline", path, n)
		}
		refs := refRE.FindAllStringSubmatch(sql, -1)
		for _, r := range refs {
			target, ok := p.models[r[1]]
			switch {
			case !ok:
				t.Errorf("%s: ref %q names no model", path, r[1])
			case index(t, r[1]) >= index(t, name):
				t.Errorf("%s: ref %q is not an earlier model", path, r[1])
			case strings.HasPrefix(path, "models/marts/") && strings.HasPrefix(target, "models/marts/"):
				t.Errorf("%s: a mart refs the mart %q", path, r[1])
			}
		}
		sources := sourceRE.FindAllStringSubmatch(sql, -1)
		for _, s := range sources {
			if !tables[s[1]+"."+s[2]] {
				t.Errorf("%s: source %s.%s is not declared", path, s[1], s[2])
			}
		}
		switch {
		case strings.HasPrefix(name, "stg_"):
			if len(refs) != 0 || len(sources) != 1 {
				t.Errorf("%s: staging model with %d refs and %d sources, want 0 and 1", path, len(refs), len(sources))
			}
		case strings.HasPrefix(name, "int_"):
			if len(refs) < 2 || len(refs) > 4 {
				t.Errorf("%s: intermediate model with %d refs, want 2 to 4", path, len(refs))
			}
		default:
			if len(refs) < 2 || len(refs) > 3 || !strings.Contains(sql, `{{ template "cents_to_dollars"`) {
				t.Errorf("%s: mart with %d refs, want 2 or 3 and a cents_to_dollars call", path, len(refs))
			}
		}
	}
}

// TestGenerateRenders executes every model as a Go template with stand-ins for kiln's
// functions, in both branches of is_incremental.
func TestGenerateRenders(t *testing.T) {
	p := generate(t, Options{Models: 300, Seed: 3})
	macros := string(p.files["macros/cents_to_dollars.sql"])
	var vars map[string]any
	var project struct {
		Name string
		Vars map[string]any
	}
	if err := yaml.Unmarshal(p.files["kiln.yml"], &project); err != nil {
		t.Fatalf("kiln.yml: %v", err)
	}
	if project.Name != "bench" {
		t.Errorf("kiln.yml name = %q, want bench", project.Name)
	}
	vars = project.Vars
	incremental := 0
	for name, path := range p.models {
		for _, incr := range []bool{false, true} {
			funcs := template.FuncMap{
				"ref":            func(n string) string { return `"main"."` + n + `"` },
				"source":         func(s, n string) string { return `"raw"."` + n + `"` },
				"config":         func(kv ...string) string { return "" },
				"this":           func() string { return `"main"."` + name + `"` },
				"is_incremental": func() bool { return incr },
				"var": func(k string, def ...string) (any, error) {
					if v, ok := vars[k]; ok {
						return v, nil
					}
					return nil, errors.New("no var " + k)
				},
			}
			tmpl := template.New(name).Funcs(funcs).Option("missingkey=error")
			if _, err := tmpl.Parse(macros); err != nil {
				t.Fatalf("macros: %v", err)
			}
			if _, err := tmpl.Parse(string(p.files[path])); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			var out bytes.Buffer
			if err := tmpl.Execute(&out, nil); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if strings.Contains(out.String(), "{{") {
				t.Errorf("%s: unrendered template text", path)
			}
			if incr && strings.Contains(out.String(), `from "main"."`+name+`"`) {
				incremental++
			}
		}
	}
	if incremental == 0 {
		t.Error("no model has an is_incremental block with {{ this }}")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a := generate(t, Options{Models: 200, Seed: 42})
	b := generate(t, Options{Models: 200, Seed: 42})
	if len(a.files) != len(b.files) {
		t.Fatalf("%d files, then %d", len(a.files), len(b.files))
	}
	for path, data := range a.files {
		if !bytes.Equal(data, b.files[path]) {
			t.Errorf("%s differs between two runs with the same seed", path)
		}
	}
	c := generate(t, Options{Models: 200, Seed: 43})
	same := 0
	for path, data := range a.files {
		if bytes.Equal(data, c.files[path]) {
			same++
		}
	}
	if same == len(a.files) {
		t.Error("seeds 42 and 43 gave the same project")
	}
}

// TestGenerateSizes checks the invariants that the line budget and the layer split must
// keep for small and odd sizes, without writing files.
func TestGenerateSizes(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 17, 1000} {
		for seed := range int64(3) {
			files, err := build(Options{Models: n, Seed: seed})
			if err != nil {
				t.Fatalf("models=%d seed=%d: %v", n, seed, err)
			}
			models := 0
			for _, f := range files {
				if !strings.HasSuffix(f.path, ".sql") || !strings.HasPrefix(f.path, "models/") {
					continue
				}
				models++
				if l := bytes.Count(f.data, []byte("\n")); l < 30 || l > 60 {
					t.Errorf("models=%d seed=%d: %s has %d lines", n, seed, f.path, l)
				}
			}
			if models != n {
				t.Errorf("models=%d seed=%d: got %d models", n, seed, models)
			}
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	if err := Generate(t.TempDir(), Options{Models: 0}); err == nil {
		t.Error("Models: 0 gave no error")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(dir, Options{Models: 5}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("non-empty dir: got %v, want ErrNotEmpty", err)
	}
	if err := Generate(filepath.Join(dir, "new", "nested"), Options{Models: 5}); err != nil {
		t.Errorf("missing dir: %v", err)
	}
}
