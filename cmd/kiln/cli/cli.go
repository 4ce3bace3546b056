// Package cli is kiln's command line. Run builds the commands afresh for
// every call and takes its arguments and writers as parameters, so tests
// drive it in-process exactly as a person drives the binary.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/dialects/postgres"
)

// Exit statuses (SPEC §5).
const (
	ExitOK      = 0
	ExitFailure = 1 // a model or test failed, or the project has errors
	ExitUsage   = 2
)

// exitError carries an exit status out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError marks a mistake in how kiln was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// globals are the flags every command takes.
type globals struct {
	projectDir string
	target     string
	vars       []string
	threads    int
	quiet      bool
	logFormat  string
	noColor    bool
	strict     bool
	state      string // --state: another run's artifacts, see state.go
	deferState bool   // --defer: read unselected models from the state's relations
}

// app is one invocation's state: its writers and flags.
type app struct {
	engines map[string]dialects.Engine
	args    []string
	ctx     context.Context
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	g       globals
	env     func(string) (string, bool)
	// parser is DuckDB's parser in an in-memory database, opened on first
	// use and closed when Run returns.
	parser  *duckdb.Parser
	root    *cobra.Command
	command string // the name of the command running, e.g. "run"
}

// nothingDone is how a summary says that errors stopped the command.
func (a *app) nothingDone() string {
	switch a.command {
	case "run", "build", "seed", "test":
		return "nothing was run"
	case "compile":
		return "nothing was written"
	}
	return "stopped"
}

// Run runs kiln with args (without the program name) and returns the exit
// status. Cancelling ctx (Ctrl-C) stops scheduling and cancels running
// statements.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{engines: map[string]dialects.Engine{"duckdb": duckdb.New(), "postgres": postgres.New()}, args: args, ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, env: os.LookupEnv}
	root := a.rootCommand()
	a.root = root
	root.SetArgs(spreadSelectors(args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if a.parser != nil {
		a.parser.Close()
	}
	if err == nil {
		return ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue usageError
	code := ExitFailure
	if errors.As(err, &ue) || isCobraUsage(err) {
		code = ExitUsage
	}
	if a.g.logFormat == "json" {
		msg, hint, _ := strings.Cut(err.Error(), "\n\thint: ")
		rec := map[string]any{"ts": time.Now().UTC().Format(time.RFC3339Nano), "level": "error", "msg": msg}
		if hint != "" {
			rec["hint"] = hint
		}
		data, _ := json.Marshal(rec)
		fmt.Fprintln(stderr, string(data))
		return code
	}
	fmt.Fprintf(stderr, "kiln: %v\n", err)
	if code == ExitUsage && !strings.Contains(err.Error(), "hint:") {
		fmt.Fprintln(stderr, "\tTry 'kiln --help'.")
	}
	return code
}

// spreadSelectors lets --select and --exclude take several values, as
// dbt's do: "--select a b --exclude c" becomes "--select a --select b
// --exclude c". A value ends at the next flag.
func spreadSelectors(args []string) []string {
	out := make([]string, 0, len(args))
	flag := ""       // the selector flag the words that follow belong to
	pending := false // the next word is the flag's own value
	for i, a := range args {
		switch {
		case a == "--":
			return append(out, args[i:]...)
		case pending:
			pending = false
		case a == "-s" || a == "--select" || a == "--exclude":
			flag, pending = a, true
		case strings.HasPrefix(a, "--select=") || strings.HasPrefix(a, "--exclude="):
			flag, _, _ = strings.Cut(a, "=")
		case strings.HasPrefix(a, "-"):
			flag = ""
		case flag != "":
			out = append(out, flag)
		}
		out = append(out, a)
	}
	return out
}

// isCobraUsage recognises cobra's own argument and flag errors, which it
// returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "kiln",
		Short: "kiln compiles SQL models into tables and views, in dependency order",
		Long: `kiln is a SQL-first transformation compiler. Models are SQL files with Go
templates that call ref; kiln builds the dependency graph, checks it, and
materializes tables, views and incremental tables on DuckDB (embedded, the
default) or PostgreSQL.`,
		Example: `  kiln init shop && cd shop
  kiln seed && kiln run
  kiln compile --select stg_orders+
  kiln run --select tag:nightly --exclude customers --threads 8`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       compiler.Version,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			a.command = cmd.Name()
		},
	}
	root.SetVersionTemplate("kiln {{ .Version }}\n")
	f := root.PersistentFlags()
	f.StringVar(&a.g.projectDir, "project-dir", "", "the project directory (default: the current directory or the nearest parent with kiln.yml)")
	f.StringVar(&a.g.target, "target", "", "the target of kiln.yml's profile to use")
	f.StringArrayVar(&a.g.vars, "vars", nil, `variables as YAML or JSON, e.g. --vars 'start_date: "2024-01-01"'; repeatable, later values win`)
	f.IntVar(&a.g.threads, "threads", 0, "how many models to build at once (default: the target's threads)")
	f.BoolVarP(&a.g.quiet, "quiet", "q", false, "print only errors and the summary")
	f.StringVar(&a.g.logFormat, "log-format", "text", "text or json")
	f.BoolVar(&a.g.noColor, "no-color", false, "never colour the output (colour is used only on a terminal)")
	f.BoolVar(&a.g.strict, "strict", false, "make a model that kiln's SQL parser cannot read an error, not a warning")
	f.StringVar(&a.g.state, "state", "", "another run's artifacts (a directory with manifest.json) for state:/result: selectors, --defer and kiln diff")
	f.BoolVar(&a.g.deferState, "defer", false, "read the models that are not selected from the relations recorded in --state")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.initCommand(), a.compileCommand(), a.runCommand(), a.seedCommand(), a.lsCommand(), a.cleanCommand())
	root.AddCommand(a.testCommand(), a.buildCommand())
	root.AddCommand(a.lineageCommand())
	root.AddCommand(a.graphCommand(), a.diffCommand(), a.docsCommand())
	return root
}

