package compiler

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kiln-sql/kiln/compiler/dag"
	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// Result is a compiled project: every resource with its resolved config,
// the dependency graph, the rendered SQL, and what went wrong.
type Result struct {
	Project *models.Project
	// Graph holds every node by unique id, edges from upstream to downstream.
	Graph *dag.Graph[string]
	// Compiled maps a model's name to its SELECT as it will run, with
	// ephemeral models inlined as CTEs. Ephemeral models have an entry too.
	Compiled map[string]string
	// CompiledTests maps a data test's or unit test's unique id to its SQL:
	// the query whose rows are failures, or the model run on given rows.
	CompiledTests map[string]string
	// Diagnostics are every problem found, sorted.
	Diagnostics models.Diagnostics
	// Secrets are values read from the environment into the profile; callers
	// keep them out of what they print.
	Secrets []string

	renderer *renderer
	byID     map[string]any // *models.Model, *models.Seed, *models.Source
	// What kiln understood of each model's SQL (analyze.go).
	analysis map[string]*ModelAnalysis
	state    *analysisState
	rendered map[string]string // before transpiling
	props    *loadedProperties

	manifestOnce sync.Once
	manifest     *Manifest
	against      *attachedState // --state: the run compared with (state.go)

	// For the stamp (stamp.go): the environment variables read, the first
	// volatile function a template calls, and the files written.
	badSeeds  map[string]bool // seeds whose file is not well-formed CSV (checkSeeds)
	envRec    *envRecorder
	volatile  string
	outputsMu sync.Mutex
	outputs   []string
}

