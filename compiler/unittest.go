package compiler

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// unitTestProps is one entry of a properties file's unit_tests: list, in
// dbt's shape.
type unitTestProps struct {
	Name        string           `yaml:"name"`
	Model       string           `yaml:"model"`
	Description string           `yaml:"description"`
	Given       []unitGivenProps `yaml:"given"`
	Expect      unitRowsProps    `yaml:"expect"`
	Overrides   unitOverrides    `yaml:"overrides"`
	Config      yaml.Node        `yaml:"config"`
}

type unitGivenProps struct {
	Input  string    `yaml:"input"`
	Format string    `yaml:"format"`
	Rows   yaml.Node `yaml:"rows"`
}

type unitRowsProps struct {
	Format string    `yaml:"format"`
	Rows   yaml.Node `yaml:"rows"`
}

type unitOverrides struct {
	Macros  map[string]any    `yaml:"macros"`
	Vars    map[string]any    `yaml:"vars"`
	EnvVars map[string]string `yaml:"env_vars"`
}

// unitSchema is the schema, in the unit tests' in-memory database, that
// holds the given rows of one unit test. Each test has its own, so that
// tests run side by side.
func unitSchema(u *models.UnitTest) string { return "unit__" + u.Model + "__" + u.Name }

// unitTests compiles the unit_tests: of one properties file: each names a
// model, gives rows for every relation the model reads, and expects rows.
// The model is rendered with its refs and sources pointing at tables of
// those rows; it runs on an embedded DuckDB whatever the target.
func (tc *testCompiler) unitTests(file string, pf *propertiesFile, doc *yaml.Node) {
	seq := mapGet(doc, "unit_tests")
	p := tc.res.Project
	for i := range pf.UnitTests {
		up := &pf.UnitTests[i]
		entry := &yaml.Node{Line: 1, Column: 1}
		if seq != nil && i < len(seq.Content) {
			entry = seq.Content[i]
		}
		pos := posOf(file, entry)
		if tc.errorsWithin(file, seq, i) {
			continue // an unknown key in the entry: what follows would only repeat it
		}
		if up.Name == "" || up.Model == "" {
			tc.errorf(pos, "for example  - name: test_totals\n\t  model: orders\n\t  given: […]\n\t  expect: { rows: […] }", "a unit test needs a name and a model")
			continue
		}
		if !identRE.MatchString(up.Name) {
			tc.errorf(posOf(file, orNode(mapGet(entry, "name"), entry)), "use letters, digits and underscores", "unit test name %q is not an identifier", up.Name)
			continue
		}
		m := tc.r.models[up.Model]
		if m == nil {
			modelPos := posOf(file, orNode(mapGet(entry, "model"), entry))
			if tc.disabled[up.Model] {
				continue
			}
			var names []string
			for _, mm := range p.Models {
				names = append(names, mm.Name)
			}
			tc.errorf(modelPos, suggest.Hint(up.Model, names), "unit test %q is for model %q, which does not exist", up.Name, up.Model)
			continue
		}
		u := &models.UnitTest{Name: up.Name, Model: up.Model, Description: up.Description, Path: file, Pos: pos,
			Config: models.Config{Materialized: models.TestMaterialization, Enabled: true, Tags: append([]string{}, m.Config.Tags...)}}
		if !tc.unitConfig(file, &up.Config, &u.Config) || !u.Config.Enabled {
			continue
		}
		u.Config.Tags = sortedUnique(u.Config.Tags)
		key := u.Model + "." + u.Name
		if prev, dup := tc.unitNames[key]; dup {
			tc.errorf(pos, "the other is at "+prev.String(), "unit test %q of model %q is declared twice", u.Name, u.Model)
			continue
		}
		tc.unitNames[key] = pos
		if !tc.unitOverrides(file, entry, up, u) {
			continue
		}
		if !tc.unitGiven(file, entry, up, m, u) {
			continue
		}
		rows, ok := tc.unitRows(file, orNode(mapGet(entry, "expect"), entry), up.Expect.Format, &up.Expect.Rows)
		if !ok {
			continue
		}
		u.Expect = rows
		tc.unknownUnitColumns(u, posOf(file, orNode(mapGet(entry, "expect"), entry)), rows.Columns, tc.certainColumns(m.Name), "model "+strconv.Quote(m.Name))
		sql, d := tc.renderUnit(m, u)
		if d != nil {
			d.Message = fmt.Sprintf("unit test %q: %s", u.Name, d.Message)
			tc.diags = append(tc.diags, *d)
			continue
		}
		id := u.UniqueID(p.Name)
		tc.res.CompiledTests[id] = sql
		p.UnitTests = append(p.UnitTests, u)
		tc.res.byID[id] = u
		tc.res.Graph.Add(id)
		tc.res.Graph.Connect(m.UniqueID(p.Name), id)
	}
}

