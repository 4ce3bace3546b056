package compiler_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// The input key covers every option that changes what a compile writes,
// and every file it reads; files it does not read leave it alone.
func TestInputsKey(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"kiln.yml":           "name: shop\n",
		"models/a.sql":       "select 1 as one\n",
		"models/schema.yml":  "models: []\n",
		"macros/m.sql":       `{{ define "m" }}1{{ end }}`,
		"seeds/s.csv":        "id\n1\n",
		"tests/t.sql":        "select 1 as one where false\n",
		"models/README.md":   "not read\n",
		"analyses/other.sql": "not read\n",
	})
	key := func(opts compiler.Options, extra ...string) string {
		t.Helper()
		if opts.Dir == "" {
			opts.Dir = dir
		}
		in, err := compiler.ReadInputs(opts, extra...)
		if err != nil {
			t.Fatal(err)
		}
		return in.Key
	}
	base := key(compiler.Options{})
	if again := key(compiler.Options{}); again != base {
		t.Fatal("the key of an unchanged project changed")
	}
	for name, opts := range map[string]compiler.Options{
		"target":  {Target: "prod"},
		"vars":    {Vars: map[string]any{"x": 1}},
		"threads": {Threads: 3},
		"strict":  {Strict: true},
		"bindAll": {BindAll: true},
	} {
		if key(opts) == base {
			t.Errorf("--%s does not change the key", name)
		}
	}
	if key(compiler.Options{}, "--select=a") == base {
		t.Error("the command's flags do not change the key")
	}
	for _, f := range []string{"kiln.yml", "models/a.sql", "models/schema.yml", "macros/m.sql", "seeds/s.csv", "tests/t.sql"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		old, _ := os.ReadFile(p)
		os.WriteFile(p, append(old, ' '), 0o644)
		if key(compiler.Options{}) == base {
			t.Errorf("editing %s does not change the key", f)
		}
		os.WriteFile(p, old, 0o644)
	}
	for _, f := range []string{"models/README.md", "analyses/other.sql"} {
		os.WriteFile(filepath.Join(dir, filepath.FromSlash(f)), []byte("edited\n"), 0o644)
	}
	if key(compiler.Options{}) != base {
		t.Error("files compile does not read change the key")
	}
	if in, err := compiler.ReadInputs(compiler.Options{Dir: dir, Defer: map[string]models.Relation{}}); err != nil || in != nil {
		t.Errorf("a deferring compile has inputs %v, %v; want none", in, err)
	}
}