// identRE is what a model or seed name may look like: kiln uses names as
// relation and CTE names.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Compile loads the project in opts.Dir, renders every enabled model and
// checks the graph. It touches no database. A project with errors returns a
// Result whose Diagnostics hold them all; err is for failures to read it.
func Compile(opts Options) (*Result, error) {
	env := opts.Env
	if env == nil {
		env = os.LookupEnv
	}
	res := &Result{Compiled: map[string]string{}, byID: map[string]any{}}
	res.envRec = &envRecorder{lookup: env, names: map[string]bool{}}
	env = res.envRec.get
	Phase("start")
	p, pf, secrets, diags := loadProjectFile(opts, env)
	res.Diagnostics = diags
	if p == nil || diags.HasErrors() {
		res.Diagnostics = res.Diagnostics.Sort()
		return res, nil
	}
	res.Project = p
	for s := range secrets {
		res.Secrets = append(res.Secrets, s)
	}
	sort.Strings(res.Secrets)

	in := opts.Inputs
	if in == nil || in.dir != opts.Dir {
		files, err := findFiles(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("reading project files: %w", err)
		}
		in = &Inputs{dir: opts.Dir, files: files}
	}
	defer in.release()
	files, read := in.files, in.read
	expectModels(len(files.Models))

	// Parse models in parallel: this is the bulk of the work. Reading a
	// file waits on the kernel, so a few more readers than cores help.
	parsed := make([]*parsedTemplate, len(files.Models))
	raws := make([]string, len(files.Models))
	sums := make([]string, len(files.Models))
	parallelN(len(files.Models), 4, func(i int) {
		data, err := read(files.Models[i])
		if err != nil {
			parsed[i] = &parsedTemplate{File: files.Models[i], Diags: models.Diagnostics{{Pos: models.Pos{File: files.Models[i]}, Severity: models.Error, Message: err.Error()}}}
			return
		}
		raws[i] = bytesString(data) // data is not used again: no copy
		sums[i] = sha(raws[i]).Checksum
		if d := checkUTF8(files.Models[i], raws[i]); d != nil {
			parsed[i] = &parsedTemplate{File: files.Models[i], Diags: models.Diagnostics{*d}}
			return
		}
		parsed[i] = parseTemplate(files.Models[i], raws[i])
	})
	for _, pt := range parsed {
		res.noteVolatile(pt)
	}
	Phase("read and parse templates")
	boundHeap()
	macros := make([]*parsedTemplate, 0, len(files.Macros))
	macroDefs := map[string]*parsedTemplate{}
	for _, f := range files.Macros {
		data, err := read(f)
		if err != nil {
			return nil, err
		}
		if d := checkUTF8(f, string(data)); d != nil {
			res.Diagnostics = append(res.Diagnostics, *d)
			continue
		}
		pt := parseTemplate(f, string(data))
		res.Diagnostics = append(res.Diagnostics, pt.Diags...)
		res.noteVolatile(pt)
		macros = append(macros, pt)
		for name := range pt.Trees {
			if name == f {
				continue
			}
			if prev, ok := macroDefs[name]; ok {
				res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: f}, Severity: models.Error,
					Message: fmt.Sprintf("macro %q is defined twice", name), Hint: "the other definition is in " + prev.File})
				continue
			}
			macroDefs[name] = pt
			p.Macros = append(p.Macros, models.Macro{Name: name, Pos: models.Pos{File: f}})
		}
	}
	sort.Slice(p.Macros, func(i, j int) bool { return p.Macros[i].Name < p.Macros[j].Name })

	props, d := loadProperties(read, files.Properties, p.Target.Schema, func(file string) *interpolator {
		return &interpolator{file: file, env: env, vars: p.Vars, secrets: map[string]bool{}}
	})
	res.Diagnostics = append(res.Diagnostics, d...)
	res.props = props
	p.Sources = props.sources

	modelTree, d := parseFolderTree(ProjectFile, &pf.Models, models.Pos{File: ProjectFile})
	res.Diagnostics = append(res.Diagnostics, d...)
	seedTree, d := parseFolderTree(ProjectFile, &pf.Seeds, models.Pos{File: ProjectFile})
	res.Diagnostics = append(res.Diagnostics, d...)
	modelTree = modelTree.rootAlias(p.Name, existsUnder(files.Models, "models"))
	seedTree = seedTree.rootAlias(p.Name, existsUnder(files.Seeds, "seeds"))
	res.Diagnostics = append(res.Diagnostics, modelTree.checkPaths("models", p.Name, existsUnder(files.Models, "models"), childrenUnder(files.Models, "models"))...)
	res.Diagnostics = append(res.Diagnostics, seedTree.checkPaths("seeds", p.Name, existsUnder(files.Seeds, "seeds"), childrenUnder(files.Seeds, "seeds"))...)

	// A model's own {{ define }} must not take a project macro's name: the
	// model would silently use its own version.
	for _, pt := range parsed {
		for name := range pt.Trees {
			if prev, ok := macroDefs[name]; ok && name != pt.File {
				res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: pt.File}, Severity: models.Error,
					Message: fmt.Sprintf("the model defines %q, the name of the macro in %s", name, prev.File),
					Hint:    "rename one of them; macros belong in macros/"})
			}
		}
	}

	// Models: names, config, relations.
	trees := map[string]*parsedTemplate{}
	seenPath := map[string]string{}
	disabled := map[string]bool{}
	for i, pt := range parsed {
		rel := files.Models[i]
		name := strings.TrimSuffix(path.Base(rel), ".sql")
		res.Diagnostics = append(res.Diagnostics, pt.Diags...)
		if !identRE.MatchString(name) {
			res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: rel}, Severity: models.Error,
				Message: fmt.Sprintf("model name %q is not an identifier", name), Hint: "use letters, digits and underscores, not starting with a digit, e.g. " + identSuggestion(name)})
			continue
		}
		if prev, ok := seenPath[name]; ok {
			res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: rel, Line: 1, Col: 1}, Severity: models.Error,
				Message: fmt.Sprintf("duplicate model name %q", name), Hint: "also defined in " + prev + "; model names must be unique across folders"})
			continue
		}
		seenPath[name] = rel
		m := &models.Model{Name: name, Path: rel, Raw: raws[i], Checksum: sums[i], Config: defaultConfig(), Refs: pt.Refs, Sources: pt.Sources}
		cfg := modelTree.configFor(fqnParts(rel, "models"))
		rp := props.models[name]
		if rp != nil {
			vals, d := rp.configValues()
			res.Diagnostics = append(res.Diagnostics, d...)
			cfg = append(cfg, vals...)
			m.Description = rp.Description
			m.Columns = rp.columns()
			m.ConfigPos = rp.pos
		}
		cfg = append(cfg, pt.Config...)
		for _, v := range cfg {
			if d := applyConfig(&m.Config, v); d != nil {
				res.Diagnostics = append(res.Diagnostics, *d)
			}
		}
		if !m.Config.Enabled {
			disabled[name] = true
			continue
		}
		m.Relation = relationFor(p.Target.Schema, m.Config, name)
		if m.Refs == nil {
			m.Refs = []models.Ref{}
		}
		if m.Sources == nil {
			m.Sources = []models.SourceRef{}
		}
		trees[name] = pt
		p.Models = append(p.Models, m)
	}
	for name, rp := range props.models {
		if _, ok := seenPath[name]; !ok {
			names := make([]string, 0, len(seenPath))
			for n := range seenPath {
				names = append(names, n)
			}
			res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: rp.pos, Severity: models.Error,
				Message: fmt.Sprintf("properties for model %q, which does not exist", name), Hint: suggest.Hint(name, names)})
		}
	}
	sort.Slice(p.Models, func(i, j int) bool { return p.Models[i].Name < p.Models[j].Name })

	// Seeds.
	for _, rel := range files.Seeds {
		name := strings.TrimSuffix(path.Base(rel), ".csv")
		if _, clash := seenPath[name]; clash {
			res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: rel}, Severity: models.Error,
				Message: fmt.Sprintf("seed %q has the name of a model", name), Hint: "also defined in " + seenPath[name] + "; ref finds both by name, so rename one"})
			continue
		}
		if !identRE.MatchString(name) {
			res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: rel}, Severity: models.Error,
				Message: fmt.Sprintf("seed name %q is not an identifier", name), Hint: "use letters, digits and underscores"})
			continue
		}
		seenPath[name] = rel
		s := &models.Seed{Name: name, Path: rel, Config: defaultConfig()}
		s.Config.Materialized = models.Table
		cfg := seedTree.configFor(fqnParts(rel, "seeds"))
		if rp := props.seeds[name]; rp != nil {
			vals, d := rp.configValues()
			res.Diagnostics = append(res.Diagnostics, d...)
			cfg = append(cfg, vals...)
			s.Description = rp.Description
			s.Columns = rp.columns()
		}
		for _, v := range cfg {
			if d := applyConfig(&s.Config, v); d != nil {
				res.Diagnostics = append(res.Diagnostics, *d)
			}
		}
		if !s.Config.Enabled {
			disabled[name] = true
			continue
		}
		s.Relation = relationFor(p.Target.Schema, s.Config, name)
		p.Seeds = append(p.Seeds, s)
	}

	// An incremental model's strategy needs its key before the first
	// incremental run, not at it.
	for _, m := range p.Models {
		c := m.Config
		if c.Materialized == models.Incremental && c.IncrementalStrategy != "" && c.IncrementalStrategy != models.StrategyAppend && len(c.UniqueKey) == 0 {
			res.Diagnostics = append(res.Diagnostics, models.Diagnostic{Pos: models.Pos{File: m.Path, Line: 1, Col: 1}, Severity: models.Error,
				Message: fmt.Sprintf("incremental_strategy %q needs a unique_key", c.IncrementalStrategy),
				Hint:    `name the key: {{ config "unique_key" "id" }}, or use incremental_strategy "append"`})
		}
	}

	// Macros a model calls lend it their dependencies.
	res.Diagnostics = append(res.Diagnostics, inheritMacroDeps(p.Models, trees, macroDefs)...)
	// A ref or source in a model's hook is a dependency too: the hook runs
	// with the model.
	for _, m := range p.Models {
		for _, h := range append(append([]string(nil), m.Config.PreHook...), m.Config.PostHook...) {
			if !strings.Contains(h, "{{") {
				continue
			}
			pt := parseTemplate(m.Path, h)
			for _, r := range pt.Refs {
				m.Refs = append(m.Refs, models.Ref{Name: r.Name, Pos: models.Pos{File: m.Path}})
			}
			for _, src := range pt.Sources {
				src.Pos = models.Pos{File: m.Path}
				m.Sources = append(m.Sources, src)
			}
		}
	}
	res.Diagnostics = append(res.Diagnostics, relationClashes(p)...)

	res.Graph, d = buildGraph(p, disabled)
	res.Diagnostics = append(res.Diagnostics, d...)
	for _, m := range p.Models {
		res.byID[m.UniqueID(p.Name)] = m
	}
	for _, s := range p.Seeds {
		res.byID[s.UniqueID(p.Name)] = s
	}
	for _, s := range p.Sources {
		res.byID[s.UniqueID(p.Name)] = s
	}

	Phase("config, properties, graph")
	boundHeap()
	r, err := newRenderer(p, opts.Dialects[p.Target.Type], env, macros)
	if err != nil {
		return nil, err
	}
	r.trees = trees
	r.deferred = opts.Defer
	res.renderer = r
	res.Diagnostics = append(res.Diagnostics, res.renderHooks(r)...)

	// Render every model whose own template is sound; a model with broken
	// dependencies would only repeat errors already reported.
	broken := brokenModels(res.Diagnostics, p.Models)
	rendered := make([]string, len(p.Models))
	renderDiags := make([]*models.Diagnostic, len(p.Models))
	parallel(len(p.Models), func(i int) {
		m := p.Models[i]
		if broken[m.Name] {
			return
		}
		rendered[i], renderDiags[i] = r.render(m, renderOptions{})
	})
	raw := map[string]string{}
	for i, m := range p.Models {
		if renderDiags[i] == nil && !broken[m.Name] && skipSpaceAndComments(strings.TrimRight(rendered[i], "; \t\r\n"), 0) == len(strings.TrimRight(rendered[i], "; \t\r\n")) {
			renderDiags[i] = &models.Diagnostic{Pos: models.Pos{File: m.Path, Line: 1, Col: 1}, Severity: models.Error,
				Message: fmt.Sprintf("model %s has no SQL: it renders to nothing but white space and comments", m.Name),
				Hint:    "write the SELECT the model stands for, or disable it with {{ config \"enabled\" false }}"}
		}
		if renderDiags[i] != nil {
			res.Diagnostics = append(res.Diagnostics, *renderDiags[i])
			continue
		}
		if !broken[m.Name] {
			raw[m.Name] = rendered[i]
		}
	}
	res.rendered = maps.Clone(raw)
	seedDiags, badSeeds := res.checkSeeds()
	res.Diagnostics = append(res.Diagnostics, seedDiags...)
	res.badSeeds = badSeeds
	// Only an incremental model is rendered again (by Render, for its
	// incremental runs), and a model under a unit test (with its inputs in
	// place of its parents); the other models' parse trees, which hold a
	// copy of every template, can go before the analysis needs memory.
	unitTested := map[string]bool{}
	for _, f := range props.files {
		for _, u := range f.UnitTests {
			unitTested[u.Model] = true
		}
	}
	for name := range r.trees {
		if m := r.models[name]; !unitTested[name] && (m == nil || m.Config.Materialized != models.Incremental) {
			delete(r.trees, name)
		}
	}
	Phase("render")
	boundHeap()
	res.Diagnostics = append(res.Diagnostics, res.analyze(opts, raw)...)
	Phase("analyze")
	// Contracts are checked before any database when DuckDB bound the types:
	// they are then the target's own types. Other targets check at build.
	if p.Target.Type == "duckdb" {
		for _, m := range p.Models {
			if a := res.analysis[m.Name]; a != nil && a.TypesBound {
				for _, d := range CheckContract("duckdb", m, a.Columns, res.columnPositions(m)) {
					d.Node = m.UniqueID(p.Name) // it stops this model's build, not the project
					res.Diagnostics = append(res.Diagnostics, d)
				}
			}
		}
	}
	res.Diagnostics = append(res.Diagnostics, res.uniqueKeysExist()...)
	for _, m := range p.Models {
		if sql, ok := raw[m.Name]; ok {
			res.Compiled[m.Name] = injectEphemerals(sql, m, r.models, raw)
		}
	}
	res.Diagnostics = append(res.Diagnostics, res.compileTests(files.Tests, read, trees, macroDefs, disabled)...)
	res.Diagnostics = res.Diagnostics.Sort()
	// Singular tests' trees and the unit-tested models' are not needed
	// again.
	for name := range r.trees {
		if m := r.models[name]; m == nil || m.Config.Materialized != models.Incremental {
			delete(r.trees, name)
		}
	}
	for _, m := range p.Models {
		m.Raw = ""
	}
	Phase("contracts, ephemerals, tests")
	return res, nil
}

