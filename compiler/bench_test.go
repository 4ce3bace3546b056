package compiler

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kiln-sql/kiln/internal/projectgen"
)

// benchProject generates (once per size, under the system temp dir) a
// realistic project of n models, as `go run ./cmd/kiln-gen` does.
func benchProject(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "kiln-bench-"+strconv.Itoa(n))
	if _, err := os.Stat(filepath.Join(dir, ProjectFile)); err == nil {
		return dir
	}
	if err := projectgen.Generate(dir, projectgen.Options{Models: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkCompile10k is `kiln compile` of a generated 10,000-model
// project: load, parse, config, graph, render, and write artifacts.
// Target: ≤ 0.5 s and ≤ 300 MB peak on the 2-core reference machine (see
// docs/performance.md for the whole-binary measurement).
func BenchmarkCompile10k(b *testing.B) {
	dir := benchProject(b, 10000)
	// The first compile into an empty target/ pays the filesystem's cost of
	// creating 10,000 files (about 1 ms each in this sandbox); measure the
	// compiles after it, as a person editing a project runs them.
	target := b.TempDir()
	compile10k(b, dir, target)
	b.ReportAllocs()
	for b.Loop() {
		compile10k(b, dir, target)
	}
}

func compile10k(b *testing.B, dir, target string) {
	b.Helper()
	res, err := Compile(Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		b.Fatal(res.Diagnostics.Errors())
	}
	names := make([]string, len(res.Project.Models))
	for i, m := range res.Project.Models {
		names[i] = m.Name
	}
	if err := res.WriteArtifacts(target, names); err != nil {
		b.Fatal(err)
	}
}
