package compiler

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/Masterminds/sprig/v3"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// kilnFuncNames are the template functions kiln adds to sprig's (SPEC §3).
var kilnFuncNames = []string{"ref", "source", "config", "var", "env", "this", "is_incremental", "target", "macro"}

// sprigFuncs is built once: sprig allocates a new map on every call.
var sprigFuncs = sprig.TxtFuncMap()

// parseFuncs is the function table templates are parsed against. Parsing
// only asks whether a name exists, so kiln's entries are placeholders.
var parseFuncs = func() template.FuncMap {
	m := template.FuncMap{}
	for k, v := range sprigFuncs {
		m[k] = v
	}
	for _, name := range kilnFuncNames {
		m[name] = func(...any) string { return "" }
	}
	return m
}()

// parsedTemplate is one model (or macro) file after parsing, with what a
// static walk of its parse tree found.
type parsedTemplate struct {
	File  string
	Trees map[string]*parse.Tree // the file's own tree (named File) and its defines
	deps                         // of all trees together
	// ByTree holds the dependencies of each tree, for macros.
	ByTree map[string]*deps
	Diags  models.Diagnostics
}

// deps is what a static walk finds in a tree.
type deps struct {
	Refs    []models.Ref
	Sources []models.SourceRef
	Config  []configValue
	Calls   []models.Ref    // templates and macros called by name
	Funcs   map[string]bool // every function the tree calls, to build its function table
}

// parseTemplate parses text and walks every branch of its tree.
func parseTemplate(file, text string) *parsedTemplate {
	pt := &parsedTemplate{File: file}
	trees, err := parse.Parse(file, text, "", "", parseFuncs, builtinNames)
	if err != nil {
		pt.Diags = append(pt.Diags, templateParseError(file, text, err))
		return pt
	}
	pt.Trees = trees
	if strings.Contains(text, "{%") || strings.Contains(text, "{#") {
		pt.Diags = append(pt.Diags, jinjaTags(file, text)...)
	}
	pt.ByTree = make(map[string]*deps, len(trees))
	names := make([]string, 0, len(trees))
	for name := range trees {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tree := trees[name]
		w := &walker{pt: pt, tree: tree, d: &deps{Funcs: map[string]bool{}}}
		if tree.Root != nil {
			w.node(tree.Root)
		}
		pt.ByTree[name] = w.d
		pt.Refs = append(pt.Refs, w.d.Refs...)
		pt.Sources = append(pt.Sources, w.d.Sources...)
		pt.Config = append(pt.Config, w.d.Config...)
		pt.Calls = append(pt.Calls, w.d.Calls...)
		if pt.Funcs == nil {
			pt.Funcs = map[string]bool{}
		}
		for f := range w.d.Funcs {
			pt.Funcs[f] = true
		}
	}
	return pt
}

// builtinNames lets the parser accept text/template's builtin functions.
var builtinNames = map[string]any{
	"and": fmt.Sprint, "call": fmt.Sprint, "html": fmt.Sprint, "index": fmt.Sprint, "slice": fmt.Sprint,
	"js": fmt.Sprint, "len": fmt.Sprint, "not": fmt.Sprint, "or": fmt.Sprint, "print": fmt.Sprint,
	"printf": fmt.Sprint, "println": fmt.Sprint, "urlquery": fmt.Sprint, "eq": fmt.Sprint, "ge": fmt.Sprint,
	"gt": fmt.Sprint, "le": fmt.Sprint, "lt": fmt.Sprint, "ne": fmt.Sprint,
}

var parseErrRE = regexp.MustCompile(`^template: (.*?):(\d+):(?:(\d+):)? (.*)$`)
var undefinedFuncRE = regexp.MustCompile(`^function "([^"]+)" not defined$`)

