package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// ProjectFile is the name of a project's configuration file.
const ProjectFile = "kiln.yml"

// ErrNoProject is returned when no kiln.yml is found.
var ErrNoProject = errors.New("no kiln.yml found")

// Options say which project to load and how.
type Options struct {
	Dir     string         // the project directory
	Target  string         // --target; empty means the profile's default
	Vars    map[string]any // --vars; override kiln.yml's vars
	Threads int            // --threads; 0 means the target's
	// Env looks up environment variables; nil means os.LookupEnv.
	Env func(string) (string, bool)
	// Dialects format relation names, by target type; a type missing here
	// gets ANSI double quotes.
	Dialects map[string]Dialect
	// Analyzer parses the rendered SQL (DuckDB's parser, wired by cmd);
	// nil compiles without understanding the SQL.
	Analyzer Analyzer
	// Strict makes a model the parser cannot read an error instead of a
	// warning.
	Strict bool
	// Defer maps model and seed names to the relation that ref renders for
	// them instead of their own: kiln run --defer reads the models it does
	// not build from another run's relations (see State.DeferRelations).
	Defer map[string]models.Relation
	// BindAll has DuckDB bind every model's types, even those kiln's own
	// analysis knows; tests compare the two.
	BindAll bool
	// Inputs are the project's files already read (ReadInputs); nil reads
	// them from Dir. Compile releases their content when done.
	Inputs *Inputs
}

// Dialect is what the compiler needs to know of the target's SQL dialect.
// The engines in dialects/ implement it; cmd wires one in.
type Dialect interface {
	// Name is the dialect's name, e.g. "duckdb".
	Name() string
	// QuoteRelation renders a relation as the target expects it in SQL.
	QuoteRelation(models.Relation) string
}

// FindProjectDir returns dir or the nearest parent that holds kiln.yml.
func FindProjectDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ProjectFile)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%w in %s or any parent directory", ErrNoProject, abs)
		}
	}
}

// projectFile mirrors kiln.yml.
type projectFile struct {
	Name       string         `yaml:"name"`
	Version    any            `yaml:"version"`
	Dialect    string         `yaml:"dialect"`
	Profile    *profileFile   `yaml:"profile"`
	Vars       map[string]any `yaml:"vars"`
	Models     yaml.Node      `yaml:"models"`
	Seeds      yaml.Node      `yaml:"seeds"`
	OnRunStart stringOrList   `yaml:"on-run-start"`
	OnRunEnd   stringOrList   `yaml:"on-run-end"`
}

type profileFile struct {
	Target  string                `yaml:"target"`
	Targets map[string]targetFile `yaml:"targets"`
}

type targetFile struct {
	Type    string `yaml:"type"`
	Path    string `yaml:"path"`
	DSN     string `yaml:"dsn"`
	Schema  string `yaml:"schema"`
	Threads int    `yaml:"threads"`
}

// stringOrList accepts a single string or a list of strings.
type stringOrList []string

