package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench")
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "kiln.yml"), []byte("name: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no out", []string{"-models", "10"}, 2, "usage: kiln-gen"},
		{"bad models", []string{"-models", "0", "-out", out}, 2, "usage: kiln-gen"},
		{"stray argument", []string{"-out", out, "extra"}, 2, "usage: kiln-gen"},
		{"generate", []string{"-models", "20", "-out", out}, 0, ""},
		{"not empty", []string{"-models", "20", "-out", out}, 1, "-force"},
		{"force replaces a generated project", []string{"-models", "30", "-seed", "2", "-out", out, "-force"}, 0, ""},
		{"force refuses another project", []string{"-out", other, "-force"}, 1, "not written by kiln-gen"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(c.args, &stdout, &stderr); code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), c.stderr)
			}
		})
	}
	yml, err := os.ReadFile(filepath.Join(out, "kiln.yml"))
	if err != nil || !strings.Contains(string(yml), "-models 30 -seed 2") {
		t.Errorf("kiln.yml after -force: %q, %v", yml, err)
	}
	if _, err := os.Stat(filepath.Join(other, "kiln.yml")); err != nil {
		t.Errorf("the other project was touched: %v", err)
	}
}
