package compiler

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/models"
)

func compileExample(t *testing.T) *Result {
	t.Helper()
	res, err := Compile(Options{Dir: filepath.Join("..", "examples", "jaffle_shop")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatal(res.Diagnostics)
	}
	return res
}

// The manifest's line-per-node encoding is valid JSON that decodes to the
// same value encoding/json would produce.
func TestManifestEncodeRoundTrips(t *testing.T) {
	mf := compileExample(t).Manifest()
	var b bytes.Buffer
	if err := mf.Encode(&b); err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("manifest is not JSON: %v\n%s", err, b.String())
	}
	std, err := json.Marshal(mf)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(std, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("manifest differs from encoding/json's (-want +got):\n%s", diff)
	}
	if bytes.Contains(b.Bytes(), []byte(`\u003c`)) {
		t.Errorf("SQL's < is escaped in the manifest")
	}
}

// The same project compiles to the same manifest bytes every time.
func TestManifestIsDeterministic(t *testing.T) {
	var first []byte
	for i := range 3 {
		var b bytes.Buffer
		if err := compileExample(t).Manifest().Encode(&b); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.Bytes()
			continue
		}
		if diff := cmp.Diff(string(first), b.String()); diff != "" {
			t.Fatalf("compile %d gave another manifest (-first +now):\n%s", i+1, diff)
		}
	}
}

// TestEncodeCompactMatchesEncodingJSON: the manifest is encoded with
// goccy/go-json for speed, and must stay the bytes encoding/json writes.
func TestEncodeCompactMatchesEncodingJSON(t *testing.T) {
	full := true
	node := ManifestNode{
		UniqueID: "model.p.a", ResourceType: "model", Name: "a", FQN: []string{"p", "a"},
		Config: models.Config{Materialized: models.Table, Tags: []string{"x"}, FullRefresh: &full,
			PersistDocs: map[string]bool{"z": true, "a": false}, ColumnTypes: map[string]string{"b": "int", "a": "<text>"}},
		Columns:       []models.Column{{Name: "id", DataType: "integer", Tests: []string{"unique"}}},
		CompiledCode:  "select a < b and c > d & 'é\u2028'\n",
		ColumnLineage: map[string][]sqlast.ColumnSource{"b": {{Relation: "model.p.x", Column: "b"}}, "a": {}},
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(node); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := encodeCompact(&got, node); err != nil {
		t.Fatal(err)
	}
	if got.String()+"\n" != want.String() {
		t.Errorf("goccy/go-json:\n%s\nencoding/json:\n%s", got.String(), want.String())
	}
}

// TestRenderAfterCompile: Compile keeps only incremental models' templates.
// They render again for an incremental run; asking the same of another
// model is an error, not a crash.
func TestRenderAfterCompile(t *testing.T) {
	res := compileExample(t)
	sql, err := res.Render("order_payments", true)
	if err != nil {
		t.Fatal(err)
	}
	if sql == res.Compiled["order_payments"] {
		t.Errorf("the incremental rendering is the full one:\n%s", sql)
	}
	if sql, err := res.Render("customers", false); err != nil || sql != res.Compiled["customers"] {
		t.Errorf("Render(customers, false) = %q, %v; want the compiled SQL", sql, err)
	}
	if _, err := res.Render("customers", true); err == nil {
		t.Error("Render(customers, true): no error for a model whose template was dropped")
	}
}
