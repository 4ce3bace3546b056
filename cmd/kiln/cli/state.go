package cli

import (
	"errors"
	"fmt"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// attachState reads --state and makes it the state that state: and
// result: selectors compare with. Without --state it checks that no flag
// needs one.
func (a *app) attachState(res *compiler.Result) error {
	if a.g.state == "" {
		if a.g.deferState {
			return usageError{errors.New("--defer needs --state DIR: the artifacts of the run whose relations to read")}
		}
		return nil
	}
	s, err := compiler.ReadState(a.g.state)
	if errors.Is(err, compiler.ErrNoState) {
		return usageError{fmt.Errorf("--state %s: %w\n\thint: point it at the target/ directory of the run to compare with (kiln compile writes manifest.json there)", a.g.state, compiler.ErrNoState)}
	}
	if err != nil {
		return usageError{fmt.Errorf("--state %s: %w", a.g.state, err)}
	}
	res.UseState(s)
	return nil
}

// deferUnselected implements --defer: it compiles the project again so
// that ref renders, for every model and seed outside ids, the relation the
// state recorded for it, and the selected models read the state's
// relations for what they do not build themselves.
func (a *app) deferUnselected(p *project, ids []string) error {
	if !a.g.deferState {
		return nil
	}
	st := p.res.State()
	if st == nil {
		return usageError{errors.New("--defer needs --state DIR")}
	}
	opts := p.opts
	opts.Defer = st.DeferRelations(p.res, ids)
	res, err := compiler.Compile(opts)
	if err != nil {
		return err
	}
	if diags, _ := splitNodeDiagnostics(res.Diagnostics); diags.HasErrors() {
		p.printer.diagnostics(diags)
		return exitError{ExitFailure}
	}
	res.UseState(st)
	p.res, p.opts = res, opts
	if n := len(opts.Defer); n > 0 {
		p.printer.info("deferring %d unselected %s to the relations of --state %s", n, plural(n, "node", "nodes"), st.Dir)
	}
	return nil
}

// removedEntry describes, for kiln ls, a node that only the state has.
func (p *project) removedEntry(id string, e lsEntry) lsEntry {
	st := p.res.State()
	if st == nil {
		return e
	}
	if n, ok := st.Manifest.Nodes[id]; ok {
		e.Name, e.ResourceType, e.Path, e.Config = n.Name, n.ResourceType, n.Path, n.Config
		e.Tags = n.Tags
		if n.Config.Materialized != models.Ephemeral {
			e.Relation = n.Relation.String()
		}
		e.DependsOn = n.DependsOn.Nodes
	}
	if s, ok := st.Manifest.Sources[id]; ok {
		e.Name, e.ResourceType, e.Path = s.SourceName+"."+s.Name, string(models.ResourceSource), s.Path
		e.Relation = s.Relation.String()
	}
	if e.Tags == nil {
		e.Tags = []string{}
	}
	if e.DependsOn == nil {
		e.DependsOn = []string{}
	}
	return e
}
