package projectgen

import (
	"fmt"
	"strings"
)

// stagingModel makes a staging model: one raw table, renamed, cast and filtered.
func (g *gen) stagingModel(idx int, t *rawTable) *model {
	m := &model{
		name:   g.name(idx, "stg", t.name),
		layer:  staging,
		domain: t.domain,
		topic:  t.name,
	}
	for _, k := range joinKeys {
		for _, c := range t.columns(kindKey) {
			if c.clean == k.clean {
				m.out.keys = append(m.out.keys, c.clean)
			}
		}
	}
	for _, c := range t.columns(kindMeasure) {
		m.out.measures = append(m.out.measures, c.clean)
	}
	for _, c := range t.columns(kindDim) {
		m.out.dims = append(m.out.dims, c.clean)
	}
	m.out.dims = append(m.out.dims, "status_group")

	pads := stagingPads(t)
	core := stagingSQL(m, t, nil).len()
	m.sql = stagingSQL(m, t, pads[:g.lineBudget(core, len(pads))]).String()
	return m
}

// stagingSQL renders a staging model with the extra columns pads.
func stagingSQL(m *model, t *rawTable, pads []string) *sqlText {
	var cols []string
	for _, c := range t.columns(kindKey) {
		if c.raw == "id" {
			cols = append(cols, "id as "+c.clean)
		} else {
			cols = append(cols, fmt.Sprintf("cast(%s as bigint) as %s", c.raw, c.clean))
		}
	}
	for _, c := range t.columns(kindMeasure) {
		cols = append(cols, fmt.Sprintf("cast(%s as %s) as %s", c.raw, measureType(c.clean), c.clean))
	}
	var status string
	for _, c := range t.columns(kindDim) {
		switch c.clean {
		case "status":
			status = c.raw
			cols = append(cols, fmt.Sprintf("lower(trim(%s)) as %s", c.raw, c.clean))
		case "currency", "country", "region":
			cols = append(cols, fmt.Sprintf("upper(trim(%s)) as %s", c.raw, c.clean))
		default:
			cols = append(cols, fmt.Sprintf("nullif(trim(%s), '') as %s", c.raw, c.clean))
		}
	}
	cols = append(cols, fmt.Sprintf(`case
    when lower(trim(%[1]s)) in ('completed', 'shipped', 'paid', 'closed') then 'closed'
    when lower(trim(%[1]s)) in ('pending', 'placed', 'open', 'new') then 'open'
    else 'other'
end as status_group`, status))
	for _, c := range t.columns(kindCreated) {
		cols = append(cols, fmt.Sprintf("cast(%s as timestamp) as %s", c.raw, c.clean))
	}
	for _, c := range t.columns(kindUpdated) {
		cols = append(cols, fmt.Sprintf("cast(%s as timestamp) as %s", c.raw, c.clean))
	}
	for _, c := range t.columns(kindDeleted) {
		cols = append(cols, fmt.Sprintf("coalesce(%s, false) as %s", c.raw, c.clean))
	}
	cols = append(cols, pads...)

	var s sqlText
	s.addf(0, "-- %s: one row per %s from raw.%s, renamed and typed.",
		m.name, strings.ReplaceAll(strings.TrimSuffix(t.pk, "_id"), "_", " "), t.name)
	s.blank()
	s.add(0, "with source as (")
	s.blank()
	s.addf(1, `select * from {{ source "raw" %q }}`, t.name)
	s.blank()
	s.add(0, "),")
	s.blank()
	s.add(0, "renamed as (")
	s.blank()
	s.add(1, "select")
	s.list(2, cols)
	s.add(1, "from source")
	s.blank()
	s.add(0, ")")
	s.blank()
	s.add(0, "select *")
	s.add(0, "from renamed")
	s.add(0, "where not is_deleted")
	s.add(1, `and created_at >= cast('{{ var "start_date" }}' as timestamp)`)
	return &s
}

// stagingPads are optional derived columns of a staging model, over the raw columns.
func stagingPads(t *rawTable) []string {
	created := fmt.Sprintf("cast(%s as timestamp)", t.columns(kindCreated)[0].raw)
	updated := fmt.Sprintf("cast(%s as timestamp)", t.columns(kindUpdated)[0].raw)
	var pads []string
	for _, c := range t.columns(kindMeasure) {
		if dollars, ok := strings.CutSuffix(c.clean, "_cents"); ok {
			pads = append(pads, fmt.Sprintf("cast(%s as decimal(18, 2)) / 100 as %s", c.raw, dollars))
		}
	}
	pads = append(pads,
		fmt.Sprintf("date_trunc('day', %s) as created_date", created),
		fmt.Sprintf("date_trunc('month', %s) as created_month", created),
		fmt.Sprintf("extract(year from %s) as created_year", created),
		fmt.Sprintf("extract(dow from %s) as created_day_of_week", created),
		fmt.Sprintf("extract(hour from %s) as created_hour", created),
		fmt.Sprintf("%s - %s as time_to_update", updated, created),
	)
	for _, c := range t.columns(kindMeasure) {
		pads = append(pads, fmt.Sprintf("%s is null as %s_is_missing", c.raw, c.clean))
	}
	for _, c := range t.columns(kindDim) {
		pads = append(pads, fmt.Sprintf("%s is null as %s_is_missing", c.raw, c.clean))
	}
	return pads
}

// measureType is the SQL type a staging model casts a measure to.
func measureType(clean string) string {
	switch {
	case strings.HasSuffix(clean, "_cents"):
		return "bigint"
	case clean == "quantity", clean == "weight_grams", clean == "duration_seconds":
		return "integer"
	default:
		return "decimal(10, 2)"
	}
}
