package compiler_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-sql/kiln/compiler"
)

// benchProject is a generated project, e.g.
//
//	go run ./cmd/kiln-gen -models 10000 -out /tmp/bench10k
//	KILN_BENCH_PROJECT=/tmp/bench10k go test -run '^$' -bench Analysis -benchtime 3x ./compiler/
func benchProject(b *testing.B) string {
	dir := os.Getenv("KILN_BENCH_PROJECT")
	if dir == "" {
		b.Skip("set KILN_BENCH_PROJECT to a project made by kiln-gen")
	}
	// As the kiln binary runs it.
	compiler.ManageMemory = true
	b.Cleanup(func() { compiler.ManageMemory = false })
	return dir
}

func compileWithAnalysis(b *testing.B, dir string) { compileClean(b, compiler.Options{Dir: dir}) }

// BenchmarkAnalysisCold compiles with an empty analysis cache: every model
// is parsed, analysed and bound.
func BenchmarkAnalysisCold(b *testing.B) {
	dir := benchProject(b)
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(filepath.Join(dir, "target", ".kiln"))
		b.StartTimer()
		compileWithAnalysis(b, dir)
	}
}

// BenchmarkAnalysisWarm compiles a project that has not changed since the
// last compile: the analysis comes from the cache.
func BenchmarkAnalysisWarm(b *testing.B) {
	dir := benchProject(b)
	compileWithAnalysis(b, dir)
	for b.Loop() {
		compileWithAnalysis(b, dir)
	}
}

// BenchmarkCompileNoAnalysis is the same compile without the SQL analysis,
// for comparison.
func BenchmarkCompileNoAnalysis(b *testing.B) {
	dir := benchProject(b)
	for b.Loop() {
		if _, err := compiler.Compile(compiler.Options{Dir: dir}); err != nil {
			b.Fatal(err)
		}
	}
}
