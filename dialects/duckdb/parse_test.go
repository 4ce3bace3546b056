package duckdb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/dialects/duckdb"
	"github.com/kiln-sql/kiln/models"
)

// TestUnusedReadsAreNotBound checks sqlast's TableRead.Unused against
// DuckDB itself: a query that reads a missing table binds exactly when
// every read of that table is in a WITH query the statement never uses.
// The compiler skips binding a model whose used reads are missing, so the
// two must agree.
func TestUnusedReadsAreNotBound(t *testing.T) {
	tests := []struct {
		name   string
		sql    string
		unused bool
	}{
		{"from", "select * from nowhere.t", false},
		{"join", "select 1 from (select 1 as a) x join nowhere.t on true", false},
		{"where subquery", "select 1 where false and exists (select * from nowhere.t)", false},
		{"used cte", "with c as (select * from nowhere.t) select * from c", false},
		{"cte used by a used cte", "with c as (select * from nowhere.t), d as (select * from c) select * from d", false},
		{"cte used in a subquery", "with c as (select * from nowhere.t) select (select count(*) from c)", false},
		{"cte used in union", "with c as (select 1 as a from nowhere.t) select 1 union all select a from c", false},
		{"unused cte", "with c as (select * from nowhere.t) select 1", true},
		{"materialized unused cte", "with c as materialized (select * from nowhere.t) select 1", true},
		{"cte used only by an unused cte", "with c as (select * from nowhere.t), d as (select * from c) select 1", true},
		{"nested unused cte", "select * from (with c as (select * from nowhere.t) select 1 as a)", true},
		{"recursive unused cte", "with recursive c as (select 1 as a from nowhere.t union all select a from c) select 1", true},
	}
	p := duckdb.NewParser()
	defer p.Close()
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := parseOne(t, p, tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			var reads []sqlast.TableRead
			for _, r := range sqlast.Analyze(st, fixture).Reads {
				if r.Schema == "nowhere" {
					reads = append(reads, r)
				}
			}
			if len(reads) == 0 {
				t.Fatal("no read of nowhere.t")
			}
			unused := true
			for _, r := range reads {
				unused = unused && r.Unused
			}
			if unused != tt.unused {
				t.Errorf("Unused = %v, want %v", unused, tt.unused)
			}
			_, errs, err := p.Bind(ctx, nil, queries([]models.Relation{{Name: "q"}}, []string{tt.sql}, nil))
			if err != nil {
				t.Fatal(err)
			}
			if bound := errs[0] == ""; bound != tt.unused {
				t.Errorf("DuckDB bound it: %v (%s); want %v", bound, errs[0], tt.unused)
			}
		})
	}
}

// TestBindSkipsMissingReads checks that a query is not tried when a
// relation it reads is missing: never created, or an earlier query that
// failed.
func TestBindSkipsMissingReads(t *testing.T) {
	p := duckdb.NewParser()
	defer p.Close()
	setup := []string{"create schema s", "create table s.a (id integer, name varchar)"}
	rels := []models.Relation{{Schema: "s", Name: "ok"}, {Schema: "s", Name: "bad"}, {Schema: "s", Name: "reads_bad"}, {Schema: "s", Name: "reads_missing"}, {Schema: "s", Name: "reads_ok"}}
	sqls := []string{
		"select id from s.a",
		"select nope from s.a",
		"select * from s.bad",
		"select 1 as x", // reads names a missing table: not tried
		"select id + 1 as id2 from s.OK",
	}
	reads := [][]models.Relation{
		{{Schema: "s", Name: "a"}},
		{{Schema: "s", Name: "a"}},
		{{Schema: "s", Name: "bad"}},
		{{Schema: "s", Name: "missing"}},
		{{Schema: "S", Name: "OK"}},
	}
	cols, errs, err := p.Bind(context.Background(), setup, queries(rels, sqls, reads))
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for i, e := range errs {
		if e != "" {
			failed = append(failed, rels[i].Name)
		}
	}
	if diff := cmp.Diff([]string{"bad", "reads_bad", "reads_missing"}, failed); diff != "" {
		t.Errorf("failed (-want +got):\n%s", diff)
	}
	if !strings.Contains(errs[1], "nope") {
		t.Errorf("errs[1] = %q, want DuckDB's message about nope", errs[1])
	}
	want := [][]models.Column{{{Name: "id", DataType: "INTEGER"}}, nil, nil, nil, {{Name: "id2", DataType: "INTEGER"}}}
	if diff := cmp.Diff(want, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

// queries returns a next function for Bind that gives rels[i], sqls[i] and
// reads[i] (when there is one) in turn.
func queries(rels []models.Relation, sqls []string, reads [][]models.Relation) func() (models.BindStep, bool) {
	i := 0
	return func() (models.BindStep, bool) {
		if i == len(sqls) {
			return models.BindStep{}, false
		}
		i++
		var r []models.Relation
		if i-1 < len(reads) {
			r = reads[i-1]
		}
		return models.BindStep{Relation: rels[i-1], Query: sqls[i-1], Reads: r}, true
	}
}
