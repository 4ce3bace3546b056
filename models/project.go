package models

import "strings"

// ResourceType is the kind of a node in the graph.
type ResourceType string

// The resource types, in dbt's spelling.
const (
	ResourceModel  ResourceType = "model"
	ResourceSeed   ResourceType = "seed"
	ResourceSource ResourceType = "source"
	ResourceTest   ResourceType = "test"
)

// Relation is a database relation, unquoted. Database may be empty.
type Relation struct {
	Database string `json:"database,omitempty"`
	Schema   string `json:"schema"`
	Name     string `json:"name"`
}

// String joins the non-empty parts with dots, without quoting.
func (r Relation) String() string {
	parts := make([]string, 0, 3)
	for _, p := range []string{r.Database, r.Schema, r.Name} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

// Target is where a run goes: an engine, a connection and a default schema.
// DSN may hold secrets; it is never logged or written to an artifact.
type Target struct {
	Name    string `json:"name"`
	Type    string `json:"type"`           // "duckdb" or "postgres"
	Path    string `json:"path,omitempty"` // duckdb: the database file, relative to the project
	DSN     string `json:"-"`              // postgres: connection string (secret)
	Schema  string `json:"schema"`
	Threads int    `json:"threads"`
}

// Column is a declared or inferred column of a model, seed or source.
type Column struct {
	Name        string   `json:"name"`
	DataType    string   `json:"data_type,omitempty"`
	Description string   `json:"description,omitempty"`
	Tests       []string `json:"tests,omitempty"` // names of the tests declared on it
	Tags        []string `json:"tags,omitempty"`
}

// Ref is one call of ref found in a template, with where it was written.
type Ref struct {
	Name string `json:"name"`
	Pos  Pos    `json:"-"`
}

// SourceRef is one call of source found in a template.
type SourceRef struct {
	Source string `json:"source"`
	Table  string `json:"table"`
	Pos    Pos    `json:"-"`
}

// Model is one models/**/*.sql file and everything known about it.
type Model struct {
	Name string `json:"name"`
	Path string `json:"path"` // relative to the project, e.g. models/staging/stg_orders.sql
	// Raw is the template as written. Compile drops it when it is done
	// with it (10,000 models hold megabytes of it); Checksum stays.
	Raw         string      `json:"-"`
	Checksum    string      `json:"-"` // sha256 of Raw, in hex
	Config      Config      `json:"config"`
	Description string      `json:"description,omitempty"`
	Columns     []Column    `json:"columns,omitempty"`
	Refs        []Ref       `json:"refs"`
	Sources     []SourceRef `json:"sources"`
	Macros      []string    `json:"macros,omitempty"` // macros the template calls, directly or not
	Relation    Relation    `json:"relation"`
	ConfigPos   Pos         `json:"-"` // where the model's properties entry is, if any
}

// UniqueID is the node's id in the graph and in artifacts: model.<project>.<name>.
func (m *Model) UniqueID(project string) string { return "model." + project + "." + m.Name }

// Source is one table of a declared source.
type Source struct {
	SourceName  string `json:"source_name"`
	Name        string `json:"name"` // the table's name in kiln
	Identifier  string `json:"identifier"`
	Description string `json:"description,omitempty"`
	// SourceDescription is the description of the source the table is in.
	SourceDescription string   `json:"source_description,omitempty"`
	Columns           []Column `json:"columns,omitempty"`
	Tags              []string `json:"tags,omitempty"`
	Relation          Relation `json:"relation"`
	Pos               Pos      `json:"-"`
	Path              string   `json:"path"` // the properties file that declares it
}

// UniqueID is source.<project>.<source>.<table>.
func (s *Source) UniqueID(project string) string {
	return "source." + project + "." + s.SourceName + "." + s.Name
}

// Seed is one seeds/*.csv file.
type Seed struct {
	Name        string   `json:"name"`
	Path        string   `json:"path"`
	Config      Config   `json:"config"`
	Description string   `json:"description,omitempty"`
	Columns     []Column `json:"columns,omitempty"`
	Relation    Relation `json:"relation"`
}

// UniqueID is seed.<project>.<name>.
func (s *Seed) UniqueID(project string) string { return "seed." + project + "." + s.Name }

// Macro is one {{ define "name" }} block from macros/*.sql.
type Macro struct {
	Name string `json:"name"`
	Pos  Pos    `json:"-"`
}

// Project is a loaded kiln project: its settings and every resource in it.
// Slices are sorted by name so that iteration is deterministic.
type Project struct {
	Name       string            `json:"name"`
	Dir        string            `json:"-"` // absolute
	Dialect    string            `json:"dialect"`
	Target     Target            `json:"target"`
	Targets    map[string]Target `json:"-"`
	Vars       map[string]any    `json:"vars"`
	OnRunStart []string          `json:"on_run_start,omitempty"`
	OnRunEnd   []string          `json:"on_run_end,omitempty"`
	Models     []*Model          `json:"models"`
	Sources    []*Source         `json:"sources"`
	Seeds      []*Seed           `json:"seeds"`
	Macros     []Macro           `json:"macros"`
	Tests      []*Test           `json:"tests"`
	UnitTests  []*UnitTest       `json:"unit_tests"`
}

// Model returns the model with the given name, or nil.
func (p *Project) Model(name string) *Model {
	for _, m := range p.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// BindStep is one relation for the SQL analysis to create, empty, in its
// scratch database: the result of a query the database binds, or a table
// with columns kiln already knows.
type BindStep struct {
	Relation Relation
	// Query is bound and its columns become the relation's; when it is
	// "", the relation is created with Columns.
	Query   string
	Columns []Column
	// Reads are schema-qualified relations Query certainly reads; when
	// one does not exist, the query is not tried.
	Reads []Relation
}
