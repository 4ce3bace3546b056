package cli

import (
	"context"
	"io"
	"os"
	"testing"
)

// The compile benchmarks run `kiln compile` in-process on a generated
// project, as a user runs it a second time: the target directory and the
// analysis cache are those of the previous compile.
//
//	go run ./cmd/kiln-gen -models 10000 -out /tmp/bench10k
//	KILN_BENCH_PROJECT=/tmp/bench10k go test -run '^$' -bench Compile -benchtime 5x ./cmd/kiln/cli/

// BenchmarkCompileCommand compiles everything again (--force): what a
// compile costs after any edit.
func BenchmarkCompileCommand(b *testing.B) { benchCompile(b, "--force") }

// BenchmarkCompileUpToDate finds that nothing changed: it hashes every
// file of the project, and checks every file the last compile wrote.
func BenchmarkCompileUpToDate(b *testing.B) { benchCompile(b) }

func benchCompile(b *testing.B, flags ...string) {
	dir := os.Getenv("KILN_BENCH_PROJECT")
	if dir == "" {
		b.Skip("set KILN_BENCH_PROJECT to a project made by kiln-gen")
	}
	args := append([]string{"--project-dir", dir, "compile", "-q"}, flags...)
	if code := Run(context.Background(), args, nil, io.Discard, os.Stderr); code != 0 {
		b.Fatalf("kiln compile exited with %d", code)
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := Run(context.Background(), args, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("kiln compile exited with %d", code)
		}
	}
}
