package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// compileAgain runs kiln compile and says whether it compiled (true) or
// found everything up to date (false).
func compileAgain(t *testing.T, dir string, args ...string) (compiled bool, r result) {
	t.Helper()
	r = mustKiln(t, dir, append([]string{"compile"}, args...)...)
	switch {
	case strings.Contains(r.stdout, "nothing changed since the last compile"):
		return false, r
	case strings.Contains(r.stdout, "wrote target/manifest.json"):
		return true, r
	}
	t.Fatalf("kiln compile printed neither outcome:\n%s", r.stdout)
	return false, r
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A compile whose inputs did not change leaves target/ alone; every input,
// and every file it wrote, counts.
func TestCompileUpToDate(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/region.sql", `select '{{ env "KILN_TEST_REGION" "eu" }}' as region`+"\n")
	t.Setenv("KILN_TEST_REGION", "eu")
	if compiled, _ := compileAgain(t, dir); !compiled {
		t.Fatal("the first compile found a stamp")
	}
	manifest := filepath.Join(dir, "target", "manifest.json")
	before, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if compiled, r := compileAgain(t, dir); compiled {
		t.Fatalf("a second compile with nothing changed compiled again:\n%s", r.stdout)
	}
	if after, _ := os.Stat(manifest); !after.ModTime().Equal(before.ModTime()) {
		t.Error("an up-to-date compile rewrote manifest.json")
	}

	steps := []struct {
		name   string
		change func()
		args   []string
		check  func()
	}{
		{name: "model edited", change: func() {
			write(t, dir, "models/staging/stg_orders.sql", readFile(t, dir, "models/staging/stg_orders.sql")+"-- edited\n")
		}, check: func() {
			if got := readFile(t, dir, "target/compiled/models/staging/stg_orders.sql"); !strings.Contains(got, "-- edited") {
				t.Errorf("compiled stg_orders lacks the edit:\n%s", got)
			}
		}},
		{name: "environment variable changed", change: func() { t.Setenv("KILN_TEST_REGION", "us") }, check: func() {
			if got := readFile(t, dir, "target/compiled/models/region.sql"); !strings.Contains(got, "'us'") {
				t.Errorf("compiled region.sql does not read the new value:\n%s", got)
			}
		}},
		{name: "environment variable unset", change: func() { os.Unsetenv("KILN_TEST_REGION") }, check: func() {
			if got := readFile(t, dir, "target/compiled/models/region.sql"); !strings.Contains(got, "'eu'") {
				t.Errorf("compiled region.sql does not fall back to the default:\n%s", got)
			}
		}},
		{name: "macro edited", change: func() {
			write(t, dir, "macros/cents_to_dollars.sql", readFile(t, dir, "macros/cents_to_dollars.sql")+"\n")
		}},
		{name: "properties edited", change: func() {
			write(t, dir, "models/schema.yml", readFile(t, dir, "models/schema.yml")+"\n# edited\n")
		}},
		{name: "seed edited", change: func() {
			write(t, dir, "seeds/raw_customers.csv", readFile(t, dir, "seeds/raw_customers.csv")+"9,Alan,Turing,2024-05-01\n")
		}},
		{name: "kiln.yml edited", change: func() {
			write(t, dir, "kiln.yml", readFile(t, dir, "kiln.yml")+"\n# edited\n")
		}},
		{name: "model added", change: func() { write(t, dir, "models/extra.sql", "select 1 as one\n") }},
		{name: "model removed", change: func() { os.Remove(filepath.Join(dir, "models", "extra.sql")) }},
		{name: "singular test added", change: func() {
			write(t, dir, "tests/no_negative.sql", `select * from {{ ref "stg_orders" }} where amount < 0`+"\n")
		}},
		{name: "--vars given", args: []string{"--vars", "currency: USD"}},
		{name: "--select given", args: []string{"--select", "stg_orders"}},
		{name: "compiled file deleted", change: func() {
			os.Remove(filepath.Join(dir, "target", "compiled", "models", "marts", "customers.sql"))
		}, check: func() { readFile(t, dir, "target/compiled/models/marts/customers.sql") }},
		{name: "manifest touched", change: func() {
			future := time.Now().Add(time.Hour)
			os.Chtimes(manifest, future, future)
		}},
		{name: "--force", args: []string{"--force"}},
	}
	for _, s := range steps {
		if s.change != nil {
			s.change()
		}
		if compiled, _ := compileAgain(t, dir, s.args...); !compiled {
			t.Errorf("%s: compile found everything up to date", s.name)
			continue
		}
		if s.check != nil {
			s.check()
		}
		if s.name == "--force" {
			continue // a forced compile is up to date with the plain one
		}
		if compiled, _ := compileAgain(t, dir, s.args...); compiled {
			t.Errorf("%s: the compile after it compiled again", s.name)
		}
	}
}

// Warnings are printed again when nothing changed, and a failed compile
// leaves no stamp behind.
func TestCompileUpToDateWarningsAndErrors(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/odd.sql", "select e.id from hardcoded.events as e\n")
	_, first := compileAgain(t, dir)
	if !strings.Contains(first.stderr, "models/odd.sql") {
		t.Fatalf("no warning for odd.sql:\n%s", first.stderr)
	}
	compiled, second := compileAgain(t, dir)
	if compiled {
		t.Fatal("the second compile compiled again")
	}
	if second.stderr != first.stderr {
		t.Errorf("warnings differ:\nfirst:\n%s\nsecond:\n%s", first.stderr, second.stderr)
	}

	good := readFile(t, dir, "models/staging/stg_orders.sql")
	write(t, dir, "models/staging/stg_orders.sql", good+"{{ ref \"nope\" }}\n")
	if r := kiln(t, t.Context(), dir, "compile"); r.code == 0 {
		t.Fatalf("a broken project compiled:\n%s", r.stdout)
	}
	write(t, dir, "models/staging/stg_orders.sql", good)
	if compiled, _ := compileAgain(t, dir); !compiled {
		t.Error("the compile after a failed one trusted the stamp of the one before")
	}
}

// A template that reads the clock is compiled every time.
func TestCompileVolatileTemplate(t *testing.T) {
	dir := newProject(t)
	write(t, dir, "models/stamped.sql", `select '{{ now | date "2006" }}' as compiled_year`+"\n")
	_, r := compileAgain(t, dir)
	if !strings.Contains(r.stdout, "the next compile will compile again: a template calls date (models/stamped.sql)") {
		t.Errorf("compile does not say why the next one compiles again:\n%s", r.stdout)
	}
	if compiled, _ := compileAgain(t, dir); !compiled {
		t.Error("a project that reads the clock was found up to date")
	}
}