// templateParseError turns text/template's parse error into a diagnostic
// with a column and, for an unknown function, the closest known names.
func templateParseError(file, text string, err error) models.Diagnostic {
	d := models.Diagnostic{Pos: models.Pos{File: file}, Severity: models.Error, Message: err.Error()}
	m := parseErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return d
	}
	line, _ := strconv.Atoi(m[2])
	d.Pos.Line = line
	d.Message = "template: " + m[4]
	lineText := nthLine(text, line)
	if m[3] != "" {
		d.Pos.Col, _ = strconv.Atoi(m[3])
	} else if i := strings.Index(lineText, "{{"); i >= 0 {
		d.Pos.Col = i + 1
	} else {
		d.Pos.Col = 1
	}
	d.Hint = "check the {{ … }} on this line: every action needs its closing }} and every string its closing quote"
	if m[4] == "unexpected EOF" {
		if open, l, c := unclosedBlock(text); open != "" {
			d.Pos.Line, d.Pos.Col = l, c
			d.Message = fmt.Sprintf("template: {{ %s }} is never closed", open)
			d.Hint = "add {{ end }} where the " + open + " block ends"
			return d
		}
	}
	if h := jinjaHint(m[4], lineText); h != "" {
		d.Hint = h
		return d
	}
	if fm := undefinedFuncRE.FindStringSubmatch(m[4]); fm != nil {
		if i := strings.Index(lineText, fm[1]); i >= 0 {
			d.Pos.Col = i + 1
		}
		d.Message = fmt.Sprintf("template: unknown function %q", fm[1])
		names := make([]string, 0, len(parseFuncs))
		for n := range parseFuncs {
			names = append(names, n)
		}
		for n := range builtinNames {
			names = append(names, n)
		}
		d.Hint = cmpHint(suggest.Hint(fm[1], names), "kiln's functions: "+strings.Join(kilnFuncNames, ", "))
	}
	return d
}

