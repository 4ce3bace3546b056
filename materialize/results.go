package materialize

import (
	"encoding/json"
	"time"

	"github.com/kiln-sql/kiln/compiler"
)

// RunResults is target/run_results.json, in the shape of dbt's (schema v6)
// so that tools written for dbt can read it.
type RunResults struct {
	Metadata    RunMetadata    `json:"metadata"`
	Results     []ResultRecord `json:"results"`
	ElapsedTime float64        `json:"elapsed_time"`
	Args        map[string]any `json:"args"`
}

// RunMetadata identifies the run.
type RunMetadata struct {
	SchemaVersion string `json:"dbt_schema_version"`
	KilnVersion   string `json:"kiln_version"`
	GeneratedAt   string `json:"generated_at"`
	InvocationID  string `json:"invocation_id"`
}

// ResultRecord is one node's entry.
type ResultRecord struct {
	UniqueID        string          `json:"unique_id"`
	Status          string          `json:"status"`
	Message         string          `json:"message"`
	Failures        *int64          `json:"failures"`
	ExecutionTime   float64         `json:"execution_time"`
	ThreadID        string          `json:"thread_id"`
	Timing          []Timing        `json:"timing"`
	AdapterResponse AdapterResponse `json:"adapter_response"`
	RelationName    string          `json:"relation_name,omitempty"`
	CompiledCode    string          `json:"compiled_code,omitempty"`
}

// Timing is one phase of a node's execution.
type Timing struct {
	Name        string `json:"name"`
	StartedAt   string `json:"started_at"`
	CompletedAt string `json:"completed_at"`
}

// AdapterResponse is what the database said.
type AdapterResponse struct {
	Message      string `json:"_message"`
	RowsAffected int64  `json:"rows_affected"`
}

// Record converts a step's result into its run_results.json entry.
func (r *NodeResult) Record(relationName string) ResultRecord {
	rec := ResultRecord{
		UniqueID:        r.Step.ID,
		Status:          r.Status,
		Message:         r.Message,
		ExecutionTime:   r.Duration.Seconds(),
		ThreadID:        "main",
		Timing:          []Timing{},
		AdapterResponse: AdapterResponse{Message: r.Status, RowsAffected: r.RowsAffected},
		RelationName:    relationName,
	}
	if r.Test != nil {
		n := r.Test.Failures
		rec.Failures = &n
	}
	if !r.Started.IsZero() {
		rec.Timing = append(rec.Timing, Timing{Name: "execute",
			StartedAt:   r.Started.UTC().Format(time.RFC3339Nano),
			CompletedAt: r.Started.Add(r.Duration).UTC().Format(time.RFC3339Nano)})
	}
	return rec
}

// Write writes the results as indented JSON to path, atomically.
func (rr *RunResults) Write(path string) error {
	if rr.Results == nil {
		rr.Results = []ResultRecord{}
	}
	data, err := json.MarshalIndent(rr, "", "  ")
	if err != nil {
		return err
	}
	return compiler.WriteFileAtomic(path, append(data, '\n'))
}
