package projectgen

import (
	"fmt"
	"slices"
	"strings"
)

// martKnobs are the choices that shape a mart's SQL.
type martKnobs struct {
	base        *model
	partners    []partnerJoin
	incremental bool   // an incremental fact, else a monthly aggregate table
	key         string // the grain of an aggregate; a key of base
	measures    int    // how many of base's measures to use
	dims        int    // how many of base's dims to use
	since       bool   // filter on the start_date var
	names       names

	totals    map[string]string // aggregate's column name of sum(measure)
	distincts map[string]string // aggregate's column name of count(distinct dim)
}

func (k *martKnobs) shrink() bool {
	switch {
	case k.since:
		k.since = false
	case k.measures > 1:
		k.measures--
	case k.dims > 1:
		k.dims--
	case len(k.partners) > 1:
		k.partners = k.partners[:len(k.partners)-1]
	default:
		return false
	}
	return true
}

// martModel makes a mart: an intermediate model joined with one or two others, either
// aggregated by month into a table or kept row by row as an incremental fact.
func (g *gen) martModel(idx int) *model {
	pool := g.intermediate
	if len(pool) == 0 {
		pool = g.staging
	}
	pickFrom := func() *model { return g.pick(pool) }
	base := pickFrom()
	k := martKnobs{
		base:        base,
		incremental: g.r.IntN(10) < 3,
		key:         base.out.keys[g.r.IntN(len(base.out.keys))],
		measures:    min(len(base.out.measures), 1+g.r.IntN(3)),
		dims:        min(len(base.out.dims), 1+g.r.IntN(2)),
		since:       g.r.IntN(2) == 0,
	}
	m := &model{layer: marts, domain: base.domain, topic: base.topic}
	if k.incremental {
		m.name = g.name(idx, "fct", base.topic)
		m.description = fmt.Sprintf("One row per %s event, loaded incrementally by created_at.", base.topic)
		m.notNull, m.unique = "event_key", "event_key"
	} else {
		m.name = g.name(idx, "agg", base.topic, "monthly")
		m.description = fmt.Sprintf("Monthly %s per %s.", base.topic, k.key)
		m.notNull = k.key
	}
	partners := g.partners(1+g.r.IntN(2), base, pickFrom)
	used := names{}
	for _, c := range base.out.keys {
		used.take(c)
	}
	for _, c := range slices.Concat(base.out.dims, base.out.measures) {
		used.take(c)
	}
	for _, c := range []string{"created_at", "created_month", "row_count", "event_key", "amount_dollars", "amount_band", "reporting_currency"} {
		used.take(c)
	}
	for _, p := range append([]*model{base}, partners...) {
		m.depth = max(m.depth, p.depth+1)
	}
	k.partners = g.newPartners(base, partners, used)
	k.totals, k.distincts = map[string]string{}, map[string]string{}
	for _, c := range base.out.measures[:k.measures] {
		k.totals[c] = used.take("total_" + c)
	}
	for _, c := range base.out.dims[:k.dims] {
		k.distincts[c] = used.take("distinct_" + c)
	}
	k.names = used

	for martSQL(m, k, nil).len() > maxLines {
		if !k.shrink() {
			break
		}
	}
	pads := martPads(k)
	core := martSQL(m, k, nil).len()
	m.sql = martSQL(m, k, pads[:g.lineBudget(core, len(pads))]).String()
	return m
}

