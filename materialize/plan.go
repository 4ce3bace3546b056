// Package materialize turns a selection of a compiled project into a plan
// of steps and executes it on a database in dependency order, with N workers,
// atomically per model: a failure or a kill leaves every relation either in
// its old or in its new complete state.
package materialize

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/dag"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// Options steer a run.
type Options struct {
	Threads     int
	FullRefresh bool
	FailFast    bool
	// ProjectDir resolves seed paths.
	ProjectDir string
	// StoreFailures keeps the failing rows of every data test in a table
	// (--store-failures), as if each had store_failures: true.
	StoreFailures bool
}

// Step is one node of a plan: a model or seed to build.
type Step struct {
	ID           string
	Name         string
	ResourceType models.ResourceType
	Path         string // the model's or seed's file, relative to the project
	Relation     models.Relation
	Materialized models.Materialization
	// Existing is the relation's kind in the database before the run, or "".
	Existing dialects.RelationKind
	// Incremental says whether the model is built incrementally this run:
	// it is incremental, exists, and no full refresh was asked for.
	Incremental bool
	// DataTest or UnitTest is set for a test step (test.go).
	DataTest *models.Test
	UnitTest *models.UnitTest

	model *models.Model
	seed  *models.Seed
}

// Plan is the ordered set of steps of a run. It can be printed before it
// runs (kiln run --dry-run).
type Plan struct {
	Steps   []*Step // in dependency order
	Graph   *dag.Graph[string]
	Schemas []string // schemas to create when missing
	byID    map[string]*Step
}

// NewPlan builds the plan for the selected node ids of a compiled project.
// existing is what the database holds now, used to decide between create,
// replace and incremental paths.
func NewPlan(res *compiler.Result, selected []string, existing []dialects.Existing, opts Options) (*Plan, error) {
	return newPlan(res, res.Graph, selected, existing, opts)
}

// newPlan plans the selected nodes in the order of graph g.
func newPlan(res *compiler.Result, g *dag.Graph[string], selected []string, existing []dialects.Existing, opts Options) (*Plan, error) {
	kinds := map[models.Relation]dialects.RelationKind{}
	for _, e := range existing {
		kinds[e.Relation] = e.Kind
	}
	keep := map[string]bool{}
	p := &Plan{byID: map[string]*Step{}}
	schemas := map[string]bool{}
	for _, id := range selected {
		var st *Step
		switch n := res.Node(id).(type) {
		case *models.Model:
			st = &Step{ID: id, Name: n.Name, ResourceType: models.ResourceModel, Path: n.Path, Relation: n.Relation, Materialized: n.Config.Materialized, model: n}
		case *models.Seed:
			st = &Step{ID: id, Name: n.Name, ResourceType: models.ResourceSeed, Path: n.Path, Relation: n.Relation, Materialized: models.Table, seed: n}
		case *models.Test, *models.UnitTest:
			st = newTestStep(res, id, n, opts)
		default:
			continue // sources have nothing to build
		}
		st.Existing = kinds[st.Relation]
		if st.Materialized == models.Incremental {
			full := opts.FullRefresh
			if st.model.Config.FullRefresh != nil {
				full = *st.model.Config.FullRefresh
			}
			st.Incremental = st.Existing == dialects.KindTable && !full
		}
		if st.Materialized != models.Ephemeral && st.Relation.Schema != "" {
			schemas[st.Relation.Schema] = true
		}
		keep[id] = true
		p.byID[id] = st
	}
	p.Graph = g.Subgraph(func(id string) bool { return keep[id] })
	order, err := p.Graph.Sort()
	if err != nil {
		return nil, err
	}
	for _, id := range order {
		p.Steps = append(p.Steps, p.byID[id])
	}
	for s := range schemas {
		p.Schemas = append(p.Schemas, s)
	}
	sort.Strings(p.Schemas)
	return p, nil
}

// Schemas lists the schemas of every model and seed of a project, for the
// catalog query that precedes a plan.
func Schemas(p *models.Project) []string {
	set := map[string]bool{}
	for _, m := range p.Models {
		set[m.Relation.Schema] = true
	}
	for _, s := range p.Seeds {
		set[s.Relation.Schema] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Describe says in a few words what a step will do, for progress lines.
func (s *Step) Describe() string {
	switch {
	case s.ResourceType == models.ResourceTest:
		return s.describeTest() // test.go
	case s.ResourceType == models.ResourceSeed:
		return "seed file"
	case s.Materialized == models.Incremental && s.Incremental:
		return "incremental model"
	case s.Materialized == models.Incremental:
		return "incremental model (full build)"
	}
	return fmt.Sprintf("%s model", s.Materialized)
}

// Statements returns the statements a step would run, for kiln run
// --dry-run. It runs none of them; when the Executor has a DB, it reads the
// catalog (the views that depend on a relation, a materialized view's
// fingerprint, a seed's columns) to show the statements the run would
// choose. What depends on the new rows themselves (the columns of an
// incremental model, whether a seed's columns changed) is shown as
// comments.
func (x *Executor) Statements(ctx context.Context, st *Step) ([]string, error) {
	if st.ResourceType == models.ResourceTest {
		return x.testStatements(st), nil // test.go
	}
	rec := &recorder{engine: x.Engine, dry: true, ctx: ctx}
	if x.DB != nil {
		rec.q = x.DB
	}
	err := x.build(ctx, st, rec)
	return rec.statements, err
}
