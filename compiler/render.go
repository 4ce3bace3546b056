package compiler

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// targetInfo is what {{ target }} exposes to templates: Name, Type, Schema
// and Threads (SPEC §3), also spelled as in dbt (target.name, …).
func targetInfo(t models.Target) map[string]any {
	return map[string]any{
		"Name": t.Name, "Type": t.Type, "Schema": t.Schema, "Threads": t.Threads,
		"name": t.Name, "type": t.Type, "schema": t.Schema, "threads": t.Threads,
	}
}

// MacroArgs is the data a macro called with {{ macro "name" a b }} sees as
// its dot: {{ index .Args 0 }}.
type MacroArgs struct {
	Args []any
}

// String is what {{ . }} prints in a macro called with {{ macro }}: its
// arguments, as a Jinja user expects of a macro's parameter, rather than
// Go's {[x]}.
func (a MacroArgs) String() string {
	parts := make([]string, len(a.Args))
	for i, v := range a.Args {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

// hintError is an error raised by a template function, with a hint for the
// person who wrote the call.
type hintError struct {
	msg, hint string
}

func (e *hintError) Error() string { return e.msg }

// renderer renders model templates for one project and target. It is safe
// for concurrent use.
type renderer struct {
	funcs    template.FuncMap // sprig's and kiln's, shared by every model
	macros   map[string]*parse.Tree
	macroDep map[string]*deps
	project  *models.Project
	dialect  Dialect
	env      func(string) (string, bool)
	models   map[string]*models.Model
	sources  map[string]*models.Source // "source.table"
	seeds    map[string]*models.Seed
	trees    map[string]*parsedTemplate // by model name
	varNames []string
	deferred map[string]models.Relation // Options.Defer
}

// maxMacroDepth bounds macro recursion, which text/template does not see
// across separate executions.
const maxMacroDepth = 64

func newRenderer(p *models.Project, d Dialect, env func(string) (string, bool), macros []*parsedTemplate) (*renderer, error) {
	r := &renderer{project: p, dialect: d, env: env,
		macros: map[string]*parse.Tree{}, macroDep: map[string]*deps{},
		models: map[string]*models.Model{}, sources: map[string]*models.Source{}, seeds: map[string]*models.Seed{}}
	for _, m := range p.Models {
		r.models[m.Name] = m
	}
	for _, s := range p.Sources {
		r.sources[s.SourceName+"."+s.Name] = s
	}
	for _, s := range p.Seeds {
		r.seeds[s.Name] = s
	}
	r.varNames = varPaths(p.Vars, "")
	sort.Strings(r.varNames)
	for _, m := range macros {
		for name, tree := range m.Trees {
			if name != m.File { // the file's own text outside of defines
				r.macros[name] = tree
				r.macroDep[name] = m.ByTree[name]
			}
		}
	}

	funcs := template.FuncMap{}
	for k, v := range sprigFuncs {
		funcs[k] = v
	}
	funcs["ref"] = r.ref
	funcs["source"] = r.source
	funcs["config"] = func(...any) string { return "" }
	funcs["var"] = r.variable
	funcs["env"] = r.envVar
	funcs["target"] = func() map[string]any { return targetInfo(p.Target) } // a fresh map: sprig's set could change it
	r.funcs = funcs
	return r, nil
}

// renderOptions vary one rendering of a model.
type renderOptions struct {
	Incremental bool // what {{ is_incremental }} returns
	// Funcs replace template functions for this rendering: a unit test
	// points ref and source at its given rows (unittest.go).
	Funcs map[string]any
}

// render executes a model's template. Errors come back as diagnostics
// positioned in the model file.
//
// Each rendering gets a template holding only the trees it can reach (the
// model's and the macros it calls) and only the functions those trees call:
// copying every sprig function for each of thousands of models would cost
// more than rendering them.
func (r *renderer) render(m *models.Model, opts renderOptions) (string, *models.Diagnostic) {
	pt := r.trees[m.Name]
	if pt == nil {
		return "", &models.Diagnostic{Pos: models.Pos{File: m.Path}, Severity: models.Error,
			Message: fmt.Sprintf("model %s cannot be rendered again: kiln keeps only incremental models' templates after compiling", m.Name)}
	}
	trees := make(map[string]*parse.Tree, len(pt.Trees)+4)
	used := map[string]bool{}
	for name, tree := range pt.Trees {
		trees[name] = tree
	}
	for f := range pt.Funcs {
		used[f] = true
	}
	queue := append([]models.Ref(nil), pt.Calls...)
	for len(queue) > 0 {
		name := queue[0].Name
		queue = queue[1:]
		if _, ok := trees[name]; ok {
			continue
		}
		tree, ok := r.macros[name]
		if !ok {
			continue // reported by inheritMacroDeps
		}
		trees[name] = tree
		d := r.macroDep[name]
		for f := range d.Funcs {
			used[f] = true
		}
		queue = append(queue, d.Calls...)
	}

	var t *template.Template
	depth := 0
	thisRel := r.relationSQL(m)
	funcs := make(template.FuncMap, len(used))
	for name := range used {
		if f, ok := opts.Funcs[name]; ok {
			funcs[name] = f
			continue
		}
		switch name {
		case "this":
			funcs[name] = func() string { return thisRel }
		case "is_incremental":
			funcs[name] = func() bool { return opts.Incremental }
		case "macro":
			funcs[name] = func(name string, args ...any) (string, error) {
				if depth++; depth > maxMacroDepth {
					return "", &hintError{msg: fmt.Sprintf("macro %q calls itself more than %d levels deep", name, maxMacroDepth), hint: "look for a macro that calls itself without an end"}
				}
				defer func() { depth-- }()
				if t.Lookup(name) == nil {
					return "", &hintError{msg: fmt.Sprintf("unknown macro %q", name), hint: suggest.Hint(name, r.macroNames())}
				}
				var b strings.Builder
				err := t.ExecuteTemplate(&b, name, MacroArgs{Args: args})
				return b.String(), err
			}
		default:
			if f, ok := r.funcs[name]; ok {
				funcs[name] = f
			}
		}
	}
	t = template.New(m.Path).Option("missingkey=error").Funcs(funcs)
	for name, tree := range trees {
		if _, err := t.AddParseTree(name, tree); err != nil {
			return "", &models.Diagnostic{Pos: models.Pos{File: m.Path}, Severity: models.Error, Message: err.Error()}
		}
	}
	var b strings.Builder
	b.Grow(len(m.Raw) + 256)
	if err := t.ExecuteTemplate(&b, m.Path, nil); err != nil {
		d := execDiagnostic(m.Path, err)
		return "", &d
	}
	out := b.String()
	if i := strings.Index(out, "<no value>"); i >= 0 {
		// text/template prints a missing value as "<no value>": in SQL it
		// is a wrong value, never what the author meant.
		return "", &models.Diagnostic{Pos: models.Pos{File: m.Path, Line: strings.Count(out[:i], "\n") + 1}, Severity: models.Error,
			Message: "the template printed <no value>: it used a value that was never given",
			Hint:    `{{ template "name" }} passes no data to the macro's {{ . }}: pass it, {{ template "name" "x" }}, or call {{ macro "name" "x" }}`}
	}
	return out, nil
}

// renderHook renders a hook (a model's pre_hook or post_hook, or the
// project's on-run-start and on-run-end) when it holds a template: it may
// use this (the model's relation; "" for the project's hooks), target, var,
// env, ref, source and sprig's functions. pt is its parse, for the caller
// to check.
func (r *renderer) renderHook(name, hook, this string) (out string, pt *parsedTemplate, err error) {
	if !strings.Contains(hook, "{{") {
		return hook, nil, nil
	}
	pt = parseTemplate(name, hook)
	if len(pt.Diags) > 0 {
		return "", pt, errors.New(pt.Diags[0].Message)
	}
	funcs := template.FuncMap{}
	for f := range pt.Funcs {
		switch f {
		case "this":
			if this == "" {
				return "", pt, errors.New("{{ this }} names a model: the project's hooks have none")
			}
			funcs[f] = func() string { return this }
		case "is_incremental":
			funcs[f] = func() bool { return false }
		case "macro":
			return "", pt, errors.New("hooks cannot call macros; write the SQL in the hook")
		default:
			if fn, ok := r.funcs[f]; ok {
				funcs[f] = fn
			}
		}
	}
	t := template.New(name).Option("missingkey=error").Funcs(funcs)
	for n, tree := range pt.Trees {
		if _, err := t.AddParseTree(n, tree); err != nil {
			return "", pt, err
		}
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, nil); err != nil {
		var he *hintError
		if errors.As(err, &he) {
			return "", pt, he
		}
		return "", pt, err
	}
	return b.String(), pt, nil
}

// varPaths lists every var's name, and the dotted names of the values in
// maps ("finance.currency"), for did-you-mean hints.
func varPaths(vars map[string]any, prefix string) []string {
	var out []string
	for k, v := range vars {
		out = append(out, prefix+k)
		if sub, ok := v.(map[string]any); ok {
			out = append(out, varPaths(sub, prefix+k+".")...)
		}
	}
	return out
}

func (r *renderer) macroNames() []string {
	names := make([]string, 0, len(r.macros))
	for name := range r.macros {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// relationSQL is how other models refer to m: its quoted relation, or for an
// ephemeral model the name of the CTE it is inlined as.
func (r *renderer) relationSQL(m *models.Model) string {
	if m.Config.Materialized == models.Ephemeral {
		return cteName(m.Name)
	}
	return r.quote(m.Relation)
}

func cteName(model string) string { return "__kiln_cte__" + model }

func (r *renderer) quote(rel models.Relation) string {
	if r.dialect != nil {
		return r.dialect.QuoteRelation(rel)
	}
	return ansiQuote(rel)
}

// ansiQuote quotes each part of a relation with double quotes.
func ansiQuote(rel models.Relation) string {
	var parts []string
	for _, p := range []string{rel.Database, rel.Schema, rel.Name} {
		if p != "" {
			parts = append(parts, `"`+strings.ReplaceAll(p, `"`, `""`)+`"`)
		}
	}
	return strings.Join(parts, ".")
}

func (r *renderer) ref(name string) (string, error) {
	if rel, ok := r.deferred[name]; ok {
		return r.quote(rel), nil
	}
	if m, ok := r.models[name]; ok {
		return r.relationSQL(m), nil
	}
	if s, ok := r.seeds[name]; ok {
		return r.quote(s.Relation), nil
	}
	return "", &hintError{msg: fmt.Sprintf("unknown model %q", name)}
}

func (r *renderer) source(src, table string) (string, error) {
	if s, ok := r.sources[src+"."+table]; ok {
		return r.quote(s.Relation), nil
	}
	return "", &hintError{msg: fmt.Sprintf("unknown source %q", src+"."+table)}
}

func (r *renderer) variable(name string, def ...any) (any, error) {
	v, ok := lookupVar(r.project.Vars, name)
	if ok && v != nil {
		return v, nil
	}
	if len(def) > 0 {
		return def[0], nil
	}
	if ok { // null: text/template would print "<no value>" into the SQL
		return nil, &hintError{msg: fmt.Sprintf("variable %q is null", name),
			hint: fmt.Sprintf(`give it a value, or a default: {{ var %q "value" }}`, name)}
	}
	return nil, &hintError{msg: fmt.Sprintf("variable %q is not defined", name),
		hint: cmpHint(suggest.Hint(name, r.varNames), fmt.Sprintf(`define it under vars: in kiln.yml, pass --vars '%s: value', or give a default: {{ var %q "value" }}`, name, name))}
}

func (r *renderer) envVar(name string, def ...string) (string, error) {
	env := r.env
	if env == nil {
		env = os.LookupEnv
	}
	if v, ok := env(name); ok {
		return v, nil
	}
	if len(def) > 0 {
		return def[0], nil
	}
	return "", &hintError{msg: fmt.Sprintf("environment variable %s is not set", name),
		hint: fmt.Sprintf(`set it, or give a default: {{ env %q "value" }}`, name)}
}

var execErrRE = regexp.MustCompile(`^template: (.*?):(\d+):(\d+): executing "[^"]*" at <(.*?)>: (.*)$`)
var callPrefixRE = regexp.MustCompile(`^error calling \w+: `)

// execDiagnostic positions an execution error of text/template in the
// model's file. Errors inside a macro point at the macro's file.
func execDiagnostic(file string, err error) models.Diagnostic {
	d := models.Diagnostic{Pos: models.Pos{File: file}, Severity: models.Error, Message: err.Error()}
	var he *hintError
	if errors.As(err, &he) {
		d.Hint = he.hint
	}
	m := execErrRE.FindStringSubmatch(firstLine(err.Error()))
	if m == nil {
		return d
	}
	d.Pos.File = m[1]
	d.Pos.Line, _ = strconv.Atoi(m[2])
	d.Pos.Col, _ = strconv.Atoi(m[3])
	d.Pos.Col++ // text/template counts columns from 0
	msg := callPrefixRE.ReplaceAllString(m[5], "")
	if execErrRE.MatchString(msg) { // an error inside a macro run by {{ macro }}
		inner := execDiagnostic(file, errors.New(msg))
		if he != nil {
			inner.Message, inner.Hint = he.msg, he.hint
		}
		// The call is what the author can change: point at it, and say
		// where in the macro it went wrong.
		if strings.HasPrefix(m[4], "macro ") {
			call := m[4]
			d.Message = fmt.Sprintf("%s failed at %s: %s", call, inner.Pos, inner.Message)
			d.Hint = inner.Hint
			if strings.Contains(inner.Message, "index out of range") {
				d.Hint = "the macro reads an argument (index .Args n) that this call does not pass: check how many it takes"
			}
			return d
		}
		return inner
	}
	if strings.Contains(msg, "can't evaluate field Args") {
		d.Hint = `a macro that reads .Args is called with {{ macro "name" arg1 arg2 }}, not {{ template "name" … }}`
	}
	if he != nil {
		msg = he.msg
	}
	d.Message = msg
	if strings.Contains(msg, "map has no entry for key") {
		d.Hint = "the key does not exist; check the spelling, or use sprig's default: {{ .x | default \"y\" }}"
	}
	return d
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
