package compiler

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/*.txtar")

// TestGolden compiles each testdata/*.txtar project. Files under want/ are
// the expectations: want/compiled/<model path> for each rendered model,
// want/deps for every node's parents, and want/diagnostics for the errors.
// Data tests and unit tests have their SQL under want/compiled/ too, at the
// path kiln compile writes it to.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden cases in testdata/")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var kept []txtar.File
			want := map[string]string{}
			env := map[string]string{}
			for _, f := range ar.Files {
				if name, ok := strings.CutPrefix(f.Name, "want/"); ok {
					want[name] = string(f.Data)
					continue
				}
				kept = append(kept, f)
				if f.Name == "env" {
					for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						if k, v, ok := strings.Cut(line, "="); ok {
							env[k] = v
						}
					}
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res, err := Compile(Options{Dir: dir, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
			if err != nil {
				t.Fatal(err)
			}
			got := goldenOutputs(res)
			if *update {
				ar.Files = kept
				names := make([]string, 0, len(got))
				for n := range got {
					names = append(names, n)
				}
				sort.Strings(names)
				for _, n := range names {
					ar.Files = append(ar.Files, txtar.File{Name: "want/" + n, Data: []byte(got[n])})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("outputs differ (-want +got); rerun with -update after review:\n%s", diff)
			}
		})
	}
}

func goldenOutputs(res *Result) map[string]string {
	out := map[string]string{}
	if len(res.Diagnostics) > 0 {
		out["diagnostics"] = res.Diagnostics.Error() + "\n"
	}
	if res.Project == nil {
		return out
	}
	for _, m := range res.Project.Models {
		if sql, ok := res.Compiled[m.Name]; ok {
			out["compiled/"+m.Path] = sql
		}
	}
	// Data tests and unit tests: their SQL, where kiln compile writes it.
	for _, t := range res.Project.Tests {
		out["compiled/"+t.CompiledPath] = res.CompiledTests[t.UniqueID(res.Project.Name)]
	}
	for _, u := range res.Project.UnitTests {
		out["compiled/"+unitCompiledPath(u)] = res.CompiledTests[u.UniqueID(res.Project.Name)]
	}
	if res.Graph != nil {
		var b strings.Builder
		for _, v := range res.Graph.Vertices() {
			fmt.Fprintf(&b, "%s <- %s\n", v, strings.Join(res.Graph.Parents(v), ", "))
		}
		out["deps"] = b.String()
	}
	return out
}
