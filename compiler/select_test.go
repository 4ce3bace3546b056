package compiler_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/compiler/selector"
)

// config.<key>: selects on every config key a node reports, and seeds are
// materialized as "seed", as dbt reports them.
func TestSelectByConfig(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"kiln.yml":        "name: shop\n",
		"seeds/codes.csv": "id\n1\n",
		"models/a.sql":    `{{ config "materialized" "table" "full_refresh" false }}select 1 as id` + "\n",
		"models/b.sql":    `{{ config "contract" (dict "enforced" true) }}select id from {{ ref "a" }}` + "\n",
		"models/schema.yml": `models:
  - name: b
    columns:
      - { name: id, data_type: integer }
`,
	})
	res := compileClean(t, compiler.Options{Dir: dir})
	for sel, want := range map[string][]string{
		"config.materialized:seed":       {"seed.shop.codes"},
		"config.materialized:table":      {"model.shop.a"},
		"config.enabled:true":            {"model.shop.a", "model.shop.b", "seed.shop.codes"},
		"config.full_refresh:false":      {"model.shop.a"},
		"config.contract.enforced:true":  {"model.shop.b"},
		"config.contract.enforced:false": {"model.shop.a", "seed.shop.codes"},
	} {
		got, err := res.Select([]string{sel}, nil, selector.Options{})
		if err != nil {
			t.Errorf("%s: %v", sel, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", sel, diff)
		}
	}
}
