package duckdb

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// LoadSeed creates table rel from a CSV file with read_csv: a header row,
// types inferred from the whole file, empty fields as NULL, UTF-8.
//
// The file is checked first (dialects.ReadSeedCSV): read_csv's sniffer
// would load a ragged or badly quoted file as something else, such as one
// column holding each line.
func (e *Engine) LoadSeed(ctx context.Context, q dialects.Querier, rel models.Relation, csvPath string, types map[string]string) (int64, error) {
	if err := dialects.ReadSeedCSV(csvPath, nil, func(int, []string) error { return nil }); err != nil {
		return 0, err
	}
	return e.ExecCount(ctx, q, e.SeedSQL(rel, csvPath, types))
}

// SeedSQL is the statement LoadSeed runs.
func (e *Engine) SeedSQL(rel models.Relation, csvPath string, types map[string]string) string {
	opts := []string{"header = true", "auto_detect = true", "sample_size = -1", "encoding = 'utf-8'"}
	if len(types) > 0 {
		cols := make([]string, 0, len(types))
		for c := range types {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		pairs := make([]string, len(cols))
		for i, c := range cols {
			pairs[i] = fmt.Sprintf("%s: %s", literal(c), literal(types[c]))
		}
		opts = append(opts, "types = {"+strings.Join(pairs, ", ")+"}")
	}
	return fmt.Sprintf("create table %s as\nselect * from read_csv(%s, %s)", e.QuoteRelation(rel), literal(csvPath), strings.Join(opts, ", "))
}

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