// renderHooks renders the templates in every model's hooks and in the
// project's on-run-start and on-run-end, in place: dbt users write
// "grant select on {{ this }} to reporter".
func (res *Result) renderHooks(r *renderer) models.Diagnostics {
	var diags models.Diagnostics
	render := func(hooks []string, key string, pos models.Pos, this string) {
		for i, h := range hooks {
			out, pt, err := r.renderHook(fmt.Sprintf("%s %s[%d]", pos.File, key, i), h, this)
			res.noteVolatile(pt)
			if err != nil {
				d := models.Diagnostic{Pos: pos, Severity: models.Error, Message: fmt.Sprintf("%s: %v", key, err)}
				var he *hintError
				if errors.As(err, &he) {
					d.Message, d.Hint = key+": "+he.msg, he.hint
				}
				diags = append(diags, d)
				continue
			}
			hooks[i] = out
		}
	}
	p := res.Project
	for _, m := range p.Models {
		pos := models.Pos{File: m.Path} // the hook may come from kiln.yml or properties too
		render(m.Config.PreHook, "pre_hook", pos, r.relationSQL(m))
		render(m.Config.PostHook, "post_hook", pos, r.relationSQL(m))
	}
	render(p.OnRunStart, "on-run-start", models.Pos{File: ProjectFile}, "")
	render(p.OnRunEnd, "on-run-end", models.Pos{File: ProjectFile}, "")
	return diags
}

