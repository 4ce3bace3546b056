package compiler

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/compiler/dag"
	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// genericDef describes one generic test: its arguments and whether it
// checks a column.
type genericDef struct {
	args     []string // besides the common ones
	required []string
	column   bool // needs a column: declared under columns:, or column_name
}

// genericTests are the generic tests kiln knows (SPEC §4).
var genericTests = map[string]genericDef{
	"unique":          {column: true},
	"not_null":        {column: true},
	"accepted_values": {args: []string{"values", "quote"}, required: []string{"values"}, column: true},
	"relationships":   {args: []string{"to", "field"}, required: []string{"to", "field"}, column: true},
	"expression":      {args: []string{"expression"}, required: []string{"expression"}},
}

// commonTestArgs are the keys every generic test entry takes besides its
// own arguments.
var commonTestArgs = []string{"arguments", "column_name", "config", "description", "name"}

// testConfigKeys are the keys of a data test's config: (dbt's names).
var testConfigKeys = []string{"enabled", "error_if", "limit", "severity", "store_failures", "tags", "warn_if", "where"}

func genericTestNames() []string {
	names := make([]string, 0, len(genericTests))
	for n := range genericTests {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// testTarget is the model, seed or source a generic test is declared on.
type testTarget struct {
	kind  models.ResourceType
	id    string // unique id
	name  string // dbt's target name: the model's or seed's name, source_table for a source
	file  string // the properties file
	tags  []string
	rel   models.Relation
	model *models.Model // for models: ephemeral ones are inlined
}

// testCompiler turns the tests of a project's properties and tests/ folder
// into Test values with their SQL.
type testCompiler struct {
	res      *Result
	r        *renderer
	disabled map[string]bool
	diags    models.Diagnostics
	byName   map[string]models.Pos // test names taken, for duplicates
	// unitNames are the unit tests seen, by model.name.
	unitNames map[string]models.Pos
	// refNames and sourceNames are for did-you-mean hints.
	refNames    []string
	sourceNames []string
	tables      map[string][]string // source → its tables
}

// compileTests compiles every data test and unit test of the project, adds
// them to the graph and to res.Project, and renders their SQL. It runs
// after the models were rendered, so that ephemeral models can be inlined.
func (res *Result) compileTests(testFiles []string, read func(string) ([]byte, error), trees map[string]*parsedTemplate, macroDefs map[string]*parsedTemplate, disabled map[string]bool) models.Diagnostics {
	p := res.Project
	tc := &testCompiler{res: res, r: res.renderer, disabled: disabled, byName: map[string]models.Pos{}, unitNames: map[string]models.Pos{}, tables: map[string][]string{}}
	for _, m := range p.Models {
		tc.refNames = append(tc.refNames, m.Name)
	}
	for _, s := range p.Seeds {
		tc.refNames = append(tc.refNames, s.Name)
	}
	for _, s := range p.Sources {
		if _, ok := tc.tables[s.SourceName]; !ok {
			tc.sourceNames = append(tc.sourceNames, s.SourceName)
		}
		tc.tables[s.SourceName] = append(tc.tables[s.SourceName], s.Name)
	}
	if res.CompiledTests == nil {
		res.CompiledTests = map[string]string{}
	}

	tc.diags = append(tc.diags, contractWithoutProperties(p, res.props)...)
	files := make([]string, 0, len(res.props.files))
	for f := range res.props.files {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, file := range files {
		tc.propertiesFile(file, res.props.files[file], res.props.docs[file])
	}
	tc.singular(testFiles, read, trees, macroDefs)
	for _, file := range files {
		tc.unitTests(file, res.props.files[file], res.props.docs[file])
	}
	sort.Slice(p.Tests, func(i, j int) bool { return p.Tests[i].Name < p.Tests[j].Name })
	sort.Slice(p.UnitTests, func(i, j int) bool {
		return p.UnitTests[i].UniqueID(p.Name) < p.UnitTests[j].UniqueID(p.Name)
	})
	if p.Tests == nil {
		p.Tests = []*models.Test{}
	}
	if p.UnitTests == nil {
		p.UnitTests = []*models.UnitTest{}
	}
	return tc.diags
}

func (tc *testCompiler) errorf(pos models.Pos, hint, format string, args ...any) {
	tc.diags = append(tc.diags, models.Diagnostic{Pos: pos, Severity: models.Error, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// propertiesFile compiles the generic tests declared in one properties
// file, on models, seeds, sources and their columns.
func (tc *testCompiler) propertiesFile(file string, pf *propertiesFile, doc *yaml.Node) {
	p := tc.res.Project
	for i := range pf.Models {
		rp := &pf.Models[i]
		if tc.res.props.models[rp.Name] != rp {
			continue // unnamed or declared twice: reported already
		}
		m := tc.r.models[rp.Name]
		if m == nil {
			continue // disabled, or missing: reported already
		}
		tgt := &testTarget{kind: models.ResourceModel, id: m.UniqueID(p.Name), name: m.Name, file: file, tags: m.Config.Tags, rel: m.Relation, model: m}
		tc.resource(tgt, rp.Tests, rp.DataTests, rp.Columns, m.Columns)
		if m.Config.Contract.Enforced {
			tc.diags = append(tc.diags, contractDeclarations(m, rp, doc, file, i)...)
		}
	}
	for i := range pf.Seeds {
		rp := &pf.Seeds[i]
		if tc.res.props.seeds[rp.Name] != rp {
			continue
		}
		s := tc.r.seeds[rp.Name]
		if s == nil {
			if !tc.disabled[rp.Name] {
				tc.errorf(rp.pos, suggest.Hint(rp.Name, seedNames(p)), "properties for seed %q, which does not exist", rp.Name)
			}
			continue
		}
		tgt := &testTarget{kind: models.ResourceSeed, id: s.UniqueID(p.Name), name: s.Name, file: file, tags: s.Config.Tags, rel: s.Relation}
		tc.resource(tgt, rp.Tests, rp.DataTests, rp.Columns, s.Columns)
	}
	for _, sp := range pf.Sources {
		for _, t := range sp.Tables {
			src := tc.r.sources[sp.Name+"."+t.Name]
			if src == nil || src.Path != file {
				continue // declared twice: reported already
			}
			tgt := &testTarget{kind: models.ResourceSource, id: src.UniqueID(p.Name), name: sp.Name + "_" + t.Name, file: file, tags: src.Tags, rel: src.Relation}
			tc.resource(tgt, t.Tests, t.DataTests, t.Columns, src.Columns)
		}
	}
}

func seedNames(p *models.Project) []string {
	var out []string
	for _, s := range p.Seeds {
		out = append(out, s.Name)
	}
	return out
}

// resource compiles the tests of one model, seed or source table and of its
// columns, and records each column's tests in cols.
func (tc *testCompiler) resource(tgt *testTarget, tests, dataTests []testSpec, colProps []columnProps, cols []models.Column) {
	for _, spec := range append(append([]testSpec(nil), tests...), dataTests...) {
		tc.generic(tgt, nil, &spec.Node)
	}
	for i := range colProps {
		c := &colProps[i]
		var names []string
		var returned []string // nil: not known for certain
		if tgt.model != nil {
			returned = tc.res.certainColumns(tgt.model.Name)
		}
		for _, spec := range append(append([]testSpec(nil), c.Tests...), c.DataTests...) {
			t := tc.generic(tgt, c, &spec.Node)
			if t == nil {
				continue
			}
			names = append(names, t.Name)
			if returned != nil && !containsFold(returned, c.Name) {
				// It would fail at run time with a binder error that names
				// no file. It stops this test only.
				tc.diags = append(tc.diags, models.Diagnostic{Pos: t.Pos, Severity: models.Error,
					Message: fmt.Sprintf("test %s checks column %q, which model %q does not return", t.Name, c.Name, tgt.name),
					Hint:    cmpHint(suggest.Hint(c.Name, returned), "the model returns "+strings.Join(returned, ", ")),
					Node:    t.UniqueID(tc.res.Project.Name)})
			}
		}
		for j := range cols {
			if cols[j].Name == c.Name {
				cols[j].Tests = append(cols[j].Tests, names...)
			}
		}
	}
}

// generic compiles one entry of a tests: list. col is nil for a test on the
// whole relation.
func (tc *testCompiler) generic(tgt *testTarget, col *columnProps, n *yaml.Node) *models.Test {
	file := tgt.file
	var nameNode, argsNode *yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		nameNode = n
	case yaml.MappingNode:
		if len(n.Content) != 2 {
			tc.errorf(posOf(file, n), "write - unique, or - accepted_values: { values: [a, b] }",
				"a test entry needs exactly one key, the test's name")
			return nil
		}
		nameNode, argsNode = n.Content[0], n.Content[1]
	default:
		tc.errorf(posOf(file, n), "write - unique, or - accepted_values: { values: [a, b] }", "a test entry needs a test name")
		return nil
	}
	testName := nameNode.Value
	def, ok := genericTests[testName]
	if !ok {
		hint := suggest.Hint(testName, genericTestNames())
		if hint == "" {
			hint = "kiln's generic tests: " + strings.Join(genericTestNames(), ", ") + "; for anything else write a singular test in tests/*.sql"
		}
		tc.errorf(posOf(file, nameNode), hint, "unknown test %q", testName)
		return nil
	}
	t := &models.Test{Type: models.GenericTest, TestName: testName, Path: file, Pos: posOf(file, nameNode),
		AttachedTo: tgt.id, Kwargs: map[string]any{}, Refs: []models.Ref{}, Sources: []models.SourceRef{}}
	t.Config = defaultTestConfig()
	args := map[string]*yaml.Node{}
	if argsNode != nil && !(argsNode.Kind == yaml.ScalarNode && argsNode.Tag == "!!null") {
		switch {
		case argsNode.Kind == yaml.ScalarNode && testName == "expression":
			args["expression"] = argsNode
		case argsNode.Kind != yaml.MappingNode:
			tc.errorf(posOf(file, argsNode), fmt.Sprintf("write - %s: { … }", testName), "test %q needs a mapping of arguments", testName)
			return nil
		default:
			if !tc.collectArgs(file, testName, def, argsNode, args, col != nil) {
				return nil
			}
		}
	}
	for _, req := range def.required {
		if args[req] == nil {
			tc.errorf(t.Pos, requiredHint(testName), "test %q needs the argument %q", testName, req)
			return nil
		}
	}

	// The column it checks, as SQL.
	var column string
	switch {
	case col != nil:
		t.Column = col.Name
		column = tc.columnSQL(col.Name, col.Quote)
	case args["column_name"] != nil:
		t.Column = args["column_name"].Value
		column = t.Column // an expression, as dbt takes it
	case def.column:
		tc.errorf(t.Pos, "declare it under the column: columns: [{ name: id, tests: ["+testName+"] }], or give column_name: id",
			"test %q needs a column", testName)
		return nil
	}
	if t.Column != "" {
		t.Kwargs["column_name"] = t.Column
	}
	for k, v := range args {
		if k == "config" || k == "name" || k == "description" {
			continue
		}
		var val any
		if err := v.Decode(&val); err == nil {
			t.Kwargs[k] = val
		}
	}
	if d := args["description"]; d != nil {
		t.Description = d.Value
	}

	// Config, with the tags of the target and the column.
	t.Config.Tags = append(t.Config.Tags, tgt.tags...)
	if col != nil {
		t.Config.Tags = append(t.Config.Tags, col.Tags...)
	}
	if c := args["config"]; c != nil {
		d := parseTestConfig(file, c, &t.Config)
		if len(d) > 0 {
			tc.diags = append(tc.diags, d...)
			return nil
		}
	}
	t.Config.Tags = sortedUnique(t.Config.Tags)
	if !t.Config.Enabled {
		return nil
	}

	// The relationships' parent.
	var to *toRelation
	if testName == "relationships" {
		to = tc.resolveTo(file, args["to"])
		if to == nil {
			return nil
		}
		t.Kwargs["to"] = to.canonical
		if to.ref != "" {
			t.Refs = append(t.Refs, models.Ref{Name: to.ref, Pos: posOf(file, args["to"])})
		} else {
			t.Sources = append(t.Sources, models.SourceRef{Source: to.source, Table: to.table, Pos: posOf(file, args["to"])})
		}
	}

	// dbt's name, from the test, the target and the arguments.
	prefix := testName
	if tgt.kind == models.ResourceSource {
		prefix = "source_" + testName
	}
	t.Name = testIdentifier(prefix, tgt.name, t.Kwargs)
	if nn := args["name"]; nn != nil {
		t.Name = nn.Value
		if !identRE.MatchString(t.Name) {
			tc.errorf(posOf(file, nn), "use letters, digits and underscores", "test name %q is not an identifier", t.Name)
			return nil
		}
	}
	if !tc.claim(t.Name, t.Pos) {
		return nil
	}
	t.CompiledPath = file + "/" + t.Name + ".sql"

	// The SQL.
	rel := tc.relationOf(tgt)
	if t.Config.Where != "" {
		rel = fmt.Sprintf("(select * from %s where %s) as kiln_subquery", rel, t.Config.Where)
	}
	var sql string
	switch testName {
	case "not_null":
		sql = fmt.Sprintf("select *\nfrom %s\nwhere %s is null\n", rel, column)
	case "unique":
		sql = fmt.Sprintf("select\n    %s as unique_field,\n    count(*) as n_records\nfrom %s\nwhere %s is not null\ngroup by %s\nhaving count(*) > 1\n",
			column, rel, column, column)
	case "accepted_values":
		values, ok := tc.acceptedValues(file, args["values"], args["quote"])
		if !ok {
			return nil
		}
		sql = fmt.Sprintf("with all_values as (\n    select\n        %s as value_field,\n        count(*) as n_records\n    from %s\n    group by %s\n)\n\nselect *\nfrom all_values\nwhere value_field not in (\n    %s\n)\n",
			column, rel, column, strings.Join(values, ", "))
	case "relationships":
		field := tc.columnSQL(args["field"].Value, nil)
		sql = fmt.Sprintf("with child as (\n    select %s as from_field\n    from %s\n    where %s is not null\n),\n\nparent as (\n    select %s as to_field\n    from %s\n)\n\nselect from_field\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\nwhere parent.to_field is null\n",
			column, rel, column, field, to.sql)
	case "expression":
		expr := args["expression"].Value
		if strings.TrimSpace(expr) == "" {
			tc.errorf(posOf(file, args["expression"]), `for example  expression: "amount >= 0"`, "the expression is empty")
			return nil
		}
		if column != "" {
			expr = column + " " + expr
		}
		sql = fmt.Sprintf("select *\nfrom %s\nwhere not (%s)\n", rel, expr)
	}
	sql = tc.inline(sql, tgt, t.Refs)
	p := tc.res.Project
	id := t.UniqueID(p.Name)
	tc.res.CompiledTests[id] = sql
	p.Tests = append(p.Tests, t)
	tc.res.byID[id] = t
	tc.res.Graph.Add(id)
	tc.res.Graph.Connect(tgt.id, id)
	if to != nil {
		tc.res.Graph.Connect(to.id, id)
	}
	return t
}

// collectArgs checks the keys of a generic test's arguments and puts them
// in args. dbt 1.10's arguments: mapping is read too.
func (tc *testCompiler) collectArgs(file, testName string, def genericDef, n *yaml.Node, args map[string]*yaml.Node, onColumn bool) bool {
	allowed := append(append([]string(nil), def.args...), commonTestArgs...)
	sort.Strings(allowed)
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Value == "arguments":
			if v.Kind != yaml.MappingNode {
				tc.errorf(posOf(file, v), "", "arguments needs a mapping")
				ok = false
				continue
			}
			if !tc.collectArgs(file, testName, def, v, args, onColumn) {
				ok = false
			}
			continue
		case k.Value == "column_name" && onColumn:
			tc.errorf(posOf(file, k), "the test already checks the column it is declared under; move it to the model's tests: to check an expression",
				"column_name is only for tests on the whole model")
			ok = false
			continue
		case !slices.Contains(allowed, k.Value):
			hint := suggest.Hint(k.Value, allowed)
			if slices.Contains(testConfigKeys, k.Value) {
				hint = fmt.Sprintf("%s is a config key: write config: { %s: … }", k.Value, k.Value)
			} else if hint == "" {
				hint = requiredHint(testName)
			}
			tc.errorf(posOf(file, k), hint, "unknown argument %q for test %q", k.Value, testName)
			ok = false
			continue
		}
		if k.Value != "config" && k.Value != "values" && v.Kind != yaml.ScalarNode && k.Value != "quote" {
			tc.errorf(posOf(file, v), "", "argument %q of test %q needs a single value", k.Value, testName)
			ok = false
			continue
		}
		args[k.Value] = v
	}
	return ok
}

func requiredHint(testName string) string {
	switch testName {
	case "accepted_values":
		return "for example  accepted_values: { values: [placed, shipped] }"
	case "relationships":
		return "for example  relationships: { to: ref customers, field: id }"
	case "expression":
		return `for example  expression: "amount >= 0"`
	}
	return fmt.Sprintf("%s takes no arguments besides config", testName)
}

// acceptedValues renders the values of accepted_values as SQL literals.
func (tc *testCompiler) acceptedValues(file string, n, quoteNode *yaml.Node) ([]string, bool) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		tc.errorf(posOf(file, n), "for example  values: [placed, shipped]", "values needs a list of at least one value")
		return nil, false
	}
	quote := true
	if quoteNode != nil {
		if err := quoteNode.Decode(&quote); err != nil {
			tc.errorf(posOf(file, quoteNode), "", "quote needs true or false")
			return nil, false
		}
	}
	out := make([]string, 0, len(n.Content))
	for _, v := range n.Content {
		if v.Kind != yaml.ScalarNode {
			tc.errorf(posOf(file, v), "", "each accepted value must be a single value")
			return nil, false
		}
		if quote {
			out = append(out, sqlString(v.Value))
		} else {
			out = append(out, v.Value)
		}
	}
	return out, true
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// toRelation is the parent relation of a relationships test.
type toRelation struct {
	ref           string // or
	source, table string
	id            string // its unique id
	sql           string // as it appears in the test's SQL
	canonical     string // dbt's spelling: ref('x') or source('a', 'b')
}

var (
	refCallRE    = regexp.MustCompile(`^ref\s*\(\s*['"]([^'"]+)['"]\s*\)$`)
	refWordsRE   = regexp.MustCompile(`^ref\s+["']?([^\s"']+)["']?$`)
	sourceCallRE = regexp.MustCompile(`^source\s*\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)$`)
	sourceWordRE = regexp.MustCompile(`^source\s+["']?([^\s"']+)["']?\s+["']?([^\s"']+)["']?$`)
)

// parseRelationRef reads ref('x'), ref x, source('a', 'b') or source a b.
func parseRelationRef(s string) (ref, source, table string, ok bool) {
	s = strings.TrimSpace(s)
	if m := refCallRE.FindStringSubmatch(s); m != nil {
		return m[1], "", "", true
	}
	if m := refWordsRE.FindStringSubmatch(s); m != nil {
		return m[1], "", "", true
	}
	if m := sourceCallRE.FindStringSubmatch(s); m != nil {
		return "", m[1], m[2], true
	}
	if m := sourceWordRE.FindStringSubmatch(s); m != nil {
		return "", m[1], m[2], true
	}
	return "", "", "", false
}

func (tc *testCompiler) resolveTo(file string, n *yaml.Node) *toRelation {
	ref, src, tbl, ok := parseRelationRef(n.Value)
	if !ok {
		tc.errorf(posOf(file, n), "write to: ref customers, to: ref('customers') or to: source raw customers", "cannot read %q as a ref or a source", n.Value)
		return nil
	}
	id, sql, ok := tc.lookup(posOf(file, n), ref, src, tbl)
	if !ok {
		return nil
	}
	to := &toRelation{ref: ref, source: src, table: tbl, id: id, sql: sql}
	if ref != "" {
		to.canonical = fmt.Sprintf("ref('%s')", ref)
	} else {
		to.canonical = fmt.Sprintf("source('%s', '%s')", src, tbl)
	}
	return to
}

// lookup finds a ref'd model or seed, or a source table, and reports it
// when it does not exist. It returns the node's id and its relation as SQL
// (for an ephemeral model, the name of its CTE).
func (tc *testCompiler) lookup(pos models.Pos, ref, src, tbl string) (string, string, bool) {
	p := tc.res.Project
	if ref != "" {
		if m, ok := tc.r.models[ref]; ok {
			return m.UniqueID(p.Name), tc.r.relationSQL(m), true
		}
		if s, ok := tc.r.seeds[ref]; ok {
			return s.UniqueID(p.Name), tc.r.quote(s.Relation), true
		}
		if tc.disabled[ref] {
			tc.errorf(pos, "enable it, or remove the test", "ref to %q, which is disabled", ref)
			return "", "", false
		}
		tc.errorf(pos, cmpHint(suggest.Hint(ref, tc.refNames), "models are the .sql files under models/, seeds the .csv files under seeds/"),
			"unknown model %q", ref)
		return "", "", false
	}
	if s, ok := tc.r.sources[src+"."+tbl]; ok {
		return s.UniqueID(p.Name), tc.r.quote(s.Relation), true
	}
	if tbls, ok := tc.tables[src]; ok {
		tc.errorf(pos, cmpHint(suggest.Hint(tbl, tbls), "its tables: "+strings.Join(tbls, ", ")), "source %q has no table %q", src, tbl)
		return "", "", false
	}
	tc.errorf(pos, cmpHint(suggest.Hint(src, tc.sourceNames), "declare it under sources: in a models/*.yml file"), "unknown source %q", src)
	return "", "", false
}

// relationOf is the tested relation as it appears in the test's SQL.
func (tc *testCompiler) relationOf(tgt *testTarget) string {
	if tgt.model != nil {
		return tc.r.relationSQL(tgt.model)
	}
	return tc.r.quote(tgt.rel)
}

// inline prepends to sql, as CTEs, the ephemeral models it reads: the
// tested model or the ref'd ones, with their own ephemeral parents.
func (tc *testCompiler) inline(sql string, tgt *testTarget, refs []models.Ref) string {
	stand := &models.Model{Refs: append([]models.Ref(nil), refs...)}
	if tgt.model != nil {
		stand.Refs = append(stand.Refs, models.Ref{Name: tgt.model.Name})
	}
	return injectEphemerals(sql, stand, tc.r.models, tc.res.Compiled)
}

// claim reserves a test name, reporting a duplicate.
func (tc *testCompiler) claim(name string, pos models.Pos) bool {
	if prev, ok := tc.byName[name]; ok {
		tc.errorf(pos, "the other is at "+prev.String()+"; give one a name: argument to tell them apart", "test %q is declared twice", name)
		return false
	}
	tc.byName[name] = pos
	return true
}

// columnSQL is a column name as test SQL uses it. quote: true or false in
// the column's properties decides; otherwise lower-case names are quoted
// (so that reserved words such as order work) and others are left as
// written, as dbt does, so that the engine folds their case as usual.
func (tc *testCompiler) columnSQL(name string, quote *bool) string {
	q := tc.quoteIdent
	switch {
	case quote != nil && *quote:
		return q(name)
	case quote != nil:
		return name
	case lowerIdentRE.MatchString(name):
		return q(name)
	case identRE.MatchString(name):
		return name
	}
	return q(name)
}

var lowerIdentRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// identQuoter is implemented by dialects that quote single identifiers.
type identQuoter interface{ QuoteIdent(string) string }

func (tc *testCompiler) quoteIdent(name string) string {
	if q, ok := tc.r.dialect.(identQuoter); ok {
		return q.QuoteIdent(name)
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// testIdentifier is dbt's name for a generic test: the test, the target and
// the arguments flattened, or a truncated form with a hash when that is 64
// characters or more.
func testIdentifier(testName, target string, kwargs map[string]any) string {
	keys := make([]string, 0, len(kwargs))
	for k := range kwargs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var flat []string
	for _, k := range keys {
		switch v := kwargs[k].(type) {
		case []any:
			for _, e := range v {
				flat = append(flat, pyStr(e))
			}
		case map[string]any:
			mk := make([]string, 0, len(v))
			for kk := range v {
				mk = append(mk, kk)
			}
			sort.Strings(mk)
			for _, kk := range mk {
				flat = append(flat, pyStr(v[kk]))
			}
		default:
			flat = append(flat, pyStr(v))
		}
	}
	for i, f := range flat {
		flat[i] = nonIdentRE.ReplaceAllString(f, "_")
	}
	ident := testName + "_" + target
	full := ident + "_" + strings.Join(flat, "__")
	if len(full) >= 64 {
		sum := md5.Sum([]byte(full))
		return ident[:min(30, len(ident))] + "_" + hex.EncodeToString(sum[:])
	}
	return full
}

var nonIdentRE = regexp.MustCompile(`[^0-9a-zA-Z_]+`)

// pyStr formats a value as Python's str does, which dbt's names are made of.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func defaultTestConfig() models.Config {
	return models.Config{Materialized: models.TestMaterialization, Enabled: true, Tags: []string{}, Severity: models.SeverityError}
}

// parseTestConfig reads a test's config: mapping into cfg.
func parseTestConfig(file string, n *yaml.Node, cfg *models.Config) models.Diagnostics {
	if n.Kind != yaml.MappingNode {
		return models.Diagnostics{{Pos: posOf(file, n), Severity: models.Error, Message: "config needs a mapping", Hint: "for example  config: { severity: warn }"}}
	}
	var diags models.Diagnostics
	for i := 0; i+1 < len(n.Content); i += 2 {
		var v any
		if err := n.Content[i+1].Decode(&v); err != nil {
			diags = append(diags, yamlErrors(file, n.Content[i+1], err)...)
			continue
		}
		if d := applyTestConfig(cfg, configValue{Key: n.Content[i].Value, Value: v, Pos: posOf(file, n.Content[i])}); d != nil {
			diags = append(diags, *d)
		}
	}
	return diags
}

// applyTestConfig sets one key of a data test's config.
func applyTestConfig(c *models.Config, v configValue) *models.Diagnostic {
	switch v.Key {
	case "severity":
		s, d := v.str()
		if d != nil {
			return d
		}
		s = strings.ToLower(s)
		if s != models.SeverityError && s != models.SeverityWarn {
			return v.bad(fmt.Sprintf("config \"severity\" has unknown value %q", s), cmpHint(suggest.Hint(s, []string{"error", "warn"}), "valid values: error, warn"))
		}
		c.Severity = s
	case "where":
		s, d := v.str()
		if d != nil {
			return d
		}
		c.Where = s
	case "error_if", "warn_if":
		s, d := v.str()
		if d != nil {
			return d
		}
		if _, err := ParseCondition(s); err != nil {
			return v.bad(fmt.Sprintf("config %q: %v", v.Key, err), `write a comparison with the failure count, e.g. ">10", "!=0", ">=5"`)
		}
		if v.Key == "error_if" {
			c.ErrorIf = s
		} else {
			c.WarnIf = s
		}
	case "store_failures", "enabled":
		b, d := boolValue(v, v.bad)
		if d != nil {
			return d
		}
		if v.Key == "enabled" {
			c.Enabled = b
		} else {
			c.StoreFailures = &b
		}
	case "limit":
		n, ok := v.Value.(int)
		if !ok || n < 0 {
			return v.bad(fmt.Sprintf("config \"limit\" needs a whole number of rows, not %s", describe(v.Value)), "")
		}
		c.Limit = &n
	case "tags":
		tags, d := stringList(v, v.bad)
		if d != nil {
			return d
		}
		c.Tags = append(c.Tags, tags...)
	default:
		return v.bad(fmt.Sprintf("unknown test config key %q", v.Key), cmpHint(suggest.Hint(v.Key, testConfigKeys), "valid keys: "+strings.Join(testConfigKeys, ", ")))
	}
	return nil
}

func sortedUnique(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return slices.Compact(out)
}

// mergeTags joins two tag lists, sorted and without repeats; nil when both
// are empty.
func mergeTags(a, b []string) []string {
	if len(a)+len(b) == 0 {
		return nil
	}
	return sortedUnique(append(append([]string(nil), a...), b...))
}

// Condition is a test's error_if or warn_if: a comparison of the failure
// count with a number, such as ">10" or "!=0".
type Condition struct {
	Op string // one of = != > >= < <=
	N  int64
}

var conditionRE = regexp.MustCompile(`^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+)\s*$`)

// ParseCondition reads an error_if or warn_if condition.
func ParseCondition(s string) (Condition, error) {
	m := conditionRE.FindStringSubmatch(s)
	if m == nil {
		return Condition{}, fmt.Errorf("cannot read %q as a comparison", s)
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return Condition{}, fmt.Errorf("cannot read %q as a comparison: %w", s, err)
	}
	op := m[1]
	switch op {
	case "==":
		op = "="
	case "<>":
		op = "!="
	}
	return Condition{Op: op, N: n}, nil
}

// Holds says whether the failure count satisfies the condition.
func (c Condition) Holds(failures int64) bool {
	switch c.Op {
	case "=":
		return failures == c.N
	case "!=":
		return failures != c.N
	case ">":
		return failures > c.N
	case ">=":
		return failures >= c.N
	case "<":
		return failures < c.N
	case "<=":
		return failures <= c.N
	}
	return false
}

// singular compiles tests/**/*.sql: each is rendered like a model, and its
// refs and sources become its parents in the graph.
func (tc *testCompiler) singular(files []string, read func(string) ([]byte, error), trees, macroDefs map[string]*parsedTemplate) {
	p := tc.res.Project
	type pending struct {
		t  *models.Test
		m  *models.Model // the stand-in the renderer renders
		pt *parsedTemplate
	}
	var all []pending
	var stand []*models.Model
	for _, rel := range files {
		data, err := read(rel)
		if err != nil {
			tc.errorf(models.Pos{File: rel}, "", "%v", err)
			continue
		}
		name := strings.TrimSuffix(path.Base(rel), ".sql")
		if !identRE.MatchString(name) {
			tc.errorf(models.Pos{File: rel}, "use letters, digits and underscores, not starting with a digit, e.g. "+identSuggestion(name), "test name %q is not an identifier", name)
			continue
		}
		if d := checkUTF8(rel, string(data)); d != nil {
			tc.diags = append(tc.diags, *d)
			continue
		}
		pt := parseTemplate(rel, string(data))
		tc.res.noteVolatile(pt)
		if len(pt.Diags) > 0 {
			tc.diags = append(tc.diags, pt.Diags...)
			continue
		}
		t := &models.Test{Name: name, Type: models.SingularTest, Path: rel, CompiledPath: rel, Pos: models.Pos{File: rel, Line: 1, Col: 1},
			Raw: string(data), Refs: pt.Refs, Sources: pt.Sources, Config: defaultTestConfig()}
		if t.Refs == nil {
			t.Refs = []models.Ref{}
		}
		if t.Sources == nil {
			t.Sources = []models.SourceRef{}
		}
		failed := false
		for _, v := range pt.Config {
			if v.Key == "where" {
				tc.errorf(v.Pos, "write the condition in the test's query", "config \"where\" is for generic tests only")
				failed = true
				continue
			}
			if d := applyTestConfig(&t.Config, v); d != nil {
				tc.diags = append(tc.diags, *d)
				failed = true
			}
		}
		t.Config.Tags = sortedUnique(t.Config.Tags)
		if failed || !t.Config.Enabled {
			continue
		}
		if !tc.claim(name, t.Pos) {
			continue
		}
		m := &models.Model{Name: rel, Path: rel, Raw: t.Raw, Config: defaultConfig(), Refs: t.Refs, Sources: t.Sources}
		trees[rel] = pt
		all = append(all, pending{t, m, pt})
		stand = append(stand, m)
	}
	tc.diags = append(tc.diags, inheritMacroDeps(stand, trees, macroDefs)...)
	for _, x := range all {
		t, m := x.t, x.m
		t.Refs, t.Sources, t.Macros = m.Refs, m.Sources, m.Macros
		id := t.UniqueID(p.Name)
		var parents []string
		ok := true
		for _, r := range t.Refs {
			pid, _, found := tc.lookup(r.Pos, r.Name, "", "")
			ok = ok && found
			parents = append(parents, pid)
		}
		for _, s := range t.Sources {
			pid, _, found := tc.lookup(s.Pos, "", s.Source, s.Table)
			ok = ok && found
			parents = append(parents, pid)
		}
		if !ok {
			continue
		}
		tc.r.trees[m.Name] = x.pt
		sql, d := tc.r.render(m, renderOptions{})
		if d != nil {
			tc.diags = append(tc.diags, *d)
			continue
		}
		// A test runs on the target, as the models do: in its dialect.
		sql, err := tc.res.transpileSQL(sql)
		if err != nil {
			tc.errorf(t.Pos, "write the test in SQL that both dialects share",
				"test %s cannot be carried over to %s: %v", t.Name, tc.res.state.target, err)
			continue
		}
		sql = injectEphemerals(sql, m, tc.r.models, tc.res.Compiled)
		tc.res.CompiledTests[id] = sql
		p.Tests = append(p.Tests, t)
		tc.res.byID[id] = t
		tc.res.Graph.Add(id)
		for _, pid := range parents {
			tc.res.Graph.Connect(pid, id)
		}
	}
}

// BuildGraph is the graph kiln build walks. It is the project's graph with
// two changes: each data test comes before the children of the node it is
// attached to (every parent, for a singular test), so that a failing test
// skips them; and each unit test comes before its model instead of after.
// An edge that would close a cycle (a relationships test whose parent is
// downstream of the tested model's child) is left out.
func (res *Result) BuildGraph() *dag.Graph[string] {
	g := dag.New[string]()
	isTest := map[string]bool{}
	for _, t := range res.Project.Tests {
		isTest[t.UniqueID(res.Project.Name)] = true
	}
	unitOf := map[string]string{} // unit test id → its model's id
	for _, u := range res.Project.UnitTests {
		unitOf[u.UniqueID(res.Project.Name)] = "model." + res.Project.Name + "." + u.Model
	}
	for _, v := range res.Graph.Vertices() {
		g.Add(v)
	}
	for _, v := range res.Graph.Vertices() {
		for _, c := range res.Graph.Children(v) {
			if _, ok := unitOf[c]; !ok {
				g.Connect(v, c)
			}
		}
	}
	for u, m := range unitOf {
		g.Connect(u, m)
	}
	for _, t := range res.Project.Tests {
		id := t.UniqueID(res.Project.Name)
		blocking := res.Graph.Parents(id)
		if t.AttachedTo != "" {
			blocking = []string{t.AttachedTo}
		}
		single := len(res.Graph.Parents(id)) == 1
		for _, b := range blocking {
			for _, c := range res.Graph.Children(b) {
				if isTest[c] || unitOf[c] != "" {
					continue
				}
				if !single && reaches(g, c, id) {
					continue
				}
				g.Connect(id, c)
			}
		}
	}
	return g
}

// reaches says whether to can be reached from from in g.
func reaches(g *dag.Graph[string], from, to string) bool {
	seen := map[string]bool{from: true}
	stack := []string{from}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v == to {
			return true
		}
		for _, c := range g.Children(v) {
			if !seen[c] {
				seen[c] = true
				stack = append(stack, c)
			}
		}
	}
	return false
}
