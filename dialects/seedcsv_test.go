package dialects_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/dialects"
)

func TestReadSeedCSV(t *testing.T) {
	tests := []struct {
		name, csv string
		want      *dialects.SeedError // nil: the file is read
		rows      int
	}{
		{name: "good", csv: "\uFEFFid,name\r\n1,\"Smith, John\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n4,\r\n", rows: 4},
		{name: "empty", csv: "", want: &dialects.SeedError{Line: 1, Msg: "the file is empty: a seed needs a header row"}},
		{name: "short row", csv: "id,name,city\n1,Ann,Paris\n2,Bob\n", want: &dialects.SeedError{Line: 3, Msg: "the row has 2 fields, the header 3"}},
		{name: "long row", csv: "a,b\n1,2\n3,4,5\n", want: &dialects.SeedError{Line: 3, Msg: "the row has 3 fields, the header 2"}},
		{name: "unterminated quote", csv: "a,b\n1,\"open\n2,3\n", want: &dialects.SeedError{Line: 2, Msg: "a quoted field is never closed, or a quote inside it is not doubled (\"\")"}},
		{name: "bare quote", csv: "a\nx\"y\n", want: &dialects.SeedError{Line: 2, Col: 2, Msg: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")"}},
		{name: "duplicate header", csv: "a,b,A\n1,2,3\n", want: &dialects.SeedError{Line: 1, Msg: `the header names column "A" twice (columns 1 and 3)`}},
		{name: "unnamed column", csv: "a, \n1,2\n", want: &dialects.SeedError{Line: 1, Col: 2, Msg: "column 2 of the header has no name"}},
		{name: "not UTF-8", csv: "a\n\xe9t\xe9\n", want: &dialects.SeedError{Line: 2, Col: 1, Msg: "the file is not UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "seed.csv")
			if err := os.WriteFile(path, []byte(tt.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			rows := 0
			err := dialects.ReadSeedCSV(path, nil, func(int, []string) error { rows++; return nil })
			if tt.want == nil {
				if err != nil || rows != tt.rows {
					t.Fatalf("read %d rows, %v; want %d rows", rows, err, tt.rows)
				}
				return
			}
			var se *dialects.SeedError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *SeedError", err, err)
			}
			if diff := cmp.Diff(tt.want, se); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
