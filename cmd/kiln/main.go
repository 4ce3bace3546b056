// Command kiln compiles SQL models into tables and views. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/kiln-sql/kiln/cmd/kiln/cli"
)

func main() {
	// kiln's work is short-lived and allocation-heavy (templates, JSON):
	// collecting half as often saves a tenth of a large compile's CPU for
	// little memory. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// The first Ctrl-C cancels the run; stop then restores the default, so
	// a second one ends the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