// Render renders one model again, for the executor: incremental says what
// {{ is_incremental }} returns. Ephemeral models it refs are inlined.
func (res *Result) Render(name string, incremental bool) (string, error) {
	m := res.renderer.models[name]
	if m == nil {
		return "", fmt.Errorf("unknown model %q", name)
	}
	if !incremental {
		if sql, ok := res.Compiled[name]; ok {
			return sql, nil
		}
	}
	sql, d := res.renderer.render(m, renderOptions{Incremental: incremental})
	if d != nil {
		return "", d
	}
	sql, err := res.transpile(name, sql)
	if err != nil {
		return "", err
	}
	return injectEphemerals(sql, m, res.renderer.models, res.Compiled), nil
}

// Node returns the model, seed or source with the given unique id.
func (res *Result) Node(id string) any { return res.byID[id] }

// certainColumns are the names of a model's columns when they are known
// for certain (typed exactly as DuckDB binds them), nil otherwise: the
// compile-time checks of tests, unit tests and keys trust nothing less.
func (res *Result) certainColumns(model string) []string {
	a := res.analysis[model]
	if a == nil || !a.TypesBound || len(a.Columns) == 0 {
		return nil
	}
	names := make([]string, len(a.Columns))
	for i, c := range a.Columns {
		names[i] = c.Name
	}
	return names
}