// unclosedBlock finds the innermost {{ if }}, {{ range }}, {{ with }},
// {{ define }} or {{ block }} of text that no {{ end }} closes, and where
// it starts (line and column from 1).
func unclosedBlock(text string) (word string, line, col int) {
	type block struct {
		word      string
		line, col int
	}
	var stack []block
	for i := 0; ; {
		j := strings.Index(text[i:], "{{")
		if j < 0 {
			break
		}
		start := i + j
		k := strings.Index(text[start:], "}}")
		if k < 0 {
			break
		}
		action := strings.TrimSpace(strings.Trim(text[start+2:start+k], "-"))
		i = start + k + 2
		if strings.HasPrefix(action, "/*") {
			continue
		}
		first, _, _ := strings.Cut(action, " ")
		switch first {
		case "if", "range", "with", "define", "block":
			l := strings.Count(text[:start], "\n") + 1
			c := start - strings.LastIndexByte(text[:start], '\n')
			stack = append(stack, block{first, l, c})
		case "end":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return "", 0, 0
	}
	b := stack[len(stack)-1]
	return b.word, b.line, b.col
}

// jinjaCallRE finds a Jinja-style call of a kiln function: ref('x').
var jinjaCallRE = regexp.MustCompile(`\b(ref|source|var|config|env|is_incremental|this|target|macro)\s*\(`)

// jinjaWords are Jinja's block words, with how a Go template says them.
var jinjaWords = map[string]string{
	"elif": `{{ else if … }}`, "endif": `{{ end }}`, "endfor": `{{ end }}`, "endmacro": `{{ end }}`,
	"for": `{{ range $x := … }} … {{ end }}`, "set": `{{ $x := … }}`, "loop": `$i in {{ range $i, $x := … }}`,
	"endset": `{{ end }}`, "macro": `{{ define "name" }} … {{ end }} in macros/`,
}

// jinjaHint is a hint for a template error that comes from writing Jinja,
// as dbt users do, or "".
func jinjaHint(msg, line string) string {
	switch {
	case strings.Contains(msg, `unexpected "(" in operand`) && jinjaCallRE.MatchString(line):
		return `kiln templates are Go templates, not Jinja: arguments follow the name, separated by spaces, strings in double quotes: {{ ref "orders" }}, {{ var "x" "default" }}, {{ config "materialized" "table" }}, {{ if is_incremental }}`
	case strings.Contains(msg, `unexpected "=" in operand`) || strings.Contains(msg, `unexpected "!" in operand`):
		return `compare with functions: {{ if eq target.Name "dev" }}, {{ if ne $x 0 }}, {{ if and $a $b }}`
	}
	if fm := undefinedFuncRE.FindStringSubmatch(msg); fm != nil {
		if w, ok := jinjaWords[fm[1]]; ok {
			return "kiln templates are Go templates, not Jinja: write " + w
		}
	}
	return ""
}

// jinjaTagRE finds Jinja's statement and comment tags, which a Go
// template leaves in the SQL as text.
var jinjaTagRE = regexp.MustCompile(`\{%-?\s*(if|elif|else|endif|for|endfor|set|endset|macro|endmacro|call|endcall|block|endblock|raw|endraw|do)\b|\{#`)

// jinjaTags reports Jinja tags in a template: {% if %} would reach the
// database as SQL text.
func jinjaTags(file, text string) models.Diagnostics {
	var diags models.Diagnostics
	for _, loc := range jinjaTagRE.FindAllStringIndex(text, 3) {
		line := strings.Count(text[:loc[0]], "\n") + 1
		col := loc[0] - strings.LastIndexByte(text[:loc[0]], '\n')
		hint := `kiln templates are Go templates, not Jinja: write {{ if … }} … {{ else }} … {{ end }}, {{ range $x := … }} … {{ end }}, {{ $x := … }}`
		if strings.HasPrefix(text[loc[0]:], "{#") {
			hint = "a template comment is {{/* … */}}; a SQL comment is -- …"
		}
		diags = append(diags, models.Diagnostic{Pos: models.Pos{File: file, Line: line, Col: col}, Severity: models.Error,
			Message: "Jinja tag " + strings.TrimSpace(text[loc[0]:loc[1]]) + " in a kiln template", Hint: hint})
	}
	return diags
}

func nthLine(text string, n int) string {
	for i := 1; i < n; i++ {
		j := strings.IndexByte(text, '\n')
		if j < 0 {
			return ""
		}
		text = text[j+1:]
	}
	if j := strings.IndexByte(text, '\n'); j >= 0 {
		return text[:j]
	}
	return text
}

// walker visits every node of a tree, including branches that a given
// rendering would not take, to find ref, source, config and macro calls.
type walker struct {
	pt   *parsedTemplate
	tree *parse.Tree
	d    *deps
}

func (w *walker) pos(n parse.Node) models.Pos {
	loc, _ := w.tree.ErrorContext(n)
	// loc is "file:line:col"; the file may itself contain colons.
	p := models.Pos{File: w.pt.File}
	if i := strings.LastIndexByte(loc, ':'); i > 0 {
		p.Col, _ = strconv.Atoi(loc[i+1:])
		p.Col++ // ErrorContext counts columns from 0
		rest := loc[:i]
		if j := strings.LastIndexByte(rest, ':'); j > 0 {
			p.Line, _ = strconv.Atoi(rest[j+1:])
		}
	}
	return p
}

func (w *walker) errorf(n parse.Node, hint, format string, args ...any) {
	w.pt.Diags = append(w.pt.Diags, models.Diagnostic{Pos: w.pos(n), Severity: models.Error, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (w *walker) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			w.node(c)
		}
	case *parse.ActionNode:
		w.pipe(n.Pipe)
	case *parse.IfNode:
		w.branch(&n.BranchNode)
	case *parse.RangeNode:
		w.branch(&n.BranchNode)
	case *parse.WithNode:
		w.branch(&n.BranchNode)
	case *parse.TemplateNode:
		w.d.Calls = append(w.d.Calls, models.Ref{Name: n.Name, Pos: w.pos(n)})
		w.pipe(n.Pipe)
	}
}

func (w *walker) branch(b *parse.BranchNode) {
	w.pipe(b.Pipe)
	w.node(b.List)
	w.node(b.ElseList)
}

func (w *walker) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for i, cmd := range p.Cmds {
		w.command(cmd, i > 0)
	}
}

func (w *walker) arg(a parse.Node) {
	switch a := a.(type) {
	case *parse.PipeNode:
		w.pipe(a)
	case *parse.ChainNode:
		w.arg(a.Node)
	case *parse.IdentifierNode:
		w.d.Funcs[a.Ident] = true
	}
}

