package compiler

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/models"
)

func TestAnalysisCacheRoundTrip(t *testing.T) {
	in := map[string]*ModelAnalysis{
		"k1": {
			Key:     "k1",
			Columns: []models.Column{{Name: "id", DataType: "INTEGER"}, {Name: "total", DataType: "DECIMAL(38,2)"}},
			Lineage: map[string][]sqlast.ColumnSource{
				"id":    {{Relation: "model.p.a", Column: "id"}},
				"total": {},
			},
			Reads:         []string{"model.p.a"},
			Problems:      []problem{{Offset: 12, Severity: models.Error, Message: "m", Hint: "h", Token: "tok", Column: true}},
			TypesBound:    true,
			TypesInferred: true,
		},
		"k2": {Key: "k2", NotAnalysed: "syntax error at or near \"selec\""},
		"k3": {Key: "k3", Columns: []models.Column{}, Lineage: map[string][]sqlast.ColumnSource{}, Transpiled: "select 1\n"},
	}
	var b bytes.Buffer
	if err := encodeAnalyses(&b, in); err != nil {
		t.Fatal(err)
	}
	out, err := decodeAnalyses(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out, cmp.AllowUnexported(problem{})); diff != "" {
		t.Errorf("round trip (-in +out):\n%s", diff)
	}

	// A damaged file is an error, never a panic or a wrong analysis.
	data := b.Bytes()
	for n := range len(data) {
		if _, err := decodeAnalyses(data[:n]); err == nil {
			t.Errorf("decoding the first %d of %d bytes: no error", n, len(data))
		}
	}
	for i := len(cacheMagic); i < len(data); i++ {
		bad := bytes.Clone(data)
		bad[i] ^= 0xff
		decodeAnalyses(bad) // must not panic
	}
}
