package compiler

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/models"
)

// propertiesFile mirrors a models/**/*.yml file (SPEC §4).
type propertiesFile struct {
	Version   any             `yaml:"version"`
	Sources   []sourceProps   `yaml:"sources"`
	Models    []resourceProp  `yaml:"models"`
	Seeds     []resourceProp  `yaml:"seeds"`
	UnitTests []unitTestProps `yaml:"unit_tests"`
}

type sourceProps struct {
	Name        string             `yaml:"name"`
	Description string             `yaml:"description"`
	Database    string             `yaml:"database"`
	Schema      string             `yaml:"schema"`
	Tags        []string           `yaml:"tags"`
	Tables      []sourceTableProps `yaml:"tables"`
}

type sourceTableProps struct {
	Name        string        `yaml:"name"`
	Identifier  string        `yaml:"identifier"`
	Description string        `yaml:"description"`
	Tags        []string      `yaml:"tags"`
	Columns     []columnProps `yaml:"columns"`
	Tests       []testSpec    `yaml:"tests"`
	DataTests   []testSpec    `yaml:"data_tests"`
}

// resourceProp is a model's or seed's entry in a properties file.
type resourceProp struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Config      yaml.Node     `yaml:"config"`
	Contract    yaml.Node     `yaml:"contract"`
	Columns     []columnProps `yaml:"columns"`
	Tests       []testSpec    `yaml:"tests"`
	DataTests   []testSpec    `yaml:"data_tests"`

	pos  models.Pos
	file string
}

type columnProps struct {
	Name        string     `yaml:"name"`
	DataType    string     `yaml:"data_type"`
	Description string     `yaml:"description"`
	Tags        []string   `yaml:"tags"`
	Quote       *bool      `yaml:"quote"`
	Tests       []testSpec `yaml:"tests"`
	DataTests   []testSpec `yaml:"data_tests"`
}

// testSpec is one entry of a tests: list, kept as written: a name
// ("unique") or a mapping ({accepted_values: {values: […]}}).
type testSpec struct {
	Node yaml.Node
}

// UnmarshalYAML keeps the node for the test compiler.
func (t *testSpec) UnmarshalYAML(n *yaml.Node) error {
	t.Node = *n
	return nil
}

// configValues lists the entries of a properties config: mapping.
func (rp *resourceProp) configValues() ([]configValue, models.Diagnostics) {
	var out []configValue
	var diags models.Diagnostics
	n := &rp.Config
	if n.Kind != 0 && n.Kind != yaml.MappingNode {
		return nil, models.Diagnostics{{Pos: posOf(rp.file, n), Severity: models.Error, Message: "config needs a mapping", Hint: "for example  config: { materialized: table }"}}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		var v any
		if err := n.Content[i+1].Decode(&v); err != nil {
			diags = append(diags, yamlErrors(rp.file, n.Content[i+1], err)...)
			continue
		}
		out = append(out, configValue{Key: n.Content[i].Value, Value: v, Pos: posOf(rp.file, n.Content[i])})
	}
	if rp.Contract.Kind != 0 {
		var v any
		if err := rp.Contract.Decode(&v); err != nil {
			diags = append(diags, yamlErrors(rp.file, &rp.Contract, err)...)
		} else {
			out = append(out, configValue{Key: "contract", Value: v, Pos: posOf(rp.file, &rp.Contract)})
		}
	}
	return out, diags
}

func (rp *resourceProp) columns() []models.Column {
	cols := make([]models.Column, 0, len(rp.Columns))
	for _, c := range rp.Columns {
		cols = append(cols, models.Column{Name: c.Name, DataType: c.DataType, Description: c.Description, Tags: c.Tags})
	}
	return cols
}

// loadedProperties gathers every properties file of a project.
type loadedProperties struct {
	sources []*models.Source
	models  map[string]*resourceProp
	seeds   map[string]*resourceProp
	files   map[string]*propertiesFile
	docs    map[string]*yaml.Node // each file's node tree, for positions
}

