package compiler

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/models"
)

// ColumnMismatch is one way a relation's columns break a model's contract.
type ColumnMismatch struct {
	Column string
	// Problem is "missing" (declared, not in the relation), "extra" (in
	// the relation, not declared) or "type" (both, with different types).
	Problem  string
	Declared string // the declared type
	Actual   string // the relation's type
}

// The problems of a ColumnMismatch.
const (
	ColumnMissing = "missing"
	ColumnExtra   = "extra"
	ColumnType    = "type"
)

// String says what is wrong with the column, in words.
func (m ColumnMismatch) String() string {
	switch m.Problem {
	case ColumnMissing:
		return fmt.Sprintf("column %q is missing: the contract declares it (%s), the query does not return it", m.Column, m.Declared)
	case ColumnExtra:
		return fmt.Sprintf("column %q is extra: the query returns it (%s), the contract does not declare it", m.Column, m.Actual)
	}
	return fmt.Sprintf("column %q has the wrong type: the contract declares %s, the query returns %s", m.Column, m.Declared, m.Actual)
}

// CompareColumns compares a contract's declared columns with the columns
// of a relation (or of an analysed query) on the given engine ("duckdb",
// "postgres"). Names are compared without regard to case; types after
// NormalizeType, and only when both sides have one. The result is in the
// order of the declared columns, then the extra ones.
func CompareColumns(engine string, declared, actual []models.Column) []ColumnMismatch {
	var out []ColumnMismatch
	find := func(cols []models.Column, name string) *models.Column {
		for i := range cols {
			if strings.EqualFold(cols[i].Name, name) {
				return &cols[i]
			}
		}
		return nil
	}
	for _, d := range declared {
		a := find(actual, d.Name)
		switch {
		case a == nil:
			out = append(out, ColumnMismatch{Column: d.Name, Problem: ColumnMissing, Declared: d.DataType})
		case d.DataType != "" && a.DataType != "" && !SameType(engine, d.DataType, a.DataType):
			out = append(out, ColumnMismatch{Column: d.Name, Problem: ColumnType, Declared: d.DataType, Actual: a.DataType})
		}
	}
	for _, a := range actual {
		if find(declared, a.Name) == nil {
			out = append(out, ColumnMismatch{Column: a.Name, Problem: ColumnExtra, Actual: a.DataType})
		}
	}
	return out
}

// SameType says whether two spellings of a type name the same type on the
// engine. Lengths, precisions and scales are compared only when both sides
// give them: decimal matches decimal(18,2), but decimal(18,3) does not.
func SameType(engine, a, b string) bool {
	na, pa := splitType(NormalizeType(engine, a))
	nb, pb := splitType(NormalizeType(engine, b))
	if na != nb {
		return false
	}
	return pa == "" || pb == "" || pa == pb
}

var typeParamsRE = regexp.MustCompile(`^([^(]*?)\s*\(([^)]*)\)(.*)$`)

// splitType separates "numeric(18,2)" into "numeric" and "18,2", keeping an
// array suffix with the name.
func splitType(t string) (string, string) {
	if m := typeParamsRE.FindStringSubmatch(t); m != nil {
		return m[1] + m[3], m[2]
	}
	return t, ""
}

// typeSynonyms map the spellings of a type to kiln's canonical name, on
// every engine; engineSynonyms hold the spellings whose meaning differs.
var typeSynonyms = map[string]string{
	"int": "integer", "integer": "integer", "int4": "integer", "signed": "integer", "int32": "integer", "serial": "integer",
	"bigint": "bigint", "int8": "bigint", "long": "bigint", "int64": "bigint", "bigserial": "bigint",
	"smallint": "smallint", "int2": "smallint", "short": "smallint", "int16": "smallint",
	"tinyint": "tinyint", "int1": "tinyint",
	"hugeint": "hugeint", "int128": "hugeint",
	"varchar": "text", "text": "text", "string": "text", "character varying": "text", "char varying": "text", "nvarchar": "text",
	"double": "double", "float8": "double", "double precision": "double",
	"real": "real", "float4": "real",
	"decimal": "numeric", "numeric": "numeric", "dec": "numeric",
	"bool": "boolean", "boolean": "boolean", "logical": "boolean",
	"timestamp": "timestamp", "datetime": "timestamp", "timestamp without time zone": "timestamp",
	"timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
	"time": "time", "time without time zone": "time",
	"timetz": "timetz", "time with time zone": "timetz",
	"date": "date", "interval": "interval", "uuid": "uuid",
	"blob": "blob", "bytea": "blob", "binary": "blob", "varbinary": "blob",
}

var engineSynonyms = map[string]map[string]string{
	// DuckDB's FLOAT is four bytes; its CHAR is a VARCHAR.
	"duckdb": {"float": "real", "char": "text", "character": "text", "bpchar": "text"},
	// PostgreSQL's FLOAT is double precision; CHAR pads with blanks.
	"postgres": {"float": "double", "char": "char", "character": "char", "bpchar": "char"},
}

var spaceRE = regexp.MustCompile(`\s+`)

