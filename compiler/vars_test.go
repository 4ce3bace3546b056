package compiler

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVars(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]any
	}{
		{"yaml with a date", "start_date: 2024-03-01", map[string]any{"start_date": "2024-03-01"}},
		{"json", `{"n": 3, "on": true}`, map[string]any{"n": 3, "on": true}},
		{"nested", "region: {name: eu, since: 2020-01-01}", map[string]any{"region": map[string]any{"name": "eu", "since": "2020-01-01"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseVars(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseVars(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
