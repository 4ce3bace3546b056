package dialects

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// SeedError is a seed file that cannot be loaded as it is: what is wrong,
// and where (lines and columns from 1; Col 0 when unknown).
type SeedError struct {
	Line, Col int
	Msg       string
}

func (e *SeedError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// ReadSeedCSV reads a seed file as every engine loads it: RFC 4180 CSV in
// UTF-8 (a byte-order mark is dropped), a header row of distinct, non-empty
// names (distinct ignoring case: SQL folds unquoted names), then rows of
// exactly as many fields. It calls header (unless nil) with the header row,
// then row with every other record and the line it starts on; the record
// is reused between calls. A malformed file is a *SeedError, never a table
// of wrong columns.
func ReadSeedCSV(path string, header func([]string), row func(line int, record []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if errors.Is(err, io.EOF) {
		return &SeedError{Line: 1, Msg: "the file is empty: a seed needs a header row"}
	}
	if err != nil {
		return csvError(err, nil, 0)
	}
	head = append([]string(nil), head...)
	head[0] = strings.TrimPrefix(head[0], "\uFEFF")
	seen := map[string]int{}
	for i, h := range head {
		if !utf8.ValidString(h) {
			return &SeedError{Line: 1, Col: i + 1, Msg: "the file is not UTF-8"}
		}
		if strings.TrimSpace(h) == "" {
			return &SeedError{Line: 1, Col: i + 1, Msg: fmt.Sprintf("column %d of the header has no name", i+1)}
		}
		key := strings.ToLower(h)
		if j, ok := seen[key]; ok {
			return &SeedError{Line: 1, Msg: fmt.Sprintf("the header names column %q twice (columns %d and %d)", h, j+1, i+1)}
		}
		seen[key] = i
	}
	if header != nil {
		header(head)
	}
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(err, record, len(head))
		}
		line, _ := r.FieldPos(0)
		for i, v := range record {
			if !utf8.ValidString(v) {
				return &SeedError{Line: line, Col: i + 1, Msg: "the file is not UTF-8"}
			}
		}
		if err := row(line, record); err != nil {
			return err
		}
	}
}

// csvError turns encoding/csv's error into a SeedError that says what the
// row holds.
func csvError(err error, record []string, want int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return &SeedError{Line: pe.StartLine, Msg: fmt.Sprintf("the row has %d %s, the header %d", len(record), plural(len(record), "field", "fields"), want)}
	case errors.Is(pe.Err, csv.ErrQuote):
		return &SeedError{Line: pe.StartLine, Msg: "a quoted field is never closed, or a quote inside it is not doubled (\"\")"}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return &SeedError{Line: pe.Line, Col: pe.Column, Msg: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")"}
	}
	return &SeedError{Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
