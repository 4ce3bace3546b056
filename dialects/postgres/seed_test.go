package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/dialects/postgres"
	"github.com/kiln-sql/kiln/internal/pgtest"
	"github.com/kiln-sql/kiln/models"
)

func writeCSV(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSeedColumns(t *testing.T) {
	tests := []struct {
		name  string
		csv   string
		types map[string]string
		want  []string // name type, …
	}{
		{"every type",
			"i,big,num,b,d,ts,tstz,txt,empty\n" +
				"1,1,1,true,2024-01-31,2024-01-31 10:00:00,2024-01-31T10:00:00Z,a,\n" +
				"-2,9999999999,2.5,FALSE,2024-02-29,2024-02-01T10:00:00.123456,2024-01-31 10:00+02:00,1,\n" +
				",,1e3,,,2024-03-01,2024-01-31 10:00:00-0500,,\n",
			nil,
			[]string{"i bigint", "big bigint", "num double precision", "b boolean", "d date", "ts timestamp", "tstz timestamp with time zone", "txt text", "empty text"}},
		{"not quite",
			"d,ts,n,b\n2024-02-30,2024-01-01 25:00:00,1.2.3,y\n",
			nil,
			[]string{"d text", "ts text", "n text", "b text"}},
		// What DuckDB's sniffer makes of them (checked with kiln's DuckDB).
		{"as DuckDB reads them",
			"zip,dec,neg,zero,tf,yn\n007,00.5,-007,0,t,yes\n010,1,5,1,F,no\n",
			nil,
			[]string{"zip text", "dec text", "neg bigint", "zero bigint", "tf boolean", "yn boolean"}},
		{"overrides in any case",
			"\uFEFFId,Code\n1,007\n",
			map[string]string{"id": "bigint", "Code": "varchar(3)"},
			[]string{"Id bigint", "Code varchar(3)"}},
		{"header only", "a,b\n", nil, []string{"a text", "b text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, err := postgres.SeedColumns(writeCSV(t, tt.csv), tt.types)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cols {
				got = append(got, c.Name+" "+c.Type)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSeedColumnsErrors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"empty", "", "the file is empty"},
		{"ragged", "a,b\n1,2\n3\n", "line 3: the row has 1 field, the header 2"},
		{"duplicate", "a,a\n1,2\n", `the header names column "a" twice`},
		{"unnamed", "a,\n1,2\n", "column 2 of the header has no name"},
		{"latin1", "a\n\xe9t\xe9\n", "line 2, column 1: the file is not UTF-8"},
		{"bare quote", "a\nx\"y\n", "line 2, column 2: a quote inside an unquoted field"},
		{"nul", "a\nx\x00y\n", "a field holds a NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := postgres.SeedColumns(writeCSV(t, tt.csv), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if _, err := postgres.SeedColumns(writeCSV(t, "a\n1\n"), map[string]string{"b": "int"}); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("column_types for a missing column: error = %v", err)
	}
}

func TestLoadSeed(t *testing.T) {
	eng, db, schema := pgtest.Open(t)
	ctx := context.Background()
	path := writeCSV(t, "id,name,amount,paid,day\n"+
		"1,\"Smith, John\",10.50,true,2024-01-01\n"+
		"2,\"say \"\"hi\"\"\",,false,\n"+
		"3,\"two\nlines\",3,,2024-01-03\n"+
		"4,Zoë ünïcode \\N tab\there,4,true,2024-01-04\n")
	rel := models.Relation{Schema: schema, Name: "people"}

	if _, err := eng.LoadSeed(ctx, db, rel, path, nil); err == nil || !strings.Contains(err.Error(), "transaction") {
		t.Errorf("LoadSeed outside a transaction: %v, want an error that asks for one", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	n, err := eng.LoadSeed(ctx, tx, rel, path, map[string]string{"amount": "numeric(8,2)"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("rows = %d, want 4", n)
	}
	cols, err := eng.Columns(ctx, db, rel)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []dialects.Column{{Name: "id", Type: "bigint"}, {Name: "name", Type: "text"}, {Name: "amount", Type: "numeric(8,2)"}, {Name: "paid", Type: "boolean"}, {Name: "day", Type: "date"}}
	if diff := cmp.Diff(wantCols, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	rows, err := db.Query(`select id, name, coalesce(amount::text, 'NULL'), coalesce(paid::text, 'NULL'), coalesce(day::text, 'NULL') from ` + eng.QuoteRelation(rel) + ` order by id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, name, amount, paid, day string
		if err := rows.Scan(&id, &name, &amount, &paid, &day); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{id, name, amount, paid, day}, "|"))
	}
	want := []string{
		"1|Smith, John|10.50|true|2024-01-01",
		`2|say "hi"|NULL|false|NULL`,
		"3|two\nlines|3.00|NULL|2024-01-03",
		"4|Zoë ünïcode \\N tab\there|4.00|true|2024-01-04",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestLoadSeedBadValueNamesLine(t *testing.T) {
	eng, db, schema := pgtest.Open(t)
	ctx := context.Background()
	path := writeCSV(t, "id\n1\n2\nthree\n")
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = eng.LoadSeed(ctx, tx, models.Relation{Schema: schema, Name: "s"}, path, map[string]string{"id": "integer"})
	if err == nil || !strings.HasPrefix(err.Error(), `line 4, column id: `) || !strings.Contains(err.Error(), "three") {
		t.Errorf("error = %v, want the bad value named", err)
	}
}
