// Command kiln compiles SQL models into tables and views. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/kiln-sql/kiln/cmd/kiln/cli"
	"github.com/kiln-sql/kiln/compiler"
)

func main() {
	// kiln runs briefly and its memory is mostly one compile's data: let
	// the compiler bound the heap (compiler.ManageMemory), unless the user
	// tuned the GC.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		compiler.ManageMemory = true
	}
	// The first Ctrl-C cancels the run; stop then restores the default, so
	// a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	// KILN_CPUPROFILE=file writes a CPU profile of the run, for `go tool
	// pprof`: attach it to a report of a slow compile.
	if path := os.Getenv("KILN_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(code)
			}
		}
	}
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
