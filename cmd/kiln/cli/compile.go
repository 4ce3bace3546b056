package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/selector"
	"github.com/kiln-sql/kiln/models"
)

// selection holds the --select and --exclude flags of a command.
type selection struct {
	selects  []string
	excludes []string
}

func (s *selection) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&s.selects, "select", "s", nil, "nodes to include (dbt's grammar: name, +name, name+, tag:x, path:dir, …); repeatable")
	cmd.Flags().StringArrayVar(&s.excludes, "exclude", nil, "nodes to leave out, same grammar; repeatable")
}

// project is a compiled project ready for a command.
type project struct {
	opts    compiler.Options
	res     *compiler.Result
	printer *printer
	target  string // the project's target/ directory
	// nodeDiags are errors that stop one node (models.Diagnostic.Node),
	// reported once the command has selected its nodes.
	nodeDiags   models.Diagnostics
	nothingDone string // app.nothingDone
}

// load compiles the project, prints its diagnostics and opens the log file.
// A project with errors returns exitError{1} after printing them all.
func (a *app) load() (*project, error) {
	opts, err := a.options()
	if err != nil {
		return nil, err
	}
	return a.loadWith(opts)
}

// loadWith is load with options already read.
func (a *app) loadWith(opts compiler.Options) (*project, error) {
	pr := a.newPrinter()
	res, err := compiler.Compile(opts)
	if err != nil {
		return nil, err
	}
	pr.secrets = res.Secrets
	targetDir := filepath.Join(opts.Dir, "target")
	if res.Project != nil {
		a.openLog(pr, targetDir)
	}
	diags, nodeDiags := splitNodeDiagnostics(res.Diagnostics)
	pr.diagnostics(diags)
	if diags.HasErrors() {
		n := len(diags.Errors())
		pr.summaryLine("%d %s in the project; %s", n, plural(n, "error", "errors"), a.nothingDone())
		pr.close()
		return nil, exitError{ExitFailure}
	}
	if err := a.attachState(res); err != nil {
		pr.close()
		return nil, err
	}
	return &project{opts: opts, res: res, printer: pr, target: targetDir, nodeDiags: nodeDiags, nothingDone: a.nothingDone()}, nil
}

// splitNodeDiagnostics separates the errors that stop one node only (see
// models.Diagnostic.Node) from the project's.
func splitNodeDiagnostics(ds models.Diagnostics) (project, node models.Diagnostics) {
	for _, d := range ds {
		if d.Node != "" && d.Severity == models.Error {
			node = append(node, d)
		} else {
			project = append(project, d)
		}
	}
	return project, node
}

// checkNodeDiagnostics prints the errors that stop one node: as errors
// when the command selected the node (ids; nil selects none), and then it
// fails; as warnings otherwise.
func (p *project) checkNodeDiagnostics(ids []string) error {
	selected := map[string]bool{}
	for _, id := range ids {
		selected[id] = true
	}
	var errs models.Diagnostics
	for _, d := range p.nodeDiags {
		if selected[d.Node] {
			errs = append(errs, d)
			continue
		}
		d.Severity = models.Warning
		p.printer.diagnostics(models.Diagnostics{d})
	}
	p.nodeDiags = nil
	if len(errs) == 0 {
		return nil
	}
	p.printer.diagnostics(errs)
	p.printer.summaryLine("%d %s in the selected nodes; %s", len(errs), plural(len(errs), "error", "errors"), p.nothingDone)
	return exitError{ExitFailure}
}

// openLog starts target/kiln.log with the command line.
func (a *app) openLog(pr *printer, targetDir string) {
	if err := os.MkdirAll(targetDir, 0o755); err != nil {
		return
	}
	if f, err := os.Create(filepath.Join(targetDir, "kiln.log")); err == nil {
		pr.log = f
		fmt.Fprintf(f, "kiln %s: %s\n", compiler.Version, strings.Join(a.args, " "))
	}
}

func (pr *printer) close() {
	if c, ok := pr.log.(interface{ Close() error }); ok {
		c.Close()
	}
}