// options turns the global flags into compiler options.
func (a *app) options() (compiler.Options, error) {
	if a.g.logFormat != "text" && a.g.logFormat != "json" {
		return compiler.Options{}, usageError{fmt.Errorf("--log-format must be text or json, not %q", a.g.logFormat)}
	}
	dir := a.g.projectDir
	if dir == "" {
		dir = "."
	}
	dir, err := compiler.FindProjectDir(dir)
	if err != nil {
		return compiler.Options{}, usageError{fmt.Errorf("%w (use --project-dir, or kiln init DIR to start one)", err)}
	}
	var vars map[string]any
	for _, v := range a.g.vars {
		if strings.TrimSpace(v) == "" {
			continue
		}
		m, err := compiler.ParseVars(v)
		if err != nil {
			return compiler.Options{}, usageError{fmt.Errorf("--vars is not YAML or JSON: %v", err)}
		}
		if m == nil {
			return compiler.Options{}, usageError{fmt.Errorf("--vars needs a mapping, e.g. --vars 'start_date: 2024-01-01'")}
		}
		if vars == nil {
			vars = map[string]any{}
		}
		maps.Copy(vars, m)
	}
	if a.g.threads < 0 || a.g.threads == 0 && a.root != nil && a.root.PersistentFlags().Changed("threads") {
		return compiler.Options{}, usageError{fmt.Errorf("--threads must be at least 1")}
	}
	return compiler.Options{Dir: dir, Target: a.g.target, Vars: vars, Threads: a.g.threads, Env: a.env,
		Dialects: map[string]compiler.Dialect{"duckdb": a.engines["duckdb"], "postgres": a.engines["postgres"]}, Analyzer: a.sqlParser(), Strict: a.g.strict}, nil
}

// engineFor returns the engine for a target type. The same value serves
// the compiler (quoting) and the run (Open records what the server can do).
func (a *app) engineFor(typ string) (dialects.Engine, error) {
	if e, ok := a.engines[typ]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("no engine for target type %q", typ)
}