// containsFold says whether names holds name, ignoring case as SQL does.
func containsFold(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}

// uniqueKeysExist reports an incremental model's unique_key columns that
// the model does not return, when its columns are known for certain: its
// first incremental run would fail with a binder error. It stops that
// model only.
func (res *Result) uniqueKeysExist() models.Diagnostics {
	var diags models.Diagnostics
	for _, m := range res.Project.Models {
		if m.Config.Materialized != models.Incremental {
			continue
		}
		names := res.certainColumns(m.Name)
		if names == nil {
			continue
		}
		for _, k := range m.Config.UniqueKey {
			if !containsFold(names, k) {
				diags = append(diags, models.Diagnostic{Pos: models.Pos{File: m.Path, Line: 1, Col: 1}, Severity: models.Error,
					Message: fmt.Sprintf("unique_key %q is not a column of model %s", k, m.Name),
					Hint:    cmpHint(suggest.Hint(k, names), "its columns: "+strings.Join(names, ", ")),
					Node:    m.UniqueID(res.Project.Name)})
			}
		}
	}
	return diags
}

// checkUTF8 reports the first byte of text that is not UTF-8: SQL text
// is, and DuckDB's parser refuses the whole batch of models it is in.
func checkUTF8(file, text string) *models.Diagnostic {
	if utf8.ValidString(text) {
		return nil
	}
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				line := strings.Count(text[:i], "\n") + 1
				col := utf8.RuneCountInString(text[strings.LastIndexByte(text[:i], '\n')+1:i]) + 1
				return &models.Diagnostic{Pos: models.Pos{File: file, Line: line, Col: col}, Severity: models.Error,
					Message: fmt.Sprintf("the file is not UTF-8 (byte 0x%02x)", text[i]),
					Hint:    "save it as UTF-8 (it may be Latin-1 or Windows-1252)"}
			}
		}
	}
	return nil
}

// reservedSuffixes end the names of the relations kiln builds beside a
// model's (materialize: the new table before the swap, an incremental
// model's new rows, a unique index): a model named so would be dropped by
// another's build.
var reservedSuffixes = []string{"__kiln_tmp", "__kiln_new", "__kiln_uidx"}