// selectNodes applies --select/--exclude, keeping the given resource types.
func (p *project) selectNodes(s selection, types ...models.ResourceType) ([]string, error) {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	ids, err := p.res.Select(s.selects, s.excludes, selector.Options{ResourceTypes: names, IndirectTests: true})
	if err != nil {
		return nil, usageError{selectionError(err)}
	}
	if err := p.checkNodeDiagnostics(ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// selectionError formats the selector's errors with their hints.
func selectionError(err error) error {
	var b strings.Builder
	for i, line := range strings.Split(err.Error(), "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(line)
	}
	var se *selector.Error
	if asSelectorError(err, &se) && se.Hint != "" {
		b.WriteString("\n\thint: " + se.Hint)
	}
	return fmt.Errorf("%s", b.String())
}

// writeArtifacts writes target/manifest.json, the compiled SQL of the
// named models, and target/graph.dot of the whole project.
func (p *project) writeArtifacts(names []string) error {
	// graph.dot is written while the manifest and compiled SQL are.
	mf := p.res.Manifest()
	dot := make(chan error, 1)
	go func() {
		var ids []string
		for id := range mf.Nodes {
			ids = append(ids, id)
		}
		for id := range mf.Sources {
			ids = append(ids, id)
		}
		var b bytes.Buffer
		if err := newDepGraph(mf, ids).writeDOT(&b, p.res.Project.Name); err != nil {
			dot <- err
			return
		}
		dot <- compiler.WriteFileAtomic(filepath.Join(p.target, "graph.dot"), b.Bytes())
	}()
	err := p.res.WriteArtifacts(p.target, names)
	compiler.Phase("manifest and compiled SQL")
	if derr := <-dot; err == nil {
		err = derr
	}
	compiler.Phase("graph.dot")
	if err != nil {
		return fmt.Errorf("writing artifacts: %w", err)
	}
	return nil
}

// modelNames maps unique ids of models to their names.
func (p *project) modelNames(ids []string) []string {
	var names []string
	for _, id := range ids {
		if m, ok := p.res.Node(id).(*models.Model); ok {
			names = append(names, m.Name)
		}
	}
	return names
}

func (a *app) compileCommand() *cobra.Command {
	var sel selection
	var force bool
	cmd := &cobra.Command{
		Use:   "compile",
		Short: "Render and check the selected models; write target/compiled and target/manifest.json",
		Long: `compile renders every model's template, checks the dependency graph and
writes the SQL each selected model will run to target/compiled/<model path>,
and the whole project to target/manifest.json. It touches no database.

When nothing compile reads has changed since the last compile (kiln itself,
the flags, kiln.yml, every model, macro, properties file, seed and test, and
the environment variables the project reads) and nothing has touched what it
wrote, compile says so and leaves target/ as it is; --force compiles anyway.`,
		Example: `  kiln compile
  kiln compile --select stg_orders+
  cat target/compiled/models/marts/customers.sql`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := a.options()
			if err != nil {
				return err
			}
			targetDir := filepath.Join(opts.Dir, "target")
			key := ""
			if a.g.state == "" && !a.g.deferState {
				// Hashing the inputs costs a fraction of compiling them; an
				// unreadable project compiles below, to report why.
				if in, _ := compiler.ReadInputs(opts, sel.stampArgs()...); in != nil {
					key, opts.Inputs = in.Key, in
				}
				compiler.Phase("read inputs")
				if st := compiler.ReadStamp(targetDir); !force && st.UpToDate(key, opts.Env, targetDir) {
					return a.upToDate(st, targetDir)
				}
			}
			if err := compiler.RemoveStamp(targetDir); err != nil {
				return fmt.Errorf("removing the last compile's stamp: %w", err)
			}
			p, err := a.loadWith(opts)
			if err != nil {
				return err
			}
			defer p.printer.close()
			ids, err := p.selectNodes(sel, models.ResourceModel, models.ResourceTest)
			if err != nil {
				return err
			}
			if err := a.deferUnselected(p, ids); err != nil {
				return err
			}
			names := p.modelNames(ids)
			compiler.Phase("select")
			testsWritten := make(chan error, 1)
			go func() { testsWritten <- p.res.WriteTestArtifacts(p.target, ids) }()
			if err := p.writeArtifacts(names); err != nil {
				<-testsWritten
				return err
			}
			if err := <-testsWritten; err != nil {
				return fmt.Errorf("writing artifacts: %w", err)
			}
			summary := fmt.Sprintf("%d %s", len(names), plural(len(names), "model", "models"))
			if n := len(ids) - len(names); n > 0 {
				summary += fmt.Sprintf(" and %d %s", n, plural(n, "test", "tests"))
			}
			compiler.Phase("test artifacts")
			why, err := p.res.WriteStamp(p.target, key, summary, "graph.dot")
			compiler.Phase("stamp")
			if err != nil {
				p.printer.emit("warn", fmt.Sprintf("warning: the next compile cannot tell whether it is up to date: %v", err), nil)
			} else if why != "" && key != "" {
				p.printer.info("the next compile will compile again: %s", why)
			}
			p.printer.summaryLine("compiled %s to target/compiled; wrote target/manifest.json", summary)
			return nil
		},
	}
	sel.register(cmd)
	cmd.Flags().BoolVar(&force, "force", false, "compile even when nothing changed since the last compile")
	return cmd
}

// stampArgs are the flags that change what compile writes.
func (s *selection) stampArgs() []string {
	out := []string{"compile"}
	for _, v := range s.selects {
		out = append(out, "--select="+v)
	}
	for _, v := range s.excludes {
		out = append(out, "--exclude="+v)
	}
	return out
}

// upToDate reports a compile that had nothing to do, with the warnings the
// last one printed.
func (a *app) upToDate(st *compiler.Stamp, targetDir string) error {
	pr := a.newPrinter()
	a.openLog(pr, targetDir)
	defer pr.close()
	pr.diagnostics(st.Diagnostics)
	pr.summaryLine("compiled %s: nothing changed since the last compile; target/compiled and target/manifest.json are up to date", st.Summary)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
