package compiler_test

import (
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// errposProject has models that inline ephemeral models in each way
// injectEphemerals does it: before a query without WITH, into a query's
// own WITH, and an ephemeral model that reads another.
var errposProject = map[string]string{
	"kiln.yml": `name: p
profile:
  target: dev
  targets:
    dev: { type: duckdb, schema: main }
`,
	"seeds/raw_orders.csv": "id,status,amount\n1,placed,3\n",
	"models/stg_orders.sql": `{{ config "materialized" "ephemeral" }}

select
    id,
    status as stg_status
from {{ ref "raw_orders" }}
`,
	"models/stg_paid.sql": `{{ config "materialized" "ephemeral" }}
select id, stg_status,
       1 as paid_flag
from {{ ref "stg_orders" }}
`,
	"models/plain.sql": `{{ config "materialized" "table" }}
select
    id,
    amount * 2 as plain_double
from {{ ref "raw_orders" }} where amount > 0
`,
	"models/no_with.sql": `{{ config "materialized" "table" }}
select
    id,
    stg_status as no_with_status
from {{ ref "stg_orders" }}
`,
	"models/own_with.sql": `-- a model with CTEs of its own
{{ config "materialized" "view" }}
with paid as (
    select * from {{ ref "stg_paid" }}
)
select id, paid_flag as own_with_flag
from paid
`,
	"models/paid_inc.sql": `{{ config "materialized" "incremental" }}
select id, paid_flag as inc_flag from {{ ref "stg_paid" }}
{{ if is_incremental }}
where id > (select max(id) from {{ this }})
{{ end }}
`,
}

func TestQueryPos(t *testing.T) {
	res := compileClean(t, compiler.Options{Dir: writeProject(t, errposProject)})
	incremental, err := res.Render("paid_inc", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		model string
		query string // Result.Compiled[model] when empty
		at    string // the text whose offset is placed
		want  models.Pos
		ok    bool
	}{
		{"no ephemerals", "plain", "", "amount * 2", models.Pos{File: "models/plain.sql", Line: 4, Col: 5}, true},
		{"after a ref on the line", "plain", "", "amount > 0", models.Pos{File: "models/plain.sql", Line: 5, Col: 35}, true},
		{"model after the added WITH", "no_with", "", "stg_status as no_with_status", models.Pos{File: "models/no_with.sql", Line: 4, Col: 5}, true},
		{"in the inlined ephemeral", "no_with", "", "status as stg_status", models.Pos{File: "models/stg_orders.sql", Line: 5, Col: 5}, true},
		{"model after CTEs added to its WITH", "own_with", "", "paid_flag as own_with_flag", models.Pos{File: "models/own_with.sql", Line: 6, Col: 12}, true},
		{"model before its WITH", "own_with", "", "-- a model", models.Pos{File: "models/own_with.sql", Line: 1, Col: 1}, true},
		{"ephemeral read by an ephemeral", "own_with", "", "status as stg_status", models.Pos{File: "models/stg_orders.sql", Line: 5, Col: 5}, true},
		{"ephemeral that reads an ephemeral", "own_with", "", "1 as paid_flag", models.Pos{File: "models/stg_paid.sql", Line: 3, Col: 8}, true},
		{"incremental run", "paid_inc", incremental, "max(id)", models.Pos{File: "models/paid_inc.sql", Line: 4, Col: 20}, true},
		{"incremental run, nested ephemeral", "paid_inc", incremental, "status as stg_status", models.Pos{File: "models/stg_orders.sql", Line: 5, Col: 5}, true},
		{"text kiln added", "no_with", "", "__kiln_cte__stg_orders as", models.Pos{File: "models/no_with.sql"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			query := c.query
			if query == "" {
				query = res.Compiled[c.model]
			}
			query = compiler.TrimStatement(query)
			off := strings.Index(query, c.at)
			if off < 0 {
				t.Fatalf("%q is not in the SQL of %s:\n%s", c.at, c.model, query)
			}
			got, ok := res.QueryPos(c.model, query, off)
			if got != c.want || ok != c.ok {
				t.Errorf("QueryPos(%s, offset of %q) = %v, %t; want %v, %t\nSQL:\n%s", c.model, c.at, got, ok, c.want, c.ok, query)
			}
		})
	}
	if got, ok := res.QueryPos("nope", "select 1", 0); ok || got != (models.Pos{}) {
		t.Errorf("QueryPos of an unknown model = %v, %t", got, ok)
	}
}

// TestQueryPosTranspiled: SQL printed for another dialect has lines of its
// own; only the file is named.
func TestQueryPosTranspiled(t *testing.T) {
	files := map[string]string{}
	for k, v := range errposProject {
		files[k] = v
	}
	files["kiln.yml"] = `name: p
dialect: duckdb
profile:
  target: pg
  targets:
    pg: { type: postgres, dsn: "postgres://127.0.0.1/x", schema: main }
`
	res := compileClean(t, compiler.Options{Dir: writeProject(t, files)})
	query := res.Compiled["plain"]
	got, ok := res.QueryPos("plain", query, strings.Index(query, "amount"))
	if want := (models.Pos{File: "models/plain.sql"}); ok || got != want {
		t.Errorf("QueryPos in transpiled SQL = %v, %t; want %v, false", got, ok, want)
	}
}
