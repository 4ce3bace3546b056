package models

// Materialization says how a model is built in the database.
type Materialization string

// The materializations of SPEC §7.
const (
	View             Materialization = "view"
	Table            Materialization = "table"
	Incremental      Materialization = "incremental"
	MaterializedView Materialization = "materialized_view"
	Ephemeral        Materialization = "ephemeral"
)

// Materializations lists every valid materialization, for hints.
var Materializations = []Materialization{View, Table, Incremental, MaterializedView, Ephemeral}

// Incremental strategies.
const (
	StrategyAppend       = "append"
	StrategyMerge        = "merge"
	StrategyDeleteInsert = "delete+insert"
)

// On-schema-change policies for incremental models.
const (
	SchemaChangeIgnore = "ignore"
	SchemaChangeAppend = "append_new_columns"
	SchemaChangeFail   = "fail"
)

// Config is a model's (or seed's) resolved configuration, after folder
// defaults, properties YAML and the model's own config call were merged.
type Config struct {
	Materialized        Materialization   `json:"materialized"`
	Schema              string            `json:"schema,omitempty"`
	Alias               string            `json:"alias,omitempty"`
	Tags                []string          `json:"tags"`
	Enabled             bool              `json:"enabled"`
	UniqueKey           []string          `json:"unique_key,omitempty"`
	IncrementalStrategy string            `json:"incremental_strategy,omitempty"`
	OnSchemaChange      string            `json:"on_schema_change,omitempty"`
	FullRefresh         *bool             `json:"full_refresh,omitempty"`
	PreHook             []string          `json:"pre_hook,omitempty"`
	PostHook            []string          `json:"post_hook,omitempty"`
	Contract            Contract          `json:"contract"`
	PersistDocs         map[string]bool   `json:"persist_docs,omitempty"`
	ColumnTypes         map[string]string `json:"column_types,omitempty"` // seeds only
	Severity            string            `json:"severity,omitempty"`     // tests only
	// The other keys of a data test's config (dbt's names).
	Where         string `json:"where,omitempty"`
	ErrorIf       string `json:"error_if,omitempty"`
	WarnIf        string `json:"warn_if,omitempty"`
	StoreFailures *bool  `json:"store_failures,omitempty"`
	Limit         *int   `json:"limit,omitempty"`
}

// TestMaterialization is the materialization dbt reports for tests in the
// manifest; no model can have it.
const TestMaterialization Materialization = "test"

// Contract is a model's promise about its output columns.
type Contract struct {
	Enforced bool `json:"enforced"`
}

// ConfigKeys lists the keys a model's config accepts, in dbt's spelling.
// Folder defaults in kiln.yml spell them with a leading "+".
var ConfigKeys = []string{
	"materialized", "schema", "alias", "tags", "enabled", "unique_key",
	"incremental_strategy", "on_schema_change", "full_refresh",
	"pre_hook", "post_hook", "contract", "persist_docs", "column_types",
}