func martSQL(m *model, k martKnobs, pads []string) *sqlText {
	var s sqlText
	if k.incremental {
		s.add(0, `{{ config "materialized" "incremental" "unique_key" "event_key" }}`)
	} else {
		s.add(0, `{{ config "materialized" "table" }}`)
	}
	s.blank()
	s.addf(0, "-- %s: %s", m.name, strings.ToLower(m.description[:1])+m.description[1:])
	s.blank()
	s.add(0, "with base as (")
	s.addf(1, `select * from {{ ref %q }}`, k.base.name)
	if k.incremental {
		s.add(1, "{{ if is_incremental }}")
		s.add(1, "where created_at > (select max(created_at) from {{ this }})")
		s.add(1, "{{ end }}")
	}
	s.add(0, "),")
	s.blank()
	for _, p := range k.partners {
		s.addf(0, "%s as (", p.cte)
		s.add(1, "select")
		s.list(2, []string{p.key, fmt.Sprintf("sum(%s) as %s", p.measure, p.sum)})
		s.addf(1, `from {{ ref %q }}`, p.m.name)
		s.addf(1, "group by %s", p.key)
		s.add(0, "),")
		s.blank()
	}

	measures := k.base.out.measures[:k.measures]
	dims := k.base.out.dims[:k.dims]
	var cols []string
	cte := "final"
	if k.incremental {
		var keyParts []string
		for _, c := range k.base.out.keys {
			keyParts = append(keyParts, fmt.Sprintf("cast(base.%s as varchar)", c))
		}
		keyParts = append(keyParts, "cast(base.created_at as varchar)")
		cols = append(cols, fmt.Sprintf("md5(concat_ws('|', %s)) as event_key", strings.Join(keyParts, ", ")))
		for _, c := range k.base.out.keys {
			cols = append(cols, "base."+c)
		}
		cols = append(cols, "base.created_at")
		for _, c := range dims {
			cols = append(cols, "base."+c)
		}
		cols = append(cols, fmt.Sprintf(`{{ template "cents_to_dollars" "base.%s" }} as amount_dollars`, measures[0]))
		for _, c := range measures[1:] {
			cols = append(cols, "base."+c)
		}
		for _, p := range k.partners {
			cols = append(cols, fmt.Sprintf("coalesce(%s.%s, 0) as %s", p.cte, p.sum, p.sum))
		}
		cols = append(cols, fmt.Sprintf(`case
    when base.%[1]s >= 100000 then 'large'
    when base.%[1]s >= 10000 then 'medium'
    else 'small'
end as amount_band`, measures[0]))
	} else {
		cte = "monthly"
		cols = append(cols,
			"base."+k.key,
			"date_trunc('month', base.created_at) as created_month",
			"count(*) as row_count",
			fmt.Sprintf(`{{ template "cents_to_dollars" "sum(base.%s)" }} as amount_dollars`, measures[0]))
		for _, c := range measures[1:] {
			cols = append(cols, fmt.Sprintf("sum(base.%s) as %s", c, k.totals[c]))
		}
		for _, c := range dims {
			cols = append(cols, fmt.Sprintf("count(distinct base.%s) as %s", c, k.distincts[c]))
		}
		for _, p := range k.partners {
			cols = append(cols, fmt.Sprintf("max(%s.%s) as %s", p.cte, p.sum, p.sum))
		}
	}
	s.addf(0, "%s as (", cte)
	s.add(1, "select")
	s.list(2, cols)
	s.add(1, "from base")
	for _, p := range k.partners {
		s.addf(1, "left join %[1]s on %[1]s.%[2]s = base.%[2]s", p.cte, p.key)
	}
	if k.since {
		s.add(1, `where base.created_at >= cast('{{ var "start_date" }}' as timestamp)`)
	}
	if !k.incremental {
		s.add(1, "group by 1, 2")
	}
	s.add(0, ")")
	s.blank()
	final := []string{"*"}
	if !k.incremental {
		final = append(final, `'{{ var "reporting_currency" }}' as reporting_currency`)
	}
	s.add(0, "select")
	s.list(1, append(final, pads...))
	s.addf(0, "from %s", cte)
	return &s
}

// martPads are optional derived columns over the mart's final CTE.
func martPads(k martKnobs) []string {
	used := names{}
	for n := range k.names {
		used[n] = true
	}
	var pads []string
	if k.incremental {
		pads = append(pads,
			"date_trunc('day', created_at) as "+used.take("created_date"),
			"extract(year from created_at) as "+used.take("created_year"),
			"extract(dow from created_at) as "+used.take("created_day_of_week"),
			"amount_dollars > 0 as "+used.take("has_amount"))
		for _, c := range k.base.out.measures[1:k.measures] {
			pads = append(pads, fmt.Sprintf("%s > 0 as %s", c, used.take("has_"+c)))
		}
		for _, c := range k.base.out.dims[:k.dims] {
			pads = append(pads, fmt.Sprintf("coalesce(%s, 'unknown') as %s", c, used.take(c+"_or_unknown")))
		}
	} else {
		pads = append(pads,
			"extract(year from created_month) as "+used.take("created_year"),
			"extract(month from created_month) as "+used.take("created_month_of_year"),
			"amount_dollars / nullif(row_count, 0) as "+used.take("avg_amount_dollars"),
			"row_count > 1 as "+used.take("has_many_rows"))
	}
	for _, p := range k.partners {
		pads = append(pads, fmt.Sprintf("%s > 0 as %s", p.sum, used.take("has_"+p.sum)))
	}
	pads = append(pads,
		"amount_dollars >= 1000 as "+used.take("is_large"),
		"amount_dollars < 0 as "+used.take("is_negative"),
		"round(amount_dollars, 0) as "+used.take("amount_dollars_rounded"))
	return pads
}