// relationClashes reports two nodes that would build the same relation
// (SQL folds unquoted names, so case does not tell them apart), a model
// that would overwrite a declared source, and relation names kiln keeps
// for itself. A seed may load a source's table: that is how a source is
// fed from a CSV.
func relationClashes(p *models.Project) models.Diagnostics {
	type owner struct {
		what string
		pos  models.Pos
		seed bool
	}
	var diags models.Diagnostics
	seen := map[models.Relation]owner{}
	claim := func(rel models.Relation, o owner, isSource bool) {
		for _, suf := range reservedSuffixes {
			if strings.HasSuffix(strings.ToLower(rel.Name), suf) {
				diags = append(diags, models.Diagnostic{Pos: o.pos, Severity: models.Error,
					Message: fmt.Sprintf("%s builds relation %s, whose name ends with %s, which kiln keeps for its own tables", o.what, rel, suf),
					Hint:    "rename it"})
				return
			}
		}
		key := lowerRelation(rel)
		prev, ok := seen[key]
		switch {
		case !ok:
			seen[key] = o
		case isSource && prev.seed || o.seed && prev.what == "" || isSource && prev.what == "":
			// a seed that loads a source's table; two sources on one table
		case isSource:
			diags = append(diags, models.Diagnostic{Pos: prev.pos, Severity: models.Error,
				Message: fmt.Sprintf("%s would overwrite %s, which is declared as a source at %s", prev.what, rel, o.pos),
				Hint:    "a model reads a source, it does not replace it: give the model another name, alias or schema"})
		default:
			diags = append(diags, models.Diagnostic{Pos: o.pos, Severity: models.Error,
				Message: fmt.Sprintf("%s and %s would both build %s", prev.what, o.what, rel),
				Hint:    "give one of them another name, alias or schema (names are compared without case, as SQL does)"})
		}
	}
	for _, m := range p.Models {
		if m.Config.Materialized != models.Ephemeral {
			claim(m.Relation, owner{what: "model " + m.Name, pos: models.Pos{File: m.Path, Line: 1, Col: 1}}, false)
		}
	}
	for _, s := range p.Seeds {
		claim(s.Relation, owner{what: "seed " + s.Name, pos: models.Pos{File: s.Path}, seed: true}, false)
	}
	for _, s := range p.Sources {
		claim(s.Relation, owner{pos: s.Pos}, true)
	}
	return diags
}

func relationFor(targetSchema string, c models.Config, name string) models.Relation {
	schema := targetSchema
	if c.Schema != "" {
		// dbt's generate_schema_name: a custom schema is appended to the
		// target's, so that developers do not collide in production.
		schema = targetSchema + "_" + c.Schema
	}
	if c.Alias != "" {
		name = c.Alias
	}
	return models.Relation{Schema: schema, Name: name}
}

// fqn is dbt's fully qualified name of a file's node: the project, the
// folders under root, and the node's name.
func fqn(project, rel, root string) []string {
	return append([]string{project}, fqnParts(rel, root)...)
}

// fqnParts returns the folders under root and the file's base name:
// models/staging/stg_orders.sql → [staging stg_orders].
func fqnParts(rel, root string) []string {
	rel = strings.TrimPrefix(rel, root+"/")
	parts := strings.Split(rel, "/")
	last := parts[len(parts)-1]
	parts[len(parts)-1] = strings.TrimSuffix(strings.TrimSuffix(last, ".sql"), ".csv")
	return parts
}

// existsUnder says whether an fqn path names a folder or file among files.
func existsUnder(files []string, root string) func([]string) bool {
	set := map[string]bool{}
	for _, f := range files {
		parts := fqnParts(f, root)
		for i := 1; i <= len(parts); i++ {
			set[strings.Join(parts[:i], "/")] = true
		}
	}
	return func(parts []string) bool { return set[strings.Join(parts, "/")] }
}

// childrenUnder lists the names directly below an fqn path.
func childrenUnder(files []string, root string) func([]string) []string {
	return func(parent []string) []string {
		seen := map[string]bool{}
		for _, f := range files {
			parts := fqnParts(f, root)
			if len(parts) > len(parent) && slices.Equal(parts[:len(parent)], parent) {
				seen[parts[len(parent)]] = true
			}
		}
		out := make([]string, 0, len(seen))
		for k := range seen {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
}

// identSuggestion is name made an identifier.
func identSuggestion(name string) string {
	s := strings.Map(identChar, name)
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	return s
}

func identChar(r rune) rune {
	if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
		return r
	}
	return '_'
}

// parallel runs f(0..n-1) on GOMAXPROCS workers.
func parallel(n int, f func(i int)) { parallelN(n, runtime.GOMAXPROCS(0), f) }

// ioWorkers is how many files are written at once: creating a file waits
// on the filesystem more than on the CPU (in the sandbox kiln is built in,
// 4 writers create files twice as fast as 1).
const ioWorkers = 8

// parallelN runs f(0..n-1) on at most workers goroutines.
func parallelN(n, workers int, f func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