// errorsWithin says whether an error was already reported inside the i-th
// entry of seq, a sequence of file.
func (tc *testCompiler) errorsWithin(file string, seq *yaml.Node, i int) bool {
	if seq == nil || i >= len(seq.Content) {
		return false
	}
	from, to := seq.Content[i].Line, int(^uint(0)>>1)
	if i+1 < len(seq.Content) {
		to = seq.Content[i+1].Line
	}
	for _, d := range tc.res.Diagnostics {
		if d.Severity == models.Error && d.Pos.File == file && d.Pos.Line >= from && d.Pos.Line < to {
			return true
		}
	}
	return false
}

func orNode(n, fallback *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return fallback
}

// unitConfig reads a unit test's config: tags and enabled.
func (tc *testCompiler) unitConfig(file string, n *yaml.Node, c *models.Config) bool {
	if n.Kind == 0 {
		return true
	}
	if n.Kind != yaml.MappingNode {
		tc.errorf(posOf(file, n), "for example  config: { tags: [fast] }", "config needs a mapping")
		return false
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		var v any
		if err := n.Content[i+1].Decode(&v); err != nil {
			tc.diags = append(tc.diags, yamlErrors(file, n.Content[i+1], err)...)
			ok = false
			continue
		}
		cv := configValue{Key: k.Value, Value: v, Pos: posOf(file, k)}
		if k.Value != "tags" && k.Value != "enabled" {
			tc.errorf(cv.Pos, cmpHint(suggest.Hint(k.Value, []string{"enabled", "tags"}), "a unit test's config takes tags and enabled"), "unknown unit test config key %q", k.Value)
			ok = false
			continue
		}
		if d := applyTestConfig(c, cv); d != nil {
			tc.diags = append(tc.diags, *d)
			ok = false
		}
	}
	return ok
}

// unitOverrides reads overrides: vars, env_vars, and the is_incremental
// macro.
func (tc *testCompiler) unitOverrides(file string, entry *yaml.Node, up *unitTestProps, u *models.UnitTest) bool {
	u.Vars, u.Env = up.Overrides.Vars, up.Overrides.EnvVars
	macros := mapGet(mapGet(entry, "overrides"), "macros")
	for name, v := range up.Overrides.Macros {
		pos := posOf(file, orNode(macros, entry))
		if name != "is_incremental" {
			tc.errorf(pos, `the only macro a unit test overrides is is_incremental: overrides: { macros: { is_incremental: true } }`, "cannot override macro %q", name)
			return false
		}
		b, ok := v.(bool)
		if !ok {
			tc.errorf(pos, "", "is_incremental needs true or false")
			return false
		}
		u.Incremental = b
	}
	return true
}