// NormalizeType spells a type the way kiln compares types on an engine:
// lower case, single spaces, synonyms folded (int4 and integer are
// "integer", varchar and text are "text", decimal(p,s) is numeric(p,s)).
// A type kiln does not know is returned lower-cased.
func NormalizeType(engine, t string) string {
	t = strings.ToLower(strings.TrimSpace(spaceRE.ReplaceAllString(t, " ")))
	base, params := splitType(t)
	arr := ""
	for strings.HasSuffix(base, "[]") {
		arr += "[]"
		base = strings.TrimSpace(strings.TrimSuffix(base, "[]"))
	}
	base = strings.TrimSpace(base)
	if s, ok := engineSynonyms[engine][base]; ok {
		base = s
	} else if s, ok := typeSynonyms[base]; ok {
		base = s
	}
	if params != "" {
		params = strings.ReplaceAll(params, " ", "")
		if base == "text" {
			params = "" // DuckDB ignores lengths; compare the kind of string only
		}
	}
	if params != "" {
		return base + "(" + params + ")" + arr
	}
	return base + arr
}

// CheckContract compares a model's declared columns with the columns kiln
// inferred from its SQL, for a compile-time check of an enforced contract.
// Types are compared when inferred columns carry them (DuckDB's types, as
// the analysis binds them). It returns one error per mismatch, positioned
// at the model's properties entry.
//
// columnPos, when not nil, places a mismatch of a declared column at that
// column's line.
func CheckContract(engine string, m *models.Model, inferred []models.Column, columnPos map[string]models.Pos) models.Diagnostics {
	if !m.Config.Contract.Enforced || inferred == nil {
		return nil
	}
	pos := m.ConfigPos
	if pos.File == "" {
		pos = models.Pos{File: m.Path}
	}
	var diags models.Diagnostics
	for _, mm := range CompareColumns(engine, m.Columns, inferred) {
		p := pos
		if cp, ok := columnPos[strings.ToLower(mm.Column)]; ok {
			p = cp
		}
		diags = append(diags, models.Diagnostic{Pos: p, Severity: models.Error,
			Message: fmt.Sprintf("model %q breaks its contract: %s", m.Name, mm), Hint: contractHint(mm)})
	}
	return diags
}

// columnPositions maps each declared column of a model (lower-cased) to
// the line of its data_type in the properties file, or of its entry.
func (res *Result) columnPositions(m *models.Model) map[string]models.Pos {
	rp := res.props.models[m.Name]
	if rp == nil {
		return nil
	}
	seq := mapGet(res.props.docs[rp.file], "models")
	if seq == nil {
		return nil
	}
	for _, entry := range seq.Content {
		if n := mapGet(entry, "name"); n == nil || n.Value != m.Name {
			continue
		}
		cols := mapGet(entry, "columns")
		if cols == nil {
			return nil
		}
		out := map[string]models.Pos{}
		for _, c := range cols.Content {
			name := mapGet(c, "name")
			if name == nil {
				continue
			}
			at := c
			if dt := mapGet(c, "data_type"); dt != nil {
				at = dt
			}
			out[strings.ToLower(name.Value)] = posOf(rp.file, at)
		}
		return out
	}
	return nil
}

func contractHint(mm ColumnMismatch) string {
	switch mm.Problem {
	case ColumnMissing:
		return "return the column from the query, or remove it from columns:"
	case ColumnExtra:
		return "declare it under columns: with its data_type, or stop returning it"
	}
	return "cast it in the query, or change its data_type"
}

// contractDeclarations checks that a model with an enforced contract
// declares its columns with their types: the i-th model entry of a
// properties file.
func contractDeclarations(m *models.Model, rp *resourceProp, doc *yaml.Node, file string, i int) models.Diagnostics {
	var diags models.Diagnostics
	entry := rp.pos
	if m.Config.Materialized == models.Ephemeral {
		return models.Diagnostics{{Pos: entry, Severity: models.Error,
			Message: fmt.Sprintf("model %q is ephemeral and has an enforced contract", m.Name),
			Hint:    "an ephemeral model has no relation to check; materialize it as a view or table, or drop the contract"}}
	}
	if len(rp.Columns) == 0 {
		return models.Diagnostics{{Pos: entry, Severity: models.Error,
			Message: fmt.Sprintf("model %q has an enforced contract but declares no columns", m.Name),
			Hint:    "declare every column it returns under columns:, each with a data_type"}}
	}
	var colSeq *yaml.Node
	if seq := mapGet(doc, "models"); seq != nil && i < len(seq.Content) {
		colSeq = mapGet(seq.Content[i], "columns")
	}
	for j, c := range rp.Columns {
		if c.DataType != "" {
			continue
		}
		pos := entry
		if colSeq != nil && j < len(colSeq.Content) {
			pos = posOf(file, colSeq.Content[j])
		}
		diags = append(diags, models.Diagnostic{Pos: pos, Severity: models.Error,
			Message: fmt.Sprintf("column %q of model %q has no data_type, which its enforced contract needs", c.Name, m.Name),
			Hint:    "add data_type: to the column, e.g. data_type: integer"})
	}
	return diags
}

// contractWithoutProperties reports models whose config call enforces a
// contract while no properties file declares their columns.
func contractWithoutProperties(p *models.Project, props *loadedProperties) models.Diagnostics {
	var diags models.Diagnostics
	for _, m := range p.Models {
		if m.Config.Contract.Enforced && props.models[m.Name] == nil {
			diags = append(diags, models.Diagnostic{Pos: models.Pos{File: m.Path}, Severity: models.Error,
				Message: fmt.Sprintf("model %q has an enforced contract but declares no columns", m.Name),
				Hint:    "declare its columns with their data_type in a properties file under models/"})
		}
	}
	return diags
}