// Values interpolate ${env:…} and ${var:…} as kiln.yml's do, through
// newInterp (nil: they do not). Unlike kiln.yml's, the values they read
// are not secrets: properties name relations and describe them, they hold
// no credentials.
func loadProperties(read func(string) ([]byte, error), files []string, targetSchema string, newInterp func(file string) *interpolator) (*loadedProperties, models.Diagnostics) {
	lp := &loadedProperties{models: map[string]*resourceProp{}, seeds: map[string]*resourceProp{}, files: map[string]*propertiesFile{}, docs: map[string]*yaml.Node{}}
	var diags models.Diagnostics
	seenSource := map[string]models.Pos{}
	// Files are read, parsed and decoded in parallel, then merged in order.
	type decoded struct {
		doc   *yaml.Node
		pf    propertiesFile
		diags models.Diagnostics
	}
	dec := make([]decoded, len(files))
	parallel(len(files), func(i int) {
		x := &dec[i]
		data, err := read(files[i])
		if err != nil {
			x.diags = models.Diagnostics{{Pos: models.Pos{File: files[i]}, Severity: models.Error, Message: err.Error()}}
			return
		}
		x.doc, x.diags = parseYAML(files[i], data)
		if x.doc != nil && newInterp != nil {
			x.diags = append(x.diags, newInterp(files[i]).node(x.doc, "", func(string) bool { return false })...)
		}
		if x.doc != nil {
			x.diags = append(x.diags, decodeStrict(files[i], x.doc, &x.pf)...)
		}
	})

	for i, file := range files {
		doc := dec[i].doc
		diags = append(diags, dec[i].diags...)
		if doc == nil {
			continue
		}
		pf := dec[i].pf
		lp.files[file] = &pf
		lp.docs[file] = doc
		collect := func(section string, entries []resourceProp, into map[string]*resourceProp) {
			seq := mapGet(doc, section)
			for i := range entries {
				e := &entries[i]
				e.file = file
				if seq != nil && i < len(seq.Content) {
					e.pos = posOf(file, seq.Content[i])
				}
				if e.Name == "" {
					diags = append(diags, models.Diagnostic{Pos: e.pos, Severity: models.Error, Message: fmt.Sprintf("%s entry has no name", section[:len(section)-1])})
					continue
				}
				if prev, ok := into[e.Name]; ok {
					diags = append(diags, models.Diagnostic{Pos: e.pos, Severity: models.Error,
						Message: fmt.Sprintf("properties for %q are declared twice", e.Name), Hint: "the other entry is at " + prev.pos.String()})
					continue
				}
				into[e.Name] = e
			}
		}
		collect("models", pf.Models, lp.models)
		collect("seeds", pf.Seeds, lp.seeds)
		srcSeq := mapGet(doc, "sources")
		for i, s := range pf.Sources {
			spos := models.Pos{File: file}
			if srcSeq != nil && i < len(srcSeq.Content) {
				spos = posOf(file, srcSeq.Content[i])
			}
			schema := s.Schema
			if schema == "" {
				schema = targetSchema
			}
			for _, key := range []string{"schema", "database"} {
				if n := mapGet(srcSeq.Content[i], key); n != nil && strings.Contains(n.Value, "{{") {
					diags = append(diags, models.Diagnostic{Pos: posOf(file, n), Severity: models.Error,
						Message: fmt.Sprintf("a source's %s is not a template", key),
						Hint:    "use ${var:name} or ${env:NAME:-default} here, or leave schema out to use the target's"})
				}
			}
			tblSeq := mapGet(srcSeq.Content[i], "tables")
			for j, t := range s.Tables {
				tpos := spos
				if tblSeq != nil && j < len(tblSeq.Content) {
					tpos = posOf(file, tblSeq.Content[j])
				}
				key := s.Name + "." + t.Name
				if prev, ok := seenSource[key]; ok {
					diags = append(diags, models.Diagnostic{Pos: tpos, Severity: models.Error,
						Message: fmt.Sprintf("source table %q is declared twice", key), Hint: "the other declaration is at " + prev.String()})
					continue
				}
				seenSource[key] = tpos
				ident := t.Identifier
				if ident == "" {
					ident = t.Name
				}
				cols := make([]models.Column, 0, len(t.Columns))
				for _, c := range t.Columns {
					cols = append(cols, models.Column{Name: c.Name, DataType: c.DataType, Description: c.Description, Tags: c.Tags})
				}
				lp.sources = append(lp.sources, &models.Source{
					SourceName: s.Name, Name: t.Name, Identifier: ident, Description: t.Description, SourceDescription: s.Description,
					Columns: cols, Tags: mergeTags(s.Tags, t.Tags), Relation: models.Relation{Database: s.Database, Schema: schema, Name: ident},
					Pos: tpos, Path: file,
				})
			}
		}
	}
	return lp, diags
}