func (s *stringOrList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = []string{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// The engines kiln can run on.
var targetTypes = []string{"duckdb", "postgres"}

// loadProjectFile reads kiln.yml and resolves the active target and vars.
func loadProjectFile(opts Options, env func(string) (string, bool)) (*models.Project, *projectFile, map[string]bool, models.Diagnostics) {
	data, err := os.ReadFile(filepath.Join(opts.Dir, ProjectFile))
	if err != nil {
		return nil, nil, nil, models.Diagnostics{{Pos: models.Pos{File: ProjectFile}, Severity: models.Error,
			Message: fmt.Sprintf("cannot read project file: %v", err), Hint: "run kiln init DIR to start a project"}}
	}
	doc, diags := parseYAML(ProjectFile, data)
	if diags.HasErrors() {
		return nil, nil, nil, diags
	}
	if doc == nil {
		return nil, nil, nil, models.Diagnostics{{Pos: models.Pos{File: ProjectFile}, Severity: models.Error,
			Message: "project file is empty", Hint: "it needs at least name: my_project"}}
	}
	in := &interpolator{file: ProjectFile, env: env, secrets: map[string]bool{}}

	// Vars may use ${env:…}, and ${var:…} of other vars as written (or as
	// given on the command line); command-line vars override them.
	vars := map[string]any{}
	if vn := mapGet(doc, "vars"); vn != nil {
		datesAsStrings(vn)
		// A var may name a var that names another: resolve until nothing
		// changes (a loop of vars stops after a few rounds, unresolved).
		var last models.Diagnostics
		for range 8 {
			written := map[string]any{}
			if err := vn.Decode(&written); err != nil {
				break
			}
			maps.Copy(written, opts.Vars)
			in.vars, in.changed, in.untyped = written, 0, true
			last = in.node(vn, "vars", func(string) bool { return false })
			in.untyped = false
			if in.changed == 0 {
				break
			}
		}
		diags = append(diags, last...)
		if !last.HasErrors() {
			diags = append(diags, varLoops(vn, "vars")...)
		}
		if err := vn.Decode(&vars); err != nil {
			diags = append(diags, yamlErrors(ProjectFile, vn, err)...)
		}
	}
	for k, v := range opts.Vars {
		vars[k] = v
	}
	in.vars = vars

	// Only the active target is interpolated: a production DSN whose variable
	// is unset must not stop a development run.
	active := opts.Target
	if active == "" {
		if t := mapGet(mapGet(doc, "profile"), "target"); t != nil {
			active = t.Value
		}
	}
	skip := func(path string) bool {
		if path == "vars" {
			return true // done above
		}
		rest, ok := strings.CutPrefix(path, "profile.targets.")
		if !ok {
			return false
		}
		name, _, _ := strings.Cut(rest, ".")
		return name != active
	}
	diags = append(diags, in.node(doc, "", skip)...)

	var pf projectFile
	diags = append(diags, decodeStrict(ProjectFile, doc, &pf)...)
	if diags.HasErrors() { // kiln.yml steers everything else: stop here
		return nil, nil, nil, diags
	}
	if pf.Name == "" {
		diags = append(diags, models.Diagnostic{Pos: models.Pos{File: ProjectFile, Line: 1, Col: 1}, Severity: models.Error,
			Message: "project has no name", Hint: "add name: my_project"})
	}

	p := &models.Project{Name: pf.Name, Dir: opts.Dir, Vars: vars, OnRunStart: pf.OnRunStart, OnRunEnd: pf.OnRunEnd, Targets: map[string]models.Target{}}
	defaultTarget := "dev"
	if pf.Profile != nil {
		tnode := mapGet(mapGet(doc, "profile"), "targets")
		for name, tf := range pf.Profile.Targets {
			t := models.Target{Name: name, Type: tf.Type, Path: tf.Path, DSN: tf.DSN, Schema: tf.Schema, Threads: tf.Threads}
			pos := models.Pos{File: ProjectFile}
			if n := mapGet(tnode, name); n != nil {
				pos = posOf(ProjectFile, n)
			}
			if !slices.Contains(targetTypes, t.Type) {
				diags = append(diags, models.Diagnostic{Pos: pos, Severity: models.Error,
					Message: fmt.Sprintf("target %q has unknown type %q", name, t.Type),
					Hint:    cmpHint(suggest.Hint(t.Type, targetTypes), "valid types: "+strings.Join(targetTypes, ", "))})
			}
			t = withTargetDefaults(t)
			if cat := duckdbCatalog(t); cat != "" && strings.EqualFold(cat, t.Schema) && (name == opts.Target || opts.Target == "" && name == pf.Profile.Target) {
				diags = append(diags, models.Diagnostic{Pos: pos, Severity: models.Error,
					Message: fmt.Sprintf("target %q: schema %q has the name DuckDB gives the database file %s, so DuckDB cannot tell them apart in %q.\"table\"", name, t.Schema, t.Path, t.Schema),
					Hint:    "rename the schema or the file, e.g. path: target/" + t.Schema + "_db.duckdb"})
			}
			p.Targets[name] = t
		}
		if pf.Profile.Target != "" {
			defaultTarget = pf.Profile.Target
		}
		if _, ok := p.Targets[defaultTarget]; !ok && len(p.Targets) > 0 {
			diags = append(diags, models.Diagnostic{Pos: posOf(ProjectFile, mapGet(doc, "profile")), Severity: models.Error,
				Message: fmt.Sprintf("default target %q is not among profile.targets", defaultTarget),
				Hint:    cmpHint(suggest.Hint(defaultTarget, targetNames(p.Targets)), "targets: "+strings.Join(targetNames(p.Targets), ", "))})
		}
	}
	if len(p.Targets) == 0 {
		p.Targets["dev"] = withTargetDefaults(models.Target{Name: "dev", Type: "duckdb"})
	}
	if active == "" {
		active = defaultTarget
	}
	t, ok := p.Targets[active]
	if !ok {
		diags = append(diags, models.Diagnostic{Pos: models.Pos{File: ProjectFile}, Severity: models.Error,
			Message: fmt.Sprintf("unknown target %q", active),
			Hint:    cmpHint(suggest.Hint(active, targetNames(p.Targets)), "targets: "+strings.Join(targetNames(p.Targets), ", "))})
	}
	if opts.Threads > 0 {
		t.Threads = opts.Threads
	}
	p.Target = t
	p.Dialect = pf.Dialect
	if p.Dialect == "" {
		p.Dialect = p.Targets[defaultTarget].Type
	} else if !slices.Contains(targetTypes, p.Dialect) {
		diags = append(diags, models.Diagnostic{Pos: posOf(ProjectFile, mapGet(doc, "dialect")), Severity: models.Error,
			Message: fmt.Sprintf("unknown dialect %q", p.Dialect),
			Hint:    cmpHint(suggest.Hint(p.Dialect, targetTypes), "models can be written in "+strings.Join(targetTypes, " or "))})
	}
	secrets := in.secrets
	return p, &pf, secrets, diags
}

// varLoops reports the ${var:…} references left in vars once resolved:
// vars that refer to each other in a loop, or to themselves.
func varLoops(n *yaml.Node, path string) models.Diagnostics {
	var diags models.Diagnostics
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			diags = append(diags, varLoops(n.Content[i+1], path+"."+n.Content[i].Value)...)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			diags = append(diags, varLoops(c, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case yaml.ScalarNode:
		if m := interpolationRE.FindStringSubmatch(n.Value); m != nil && m[1] == "var" {
			diags = append(diags, models.Diagnostic{Pos: posOf(ProjectFile, n), Severity: models.Error,
				Message: fmt.Sprintf("%s never resolves: %s refers back to it", path, m[0]),
				Hint:    "vars may refer to other vars, but not in a loop"})
		}
	}
	return diags
}

// duckdbCatalog is the name DuckDB gives a target's database file: its base
// name up to the first dot ("target/dev.duckdb" is "dev"); "" for other
// engines.
func duckdbCatalog(t models.Target) string {
	if t.Type != "duckdb" || t.Path == "" || t.Path == ":memory:" {
		return ""
	}
	name, _, _ := strings.Cut(filepath.Base(t.Path), ".")
	return name
}

func withTargetDefaults(t models.Target) models.Target {
	if t.Type == "duckdb" && t.Path == "" {
		t.Path = "target/" + t.Name + ".duckdb"
	}
	if t.Schema == "" {
		if t.Type == "postgres" {
			t.Schema = "public"
		} else {
			t.Schema = "main"
		}
	}
	if t.Threads <= 0 {
		t.Threads = 4
	}
	return t
}

func targetNames(m map[string]models.Target) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// projectFiles lists the files of a project by kind, relative to its
// directory with forward slashes, sorted.
type projectFiles struct {
	Models     []string // models/**/*.sql
	Properties []string // models/**/*.yml, seeds/**/*.yml
	Seeds      []string // seeds/**/*.csv
	Macros     []string // macros/**/*.sql
	Tests      []string // tests/**/*.sql
}

func findFiles(dir string) (projectFiles, error) {
	var pf projectFiles
	walk := func(sub string, visit func(rel string)) error {
		root := filepath.Join(dir, sub)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			visit(filepath.ToSlash(rel))
			return nil
		})
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	isYAML := func(rel string) bool { return strings.HasSuffix(rel, ".yml") || strings.HasSuffix(rel, ".yaml") }
	if err := walk("models", func(rel string) {
		switch {
		case strings.HasSuffix(rel, ".sql"):
			pf.Models = append(pf.Models, rel)
		case isYAML(rel):
			pf.Properties = append(pf.Properties, rel)
		}
	}); err != nil {
		return pf, err
	}
	if err := walk("seeds", func(rel string) {
		switch {
		case strings.HasSuffix(rel, ".csv"):
			pf.Seeds = append(pf.Seeds, rel)
		case isYAML(rel):
			pf.Properties = append(pf.Properties, rel)
		}
	}); err != nil {
		return pf, err
	}
	if err := walk("macros", func(rel string) {
		if strings.HasSuffix(rel, ".sql") {
			pf.Macros = append(pf.Macros, rel)
		}
	}); err != nil {
		return pf, err
	}
	if err := walk("tests", func(rel string) {
		if strings.HasSuffix(rel, ".sql") {
			pf.Tests = append(pf.Tests, rel)
		}
	}); err != nil {
		return pf, err
	}
	return pf, nil
}
