package compiler

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/models"
)

func TestSameType(t *testing.T) {
	for _, c := range []struct {
		engine, a, b string
		same         bool
	}{
		{"duckdb", "int", "INTEGER", true},
		{"postgres", "int4", "integer", true},
		{"duckdb", "bigint", "INT8", true},
		{"duckdb", "integer", "BIGINT", false},
		{"duckdb", "varchar", "VARCHAR", true},
		{"postgres", "text", "character varying", true},
		{"postgres", "string", "character varying(255)", true},
		{"duckdb", "double", "DOUBLE", true},
		{"postgres", "float8", "double precision", true},
		{"postgres", "float", "double precision", true},
		{"duckdb", "float", "DOUBLE", false}, // DuckDB's FLOAT is four bytes
		{"duckdb", "float", "FLOAT", true},
		{"duckdb", "decimal(18,2)", "DECIMAL(18,2)", true},
		{"postgres", "decimal(18, 2)", "numeric(18,2)", true},
		{"duckdb", "decimal(18,2)", "DECIMAL(18,3)", false},
		{"postgres", "decimal(18,2)", "numeric", true}, // no precision on one side
		{"duckdb", "bool", "BOOLEAN", true},
		{"postgres", "timestamp", "timestamp without time zone", true},
		{"postgres", "timestamptz", "timestamp with time zone", true},
		{"duckdb", "timestamp", "TIMESTAMP WITH TIME ZONE", false},
		{"duckdb", "date", "TIMESTAMP", false},
		{"postgres", "int[]", "integer[]", true},
		{"duckdb", "uuid", "UUID", true},
		{"duckdb", "json", "JSON", true},
	} {
		if got := SameType(c.engine, c.a, c.b); got != c.same {
			t.Errorf("SameType(%s, %q, %q) = %v, want %v", c.engine, c.a, c.b, got, c.same)
		}
	}
}

func cols(pairs ...string) []models.Column {
	var out []models.Column
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, models.Column{Name: pairs[i], DataType: pairs[i+1]})
	}
	return out
}

func TestCompareColumns(t *testing.T) {
	declared := cols("id", "integer", "name", "varchar", "amount", "decimal(18,2)", "gone", "date")
	actual := cols("ID", "INTEGER", "name", "VARCHAR", "amount", "DOUBLE", "extra", "BIGINT")
	got := CompareColumns("duckdb", declared, actual)
	want := []ColumnMismatch{
		{Column: "amount", Problem: ColumnType, Declared: "decimal(18,2)", Actual: "DOUBLE"},
		{Column: "gone", Problem: ColumnMissing, Declared: "date"},
		{Column: "extra", Problem: ColumnExtra, Actual: "BIGINT"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CompareColumns (-want +got):\n%s", diff)
	}
	if len(CompareColumns("duckdb", declared[:2], actual[:2])) != 0 {
		t.Errorf("equal columns reported as different")
	}
	// Columns inferred without types compare by name only.
	if got := CompareColumns("duckdb", declared[:2], cols("id", "", "name", "")); len(got) != 0 {
		t.Errorf("untyped columns: %v", got)
	}
}

// TestCheckContract is the compile-time hook that the SQL analysis feeds
// with the columns it infers.
func TestCheckContract(t *testing.T) {
	m := &models.Model{Name: "customers", Path: "models/customers.sql", ConfigPos: models.Pos{File: "models/schema.yml", Line: 3, Col: 5},
		Config: models.Config{Contract: models.Contract{Enforced: true}}, Columns: cols("id", "integer", "email", "varchar")}
	diags := CheckContract("duckdb", m, cols("id", "BIGINT", "email", "VARCHAR", "phone", "VARCHAR"), nil)
	want := `models/schema.yml:3:5: model "customers" breaks its contract: column "id" has the wrong type: the contract declares integer, the query returns BIGINT
	hint: cast it in the query, or change its data_type
models/schema.yml:3:5: model "customers" breaks its contract: column "phone" is extra: the query returns it (VARCHAR), the contract does not declare it
	hint: declare it under columns: with its data_type, or stop returning it`
	if diff := cmp.Diff(want, diags.Error()); diff != "" {
		t.Errorf("CheckContract (-want +got):\n%s", diff)
	}
	if d := CheckContract("duckdb", m, nil, nil); d != nil {
		t.Errorf("unknown columns: %v", d)
	}
	m.Config.Contract.Enforced = false
	if d := CheckContract("duckdb", m, cols("x", "INTEGER"), nil); d != nil {
		t.Errorf("no contract: %v", d)
	}
}
