package models

// TestType says what kind of test a Test or UnitTest is, in dbt's words.
type TestType string

// The test types of the test_type: selector.
const (
	// GenericTest is a test declared in properties YAML (unique, not_null,
	// accepted_values, relationships, expression) on a model, seed or
	// source, or on one of their columns.
	GenericTest TestType = "generic"
	// SingularTest is a tests/*.sql file: a query that returns the failing
	// rows.
	SingularTest TestType = "singular"
	// UnitTestType is a unit_tests: entry: a model run on given rows and
	// compared with expected rows.
	UnitTestType TestType = "unit"
)

// The severities a data test may have.
const (
	SeverityError = "error"
	SeverityWarn  = "warn"
)

// Test is a data test: a query whose rows are failures. Generic tests are
// compiled from their name and arguments; singular tests are rendered from
// their template.
type Test struct {
	// Name is dbt's deterministic name, e.g. not_null_orders_order_id, or
	// the file's base name for a singular test.
	Name string   `json:"name"`
	Type TestType `json:"test_type"`
	// TestName is the generic test's name, e.g. "accepted_values"; empty
	// for a singular test.
	TestName string `json:"test_name,omitempty"`
	// Path is the file that declares the test: the properties YAML or the
	// tests/*.sql file, relative to the project.
	Path string `json:"path"`
	// CompiledPath is where the compiled SQL is written under
	// target/compiled/: models/schema.yml/<name>.sql or tests/<name>.sql.
	CompiledPath string `json:"compiled_path"`
	Pos          Pos    `json:"-"`
	// AttachedTo is the unique id of the model, seed or source the test is
	// declared on; empty for a singular test.
	AttachedTo string `json:"attached_node,omitempty"`
	// Column is the column (or, with column_name, the expression) a
	// generic test checks; empty for a test on the whole relation.
	Column string `json:"column_name,omitempty"`
	// Kwargs are the generic test's arguments as written, for the manifest.
	Kwargs map[string]any `json:"kwargs,omitempty"`
	// Refs and Sources are the relations the test reads besides the one it
	// is attached to: the "to" of relationships, or what a singular test
	// refs.
	Refs    []Ref       `json:"refs"`
	Sources []SourceRef `json:"sources"`
	Macros  []string    `json:"macros,omitempty"`
	// Raw is a singular test's template.
	Raw    string `json:"-"`
	Config Config `json:"config"`
	// Description is the test's description, if any.
	Description string `json:"description,omitempty"`
}

// UniqueID is test.<project>.<name>.
func (t *Test) UniqueID(project string) string { return "test." + project + "." + t.Name }

// UnitTest is a unit_tests: entry of a properties file: a model rendered
// against given rows instead of its upstream relations, whose output is
// compared with the expected rows.
type UnitTest struct {
	Name        string      `json:"name"`
	Model       string      `json:"model"`
	Description string      `json:"description,omitempty"`
	Path        string      `json:"path"`
	Pos         Pos         `json:"-"`
	Given       []UnitInput `json:"given"`
	Expect      UnitRows    `json:"expect"`
	// Incremental is what {{ is_incremental }} returns (overrides:
	// macros: is_incremental).
	Incremental bool `json:"incremental,omitempty"`
	// Vars and Env override project variables and environment variables.
	Vars   map[string]any    `json:"vars,omitempty"`
	Env    map[string]string `json:"env_vars,omitempty"`
	Config Config            `json:"config"`
}

// UniqueID is unit_test.<project>.<model>.<name>, as dbt names it.
func (u *UnitTest) UniqueID(project string) string {
	return "unit_test." + project + "." + u.Model + "." + u.Name
}

// UnitInput is one given: input of a unit test and its rows.
type UnitInput struct {
	// Input is the input as written: ref('orders'), ref orders,
	// source('raw', 'orders'), source raw orders, or this.
	Input string `json:"input"`
	// Ref, or Source and Table, or This say which relation it stands for.
	Ref    string `json:"ref,omitempty"`
	Source string `json:"source,omitempty"`
	Table  string `json:"table,omitempty"`
	This   bool   `json:"this,omitempty"`
	// Columns are the declared columns of the relation it stands for, when
	// properties declare them; they give the input table its columns and
	// types beyond those named in the rows.
	Columns []Column `json:"columns,omitempty"`
	// Relation is the table the rows are loaded into in the unit tests'
	// database; the model's rendered SQL reads it.
	Relation Relation `json:"relation"`
	UnitRows
	Pos Pos `json:"-"`
}

// UnitRows are rows of a unit test, each a mapping of column to value.
type UnitRows struct {
	// Columns lists every column named in Rows, in order of first use.
	Columns []string `json:"columns"`
	// Rows hold one value per column of Columns.
	Rows [][]Value `json:"rows"`
}

// ValueKind is the YAML type of a Value.
type ValueKind string

// The kinds of values a unit test row holds.
const (
	NullValue      ValueKind = "null"
	BoolValue      ValueKind = "bool"
	IntValue       ValueKind = "int"
	FloatValue     ValueKind = "float"
	StringValue    ValueKind = "string"
	DateValue      ValueKind = "date"
	TimestampValue ValueKind = "timestamp"
)

// Value is one value of a unit test's rows, as written: unquoted 2024-01-01
// in YAML is a date, 1.50 a number, "1.50" a string.
type Value struct {
	Kind ValueKind `json:"kind"`
	Text string    `json:"text"`
}
