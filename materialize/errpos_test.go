package materialize_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiln-sql/kiln/materialize"
	"github.com/kiln-sql/kiln/models"
)

// placed writes a seed and an ephemeral model that reads it, at known
// lines, for the models of the tests below to read.
func placed(p *project) {
	p.write(
		"seeds/raw_orders.csv", "id,status\n1,placed\n",
		"models/staging/stg_orders.sql", `{{ config "materialized" "ephemeral" }}
-- the orders as they came
select
    id,
    status
from {{ ref "raw_orders" }}
`,
	)
}

// wantError fails the test unless step name failed with a *ModelError at
// pos whose message starts with pos and contains each of parts and no
// line of the statement that ran ("LINE n:", " at position ").
func (r *run) wantError(name string, pos models.Pos, parts ...string) {
	t := r.p.t
	t.Helper()
	res := r.results[name]
	if res == nil {
		t.Errorf("%s: no result", name)
		return
	}
	if res.Status != materialize.StatusError {
		t.Errorf("%s: %s (%s), want an error", name, res.Status, res.Message)
		return
	}
	t.Logf("%s: %s", name, res.Message)
	var me *materialize.ModelError
	if !errors.As(res.Err, &me) {
		t.Errorf("%s: error %T %q is not a *ModelError", name, res.Err, res.Err)
		return
	}
	if me.Pos != pos {
		t.Errorf("%s: error at %v, want %v\nmessage: %s", name, me.Pos, pos, res.Message)
	}
	if !strings.HasPrefix(res.Message, pos.String()+": ") {
		t.Errorf("%s: message %q does not start with %q", name, res.Message, pos.String()+": ")
	}
	for _, part := range parts {
		if !strings.Contains(res.Message, part) {
			t.Errorf("%s: message %q does not say %q", name, res.Message, part)
		}
	}
	for _, stale := range []string{"LINE ", " at position ", " at column "} {
		if strings.Contains(res.Message, stale) {
			t.Errorf("%s: message %q keeps the statement's position %q", name, res.Message, stale)
		}
	}
}

func TestRunErrorsNameTheModelFile(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		placed(p)
		p.write(
			// A bad cast on line 10, after the CTEs of the ephemeral model
			// that kiln inlines in front of the model's own.
			"models/marts/finance/orders_enriched.sql", `{{ config "materialized" "table" }}
-- orders with their status as a code
with orders as (
    select * from {{ ref "stg_orders" }}
)

select
    id,
    status,
    cast(status as int) as status_code
from orders
`,
			// No WITH of its own: kiln adds one.
			"models/marts/order_columns.sql", `{{ config "materialized" "table" }}
select
    id,
    statuss
from {{ ref "stg_orders" }}
`,
			"models/missing_table.sql", `{{ config "materialized" "table" }}

select id
from no_such_table
`,
			"models/bad_view.sql", `select
  id,
      amount
from {{ ref "raw_orders" }}
`,
			// The error is in the ephemeral model's SQL, inlined here.
			"models/staging/stg_broken.sql", `{{ config "materialized" "ephemeral" }}
select
    id,
    stat
from {{ ref "raw_orders" }}
`,
			"models/reads_broken.sql", `{{ config "materialized" "table" }}
select * from {{ ref "stg_broken" }}
`,
			// DuckDB shows a long line cut around the error, and counts
			// characters, not bytes, and no width for a tab.
			"models/long_line.sql", longLine,
			"models/wide_chars.sql", wideChars,
		)
		r := p.run(runOptions{})
		r.expect(materialize.StatusSuccess, "raw_orders")

		if p.postgres() {
			// PostgreSQL places no error found while the rows are read.
			r.wantError("orders_enriched", models.Pos{File: "models/marts/finance/orders_enriched.sql"}, `invalid input syntax for type integer: "placed"`)
		} else {
			r.wantError("orders_enriched", models.Pos{File: "models/marts/finance/orders_enriched.sql", Line: 10, Col: 5}, "Conversion Error: Could not convert string 'placed' to INT32")
		}
		r.wantError("order_columns", models.Pos{File: "models/marts/order_columns.sql", Line: 4, Col: 5}, "statuss")
		r.wantError("missing_table", models.Pos{File: "models/missing_table.sql", Line: 4, Col: 6}, "no_such_table")
		r.wantError("bad_view", models.Pos{File: "models/bad_view.sql", Line: 3, Col: 7}, "amount")
		r.wantError("reads_broken", models.Pos{File: "models/staging/stg_broken.sql", Line: 4, Col: 5}, "stat")
		r.wantError("long_line", models.Pos{File: "models/long_line.sql", Line: 2, Col: colOf(longLine, "amountt")}, "amountt")
		r.wantError("wide_chars", models.Pos{File: "models/wide_chars.sql", Line: 2, Col: colOf(wideChars, "statuss")}, "statuss")

		// target/run/ keeps the statement as it ran.
		if !r.ran("orders_enriched", "__kiln_cte__stg_orders", "cast(status as int)") {
			t.Errorf("statements of orders_enriched:\n%s", strings.Join(r.results["orders_enriched"].Statements, "\n"))
		}
	})
}

var (
	longLine = `{{ config "materialized" "table" }}
select id, '` + strings.Repeat("x", 120) + `' as filler, amountt, '` + strings.Repeat("y", 120) + `' as more
from {{ ref "raw_orders" }}
`
	wideChars = `{{ config "materialized" "table" }}
select 'é' as e,` + "\t" + `'→' as arrow, statuss
from {{ ref "raw_orders" }}
`
)

// colOf is the column (from 1, in bytes) of the first s on its line of
// text.
func colOf(text, s string) int {
	i := strings.Index(text, s)
	return i - strings.LastIndexByte(text[:i], '\n')
}

func TestIncrementalRunErrorNamesTheModelFile(t *testing.T) {
	onEachEngine(t, func(t *testing.T, p *project) {
		placed(p)
		p.write("models/orders_inc.sql", `{{ config "materialized" "incremental" }}
select id, status from {{ ref "stg_orders" }}
{{ if is_incremental }}
where id > (
    select max(idd) from {{ this }}
)
{{ end }}
`)
		p.ok(runOptions{})
		r := p.run(runOptions{})
		if !r.results["orders_inc"].Step.Incremental {
			t.Fatal("the second run is not incremental")
		}
		r.wantError("orders_inc", models.Pos{File: "models/orders_inc.sql", Line: 5, Col: 16}, "idd")
	})
}
