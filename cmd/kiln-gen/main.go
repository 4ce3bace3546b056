// Command kiln-gen writes a synthetic kiln project of any size, for benchmarking
// `kiln compile`:
//
//	go run ./cmd/kiln-gen -models 10000 -out /tmp/bench10k
//	kiln compile --project-dir /tmp/bench10k
//
// The same -models and -seed always give the same files. -force replaces a directory
// that kiln-gen wrote before (and nothing else).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kiln-sql/kiln/internal/projectgen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit status: 0 done, 1 failed, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kiln-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	models := fs.Int("models", 1000, "number of models to generate")
	seed := fs.Int64("seed", 1, "seed of the random choices; the same seed gives the same project")
	out := fs.String("out", "", "directory to write the project into (required; must be empty or missing)")
	force := fs.Bool("force", false, "replace -out if it holds a project that kiln-gen generated")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kiln-gen -out DIR [-models N] [-seed S] [-force]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 || *models < 1 {
		fs.Usage()
		return 2
	}
	if *force {
		if err := removeGenerated(*out); err != nil {
			fmt.Fprintf(stderr, "kiln-gen: %v\n", err)
			return 1
		}
	}
	start := time.Now()
	if err := projectgen.Generate(*out, projectgen.Options{Models: *models, Seed: *seed}); err != nil {
		fmt.Fprintf(stderr, "kiln-gen: %v\n", err)
		if errors.Is(err, projectgen.ErrNotEmpty) {
			fmt.Fprintln(stderr, "hint: choose another -out, or pass -force to replace a project kiln-gen wrote")
		}
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d models to %s in %s\n", *models, *out, time.Since(start).Round(time.Millisecond))
	return 0
}

// removeGenerated removes dir if it is a project that kiln-gen wrote: its kiln.yml
// starts with projectgen.Marker. A missing dir is fine; anything else is refused.
func removeGenerated(dir string) error {
	f, err := os.Open(filepath.Join(dir, "kiln.yml"))
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("refusing to replace %s: it has no kiln.yml written by kiln-gen", dir)
	}
	if err != nil {
		return err
	}
	first, _ := bufio.NewReader(f).ReadString('\n')
	f.Close()
	if !strings.HasPrefix(first, projectgen.Marker) {
		return fmt.Errorf("refusing to replace %s: its kiln.yml was not written by kiln-gen", dir)
	}
	return os.RemoveAll(dir)
}