// unitGiven reads the given: inputs and checks that they are exactly the
// relations the model reads.
func (tc *testCompiler) unitGiven(file string, entry *yaml.Node, up *unitTestProps, m *models.Model, u *models.UnitTest) bool {
	reads := map[string]bool{} // "ref:x", "source:a.b"
	var readList []string
	for _, r := range m.Refs {
		key := "ref('" + r.Name + "')"
		if !reads[key] {
			reads[key] = true
			readList = append(readList, key)
		}
	}
	for _, s := range m.Sources {
		key := "source('" + s.Source + "', '" + s.Table + "')"
		if !reads[key] {
			reads[key] = true
			readList = append(readList, key)
		}
	}
	givenSeq := mapGet(entry, "given")
	given := map[string]bool{}
	schema := unitSchema(u)
	ok := true
	for j, g := range up.Given {
		gn := entry
		if givenSeq != nil && j < len(givenSeq.Content) {
			gn = givenSeq.Content[j]
		}
		gpos := posOf(file, orNode(mapGet(gn, "input"), gn))
		in := models.UnitInput{Input: g.Input, Pos: gpos}
		var key string
		switch strings.TrimSpace(g.Input) {
		case "":
			tc.errorf(gpos, "for example  - input: ref('stg_orders')", "a given entry needs an input")
			ok = false
			continue
		case "this":
			in.This = true
			key = "this"
			in.Relation = models.Relation{Schema: schema, Name: m.Name}
			in.Columns = tc.modelColumns(m)
		default:
			ref, src, tbl, parsed := parseRelationRef(g.Input)
			if !parsed {
				tc.errorf(gpos, "write input: ref('orders'), ref orders, source('raw', 'orders'), source raw orders or this", "cannot read %q as a ref, a source or this", g.Input)
				ok = false
				continue
			}
			if ref != "" {
				key = "ref('" + ref + "')"
				in.Ref = ref
				in.Relation = models.Relation{Schema: schema, Name: ref}
				if mm := tc.r.models[ref]; mm != nil {
					in.Columns = tc.modelColumns(mm)
				} else if s := tc.r.seeds[ref]; s != nil {
					in.Columns = seedColumns(s, tc.res.Project.Dir)
				}
			} else {
				key = "source('" + src + "', '" + tbl + "')"
				in.Source, in.Table = src, tbl
				in.Relation = models.Relation{Schema: schema, Name: src + "__" + tbl}
				if s := tc.r.sources[src+"."+tbl]; s != nil {
					in.Columns = s.Columns
				}
			}
			if !reads[key] {
				tc.errorf(gpos, cmpHint(suggest.Hint(key, readList), "it reads "+orNone(readList)), "model %q does not read %s", m.Name, key)
				ok = false
				continue
			}
		}
		if given[key] {
			tc.errorf(gpos, "", "input %s is given twice", key)
			ok = false
			continue
		}
		given[key] = true
		rows, rowsOK := tc.unitRows(file, gn, g.Format, &up.Given[j].Rows)
		if !rowsOK {
			ok = false
			continue
		}
		in.UnitRows = rows
		var known []string
		switch {
		case in.This:
			known = tc.certainColumns(m.Name)
		case in.Ref != "":
			known = tc.certainColumns(in.Ref)
		}
		tc.unknownUnitColumns(u, gpos, rows.Columns, known, "input "+key)
		if len(in.UnitRows.Columns) == 0 && len(in.Columns) == 0 {
			tc.errorf(gpos, "give at least one row, or declare the columns of "+strings.TrimPrefix(key, "this")+" in properties (with data_type)",
				"input %s has no rows and no declared columns, so kiln cannot make its table", key)
			ok = false
			continue
		}
		u.Given = append(u.Given, in)
	}
	var missing []string
	for _, key := range readList {
		if !given[key] {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 && ok { // a misspelt input would be reported twice
		tc.errorf(posOf(file, orNode(givenSeq, entry)), fmt.Sprintf(`give each one rows, [] for none, e.g.  - { input: "%s", rows: [] }`, missing[0]),
			"unit test %q gives no rows for %s, which model %q reads", u.Name, strings.Join(missing, ", "), m.Name)
		ok = false
	}
	return ok
}

// certainColumns are the columns a model or seed has for certain: a
// model's typed exactly as DuckDB binds them, a seed's CSV header; nil when
// they are not known so.
func (tc *testCompiler) certainColumns(name string) []string {
	if tc.r.models[name] != nil {
		return tc.res.certainColumns(name)
	}
	if s := tc.r.seeds[name]; s != nil && !tc.res.badSeeds[name] {
		return csvHeader(filepath.Join(tc.res.Project.Dir, filepath.FromSlash(s.Path)))
	}
	return nil
}

// unknownUnitColumns reports the columns of a unit test's rows that the
// relation they stand for does not have (dbt refuses them too): a typo
// would otherwise be a NULL column and a test that passes. It stops that
// unit test only.
func (tc *testCompiler) unknownUnitColumns(u *models.UnitTest, pos models.Pos, cols, known []string, what string) {
	if known == nil {
		return
	}
	for _, c := range cols {
		if containsFold(known, c) {
			continue
		}
		tc.diags = append(tc.diags, models.Diagnostic{Pos: pos, Severity: models.Error,
			Message: fmt.Sprintf("unit test %q: %s has no column %q", u.Name, what, c),
			Hint:    cmpHint(suggest.Hint(c, known), "its columns: "+strings.Join(known, ", ")),
			Node:    u.UniqueID(tc.res.Project.Name)})
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

// modelColumns are the columns kiln knows of a model, for the table of a
// unit test input that stands for it: those declared in properties (with
// their data_type), then those the SQL analysis inferred (with DuckDB's
// types when it bound the query).
func (tc *testCompiler) modelColumns(m *models.Model) []models.Column {
	cols := append([]models.Column(nil), m.Columns...)
	if a := tc.res.Analysis(m.Name); a != nil {
		cols = mergeColumns(cols, a.Columns)
	}
	return cols
}

// mergeColumns adds to cols the columns of more it lacks, and the types
// of more to its columns without one.
func mergeColumns(cols, more []models.Column) []models.Column {
	for _, c := range more {
		i := slices.IndexFunc(cols, func(x models.Column) bool { return strings.EqualFold(x.Name, c.Name) })
		switch {
		case i < 0:
			cols = append(cols, models.Column{Name: c.Name, DataType: c.DataType})
		case cols[i].DataType == "":
			cols[i].DataType = c.DataType
		}
	}
	return cols
}

// seedColumns are a seed's columns: those declared, the others of its
// CSV header, with column_types as their types.
func seedColumns(s *models.Seed, dir string) []models.Column {
	cols := append([]models.Column(nil), s.Columns...)
	if f, err := os.Open(filepath.Join(dir, filepath.FromSlash(s.Path))); err == nil {
		header, _ := csv.NewReader(f).Read()
		f.Close()
		for _, h := range header {
			cols = mergeColumns(cols, []models.Column{{Name: strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")}})
		}
	}
	for i := range cols {
		if t, ok := s.Config.ColumnTypes[cols[i].Name]; ok {
			cols[i].DataType = t
		}
	}
	names := make([]string, 0, len(s.Config.ColumnTypes))
	for n := range s.Config.ColumnTypes {
		if !slices.ContainsFunc(cols, func(c models.Column) bool { return c.Name == n }) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		cols = append(cols, models.Column{Name: n, DataType: s.Config.ColumnTypes[n]})
	}
	return cols
}

// unitRows reads rows: as a list of mappings (format dict, the default) or
// as CSV text (format csv). owner is the entry that holds them.
func (tc *testCompiler) unitRows(file string, owner *yaml.Node, format string, n *yaml.Node) (models.UnitRows, bool) {
	out := models.UnitRows{Columns: []string{}, Rows: [][]models.Value{}}
	index := map[string]int{}
	var rows []map[string]models.Value
	add := func(col string) {
		if _, ok := index[col]; !ok {
			index[col] = len(out.Columns)
			out.Columns = append(out.Columns, col)
		}
	}
	switch format {
	case "", "dict":
		if n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
			break // no rows
		}
		if n.Kind != yaml.SequenceNode {
			tc.errorf(posOf(file, n), "for example  rows: [{ id: 1, status: placed }]", "rows needs a list of rows")
			return out, false
		}
		for _, rn := range n.Content {
			if rn.Kind != yaml.MappingNode {
				tc.errorf(posOf(file, rn), "for example  - { id: 1, status: placed }", "each row needs a mapping of column to value")
				return out, false
			}
			row := map[string]models.Value{}
			for i := 0; i+1 < len(rn.Content); i += 2 {
				k, v := rn.Content[i], rn.Content[i+1]
				val, ok := unitValue(v)
				if !ok {
					tc.errorf(posOf(file, v), "write a number, a string, true/false, null, or a date like 2024-01-31", "the value of %q needs to be a single value", k.Value)
					return out, false
				}
				add(k.Value)
				row[k.Value] = val
			}
			rows = append(rows, row)
		}
	case "csv":
		if n.Kind != yaml.ScalarNode {
			tc.errorf(posOf(file, n), "write rows: |\n\t  id,status\n\t  1,placed", "rows in csv format needs a text block")
			return out, false
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimSpace(n.Value))).ReadAll()
		if err != nil {
			tc.errorf(posOf(file, n), "", "reading the csv rows: %v", err)
			return out, false
		}
		if len(recs) > 0 {
			for _, h := range recs[0] {
				add(strings.TrimSpace(h))
			}
			for _, rec := range recs[1:] {
				row := map[string]models.Value{}
				for i, f := range rec {
					if i < len(out.Columns) {
						row[out.Columns[i]] = csvValue(f)
					}
				}
				rows = append(rows, row)
			}
		}
	case "sql":
		tc.errorf(posOf(file, orNode(mapGet(owner, "format"), owner)), "use format: dict (the default) or csv", "format sql is not supported")
		return out, false
	default:
		tc.errorf(posOf(file, orNode(mapGet(owner, "format"), owner)), cmpHint(suggest.Hint(format, []string{"csv", "dict"}), "valid formats: dict, csv"), "unknown rows format %q", format)
		return out, false
	}
	for _, row := range rows {
		vals := make([]models.Value, len(out.Columns))
		for i, c := range out.Columns {
			v, ok := row[c]
			if !ok {
				v = models.Value{Kind: models.NullValue, Text: "null"}
			}
			vals[i] = v
		}
		out.Rows = append(out.Rows, vals)
	}
	return out, true
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// unitValue reads one YAML scalar as a typed value: unquoted 2024-01-31 is
// a date, 1.50 a number, true a boolean; anything quoted is a string.
func unitValue(n *yaml.Node) (models.Value, bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return models.Value{}, false
	}
	v := n.Value
	switch n.ShortTag() {
	case "!!null":
		return models.Value{Kind: models.NullValue, Text: "null"}, true
	case "!!bool":
		return models.Value{Kind: models.BoolValue, Text: strings.ToLower(v)}, true
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64); err == nil {
			v = strconv.FormatInt(i, 10)
		}
		return models.Value{Kind: models.IntValue, Text: v}, true
	case "!!float":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return models.Value{Kind: models.StringValue, Text: v}, true // .inf, .nan
		}
		return models.Value{Kind: models.FloatValue, Text: v}, true
	case "!!timestamp":
		if dateRE.MatchString(v) {
			return models.Value{Kind: models.DateValue, Text: v}, true
		}
		return models.Value{Kind: models.TimestampValue, Text: v}, true
	}
	return models.Value{Kind: models.StringValue, Text: v}, true
}

// csvValue reads one CSV field: empty is null, the rest is typed as an
// unquoted YAML scalar would be.
func csvValue(f string) models.Value {
	f = strings.TrimSpace(f)
	if f == "" {
		return models.Value{Kind: models.NullValue, Text: "null"}
	}
	v, _ := unitValue(&yaml.Node{Kind: yaml.ScalarNode, Value: f})
	return v
}

// renderUnit renders the unit test's model with ref, source and this
// pointing at the tables of the given rows, and var and env overridden.
func (tc *testCompiler) renderUnit(m *models.Model, u *models.UnitTest) (string, *models.Diagnostic) {
	refs := map[string]string{}
	sources := map[string]string{}
	thisRel := ansiQuote(models.Relation{Schema: unitSchema(u), Name: m.Name})
	for _, in := range u.Given {
		rel := ansiQuote(in.Relation)
		switch {
		case in.This:
			thisRel = rel
		case in.Ref != "":
			refs[in.Ref] = rel
		default:
			sources[in.Source+"."+in.Table] = rel
		}
	}
	r := tc.r
	funcs := map[string]any{
		"ref": func(name string) (string, error) {
			if rel, ok := refs[name]; ok {
				return rel, nil
			}
			return "", &hintError{msg: fmt.Sprintf("no input is given for ref %q", name), hint: "add it to the unit test's given: list"}
		},
		"source": func(src, tbl string) (string, error) {
			if rel, ok := sources[src+"."+tbl]; ok {
				return rel, nil
			}
			return "", &hintError{msg: fmt.Sprintf("no input is given for source %q", src+"."+tbl), hint: "add it to the unit test's given: list"}
		},
		"this": func() string { return thisRel },
		"var": func(name string, def ...any) (any, error) {
			if v, ok := u.Vars[name]; ok {
				return v, nil
			}
			return r.variable(name, def...)
		},
		"env": func(name string, def ...string) (string, error) {
			if v, ok := u.Env[name]; ok {
				return v, nil
			}
			return r.envVar(name, def...)
		},
	}
	sql, d := r.render(m, renderOptions{Incremental: u.Incremental, Funcs: funcs})
	if d != nil {
		return "", d
	}
	return TrimStatement(sql) + "\n", nil
}