// command checks one call. piped says whether it receives the result of the
// previous command as its last argument, which is then not a constant.
func (w *walker) command(cmd *parse.CommandNode, piped bool) {
	for _, a := range cmd.Args[1:] {
		w.arg(a)
	}
	id, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok {
		w.arg(cmd.Args[0])
		return
	}
	w.d.Funcs[id.Ident] = true
	args := cmd.Args[1:]
	switch id.Ident {
	case "ref":
		if piped || len(args) != 1 {
			w.errorf(id, `write {{ ref "model_name" }}`, "ref takes exactly one model name")
			return
		}
		name, ok := args[0].(*parse.StringNode)
		if !ok {
			w.errorf(args[0], `dependencies are found before rendering, so write the name as a string: {{ ref "orders" }}`,
				"ref needs a constant model name, not %s", args[0])
			return
		}
		w.d.Refs = append(w.d.Refs, models.Ref{Name: name.Text, Pos: w.pos(id)})
	case "source":
		if piped || len(args) != 2 {
			w.errorf(id, `write {{ source "source_name" "table_name" }}`, "source takes a source name and a table name")
			return
		}
		src, ok1 := args[0].(*parse.StringNode)
		tbl, ok2 := args[1].(*parse.StringNode)
		if !ok1 || !ok2 {
			w.errorf(id, `write the names as strings: {{ source "raw" "orders" }}`, "source needs constant names")
			return
		}
		w.d.Sources = append(w.d.Sources, models.SourceRef{Source: src.Text, Table: tbl.Text, Pos: w.pos(id)})
	case "config":
		w.config(id, args, piped)
	case "macro":
		if len(args) == 0 {
			w.errorf(id, `write {{ macro "name" arg1 arg2 }}`, "macro needs the name of a macro")
			return
		}
		name, ok := args[0].(*parse.StringNode)
		if !ok {
			w.errorf(args[0], `write the macro's name as a string`, "macro needs a constant name, not %s", args[0])
			return
		}
		w.d.Calls = append(w.d.Calls, models.Ref{Name: name.Text, Pos: w.pos(args[0])})
	}
}

// config reads the key/value pairs of a config call; they must be constants
// because a model's configuration is known before it is rendered.
func (w *walker) config(id *parse.IdentifierNode, args []parse.Node, piped bool) {
	if piped || len(args)%2 != 0 || len(args) == 0 {
		w.errorf(id, `write key/value pairs: {{ config "materialized" "table" "tags" (list "a" "b") }}`, "config takes key/value pairs")
		return
	}
	for i := 0; i < len(args); i += 2 {
		key, ok := args[i].(*parse.StringNode)
		if !ok {
			w.errorf(args[i], "", "config key must be a constant string, not %s", args[i])
			continue
		}
		val, ok := constant(args[i+1])
		if !ok {
			w.errorf(args[i+1], `config values are read before rendering: use a string, number, true/false or (list "a" "b")`,
				"config %q needs a constant value, not %s", key.Text, args[i+1])
			continue
		}
		w.d.Config = append(w.d.Config, configValue{Key: key.Text, Value: val, Pos: w.pos(args[i])})
	}
}

// constant evaluates a literal argument: string, number, bool, or a
// (list …)/(dict …) of literals.
func constant(n parse.Node) (any, bool) {
	switch n := n.(type) {
	case *parse.StringNode:
		return n.Text, true
	case *parse.BoolNode:
		return n.True, true
	case *parse.NumberNode:
		if n.IsInt {
			return int(n.Int64), true
		}
		if n.IsFloat {
			return n.Float64, true
		}
	case *parse.PipeNode:
		if len(n.Cmds) != 1 || len(n.Decl) > 0 {
			return nil, false
		}
		cmd := n.Cmds[0]
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok {
			return nil, false
		}
		var vals []any
		for _, a := range cmd.Args[1:] {
			v, ok := constant(a)
			if !ok {
				return nil, false
			}
			vals = append(vals, v)
		}
		switch id.Ident {
		case "list":
			if vals == nil {
				vals = []any{}
			}
			return vals, true
		case "dict":
			if len(vals)%2 != 0 {
				return nil, false
			}
			m := map[string]any{}
			for i := 0; i < len(vals); i += 2 {
				k, ok := vals[i].(string)
				if !ok {
					return nil, false
				}
				m[k] = vals[i+1]
			}
			return m, true
		}
	}
	return nil, false
}
