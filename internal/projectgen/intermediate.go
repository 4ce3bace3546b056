package projectgen

import (
	"fmt"
	"slices"
	"strings"
)

var intermediateVerbs = []string{"enriched", "joined", "activity", "history", "metrics", "combined"}

// partnerJoin is a parent of a model other than its base: aggregated by the join key in
// a CTE, then left-joined to the base.
type partnerJoin struct {
	m       *model
	key     string // the join column, which both sides have
	cte     string // the CTE that aggregates it
	measure string // the partner's column that is summed
	rows    string // output column: rows per key ("" when not selected)
	sum     string // output column: the sum of measure per key
}

// newPartners picks the partners of base from pool and names their CTEs and columns.
func (g *gen) newPartners(base *model, ms []*model, used names) []partnerJoin {
	var ps []partnerJoin
	for _, p := range ms {
		// Sum a plain measure (not one already prefixed by a partner), so names stay short.
		var plain []string
		for _, c := range p.out.measures {
			if isPoolMeasure(c) {
				plain = append(plain, c)
			}
		}
		measure := plain[g.r.IntN(len(plain))]
		ps = append(ps, partnerJoin{
			m:       p,
			key:     g.joinKey(base, p),
			cte:     used.take(p.topic + "_agg"),
			measure: measure,
			rows:    used.take(p.topic + "_rows"),
			sum:     used.take(p.topic + "_" + measure),
		})
	}
	return ps
}

func isPoolMeasure(c string) bool {
	for _, m := range measures {
		if m.clean == c {
			return true
		}
	}
	return false
}

// intermediateModel makes an intermediate model: a base model joined with one to three
// aggregated partners, then windowed.
func (g *gen) intermediateModel(idx int) *model {
	// Parents are mostly staging models, else intermediates that are not too deep: real
	// projects stack a few intermediate layers, and a deeper stack of views makes every
	// engine plan huge queries.
	pickFrom := func() *model {
		if len(g.stackable) > 0 && g.r.IntN(100) < 35 {
			return g.pick(g.stackable)
		}
		return g.pick(g.staging)
	}
	base := pickFrom()
	k := intermediateKnobs{
		base:     base,
		measures: min(len(base.out.measures), 1+g.r.IntN(3)),
		dims:     min(len(base.out.dims), 1+g.r.IntN(2)),
		window:   base.out.keys[g.r.IntN(len(base.out.keys))],
		lag:      g.r.IntN(2) == 0,
		limit:    g.r.IntN(2) == 0,
	}
	m := &model{
		name:   g.name(idx, "int", base.topic, intermediateVerbs[g.r.IntN(len(intermediateVerbs))]),
		layer:  intermediate,
		domain: base.domain,
		topic:  base.topic,
	}
	partners := g.partners(1+g.r.IntN(3), base, pickFrom)
	used := names{}
	for _, c := range base.out.keys {
		used.take(c)
	}
	used.take("created_at")
	for _, c := range slices.Concat(base.out.dims, base.out.measures) {
		used.take(c)
	}
	k.partners = g.newPartners(base, partners, used)
	k.recency = used.take("recency_rank")
	k.running = used.take("running_" + base.out.measures[0])
	k.previous = used.take("previous_created_at")
	k.names = used

	// Shrink until the core fits, then pad up to a random length.
	for intermediateSQL(m, k, nil).len() > maxLines {
		if !k.shrink() {
			break
		}
	}
	pads := intermediatePads(k)
	core := intermediateSQL(m, k, nil).len()
	m.sql = intermediateSQL(m, k, pads[:g.lineBudget(core, len(pads))]).String()

	for _, p := range append([]*model{base}, partners...) {
		m.depth = max(m.depth, p.depth+1)
	}
	m.out.keys = slices.Clone(base.out.keys)
	m.out.measures = append([]string(nil), base.out.measures[:k.measures]...)
	for _, p := range k.partners {
		m.out.measures = append(m.out.measures, p.sum)
	}
	m.out.dims = slices.Clone(base.out.dims[:k.dims])
	return m
}

// intermediateKnobs are the choices that shape an intermediate model's SQL.
type intermediateKnobs struct {
	base     *model
	partners []partnerJoin
	measures int    // how many of base's measures to keep
	dims     int    // how many of base's dims to keep
	window   string // the partition key of the window functions
	lag      bool   // add a lag() column
	limit    bool   // keep only the latest rows per window key
	names    names  // the model's column names, to name pads

	recency, running, previous string // names of the window columns
}

// shrink makes the model smaller by one step, or reports that it cannot.
func (k *intermediateKnobs) shrink() bool {
	switch {
	case k.lag:
		k.lag = false
	case k.limit:
		k.limit = false
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

func intermediateSQL(m *model, k intermediateKnobs, pads []string) *sqlText {
	var s sqlText
	var topics []string
	for _, p := range k.partners {
		topics = append(topics, p.m.topic)
	}
	s.addf(0, "-- %s: %s with %s, windowed per %s.", m.name, k.base.topic, strings.Join(topics, ", "), k.window)
	s.blank()
	s.add(0, "with base as (")
	s.addf(1, `select * from {{ ref %q }}`, k.base.name)
	s.add(0, "),")
	s.blank()
	for _, p := range k.partners {
		s.addf(0, "%s as (", p.cte)
		s.add(1, "select")
		s.list(2, []string{
			p.key,
			"count(*) as " + p.rows,
			fmt.Sprintf("sum(%s) as %s", p.measure, p.sum),
		})
		s.addf(1, `from {{ ref %q }}`, p.m.name)
		s.addf(1, "group by %s", p.key)
		s.add(0, "),")
		s.blank()
	}

	var cols []string
	for _, c := range k.base.out.keys {
		cols = append(cols, "base."+c)
	}
	cols = append(cols, "base.created_at")
	for _, c := range k.base.out.dims[:k.dims] {
		cols = append(cols, "base."+c)
	}
	for _, c := range k.base.out.measures[:k.measures] {
		cols = append(cols, "base."+c)
	}
	for _, p := range k.partners {
		cols = append(cols,
			fmt.Sprintf("coalesce(%s.%s, 0) as %s", p.cte, p.rows, p.rows),
			fmt.Sprintf("coalesce(%s.%s, 0) as %s", p.cte, p.sum, p.sum))
	}
	s.add(0, "joined as (")
	s.add(1, "select")
	s.list(2, cols)
	s.add(1, "from base")
	for _, p := range k.partners {
		s.addf(1, "left join %[1]s on %[1]s.%[2]s = base.%[2]s", p.cte, p.key)
	}
	s.add(0, "),")
	s.blank()

	over := fmt.Sprintf("partition by %s order by created_at", k.window)
	win := []string{
		"*",
		fmt.Sprintf("row_number() over (%s desc) as %s", over, k.recency),
		fmt.Sprintf("sum(%s) over (%s rows between unbounded preceding and current row) as %s",
			k.base.out.measures[0], over, k.running),
	}
	if k.lag {
		win = append(win, fmt.Sprintf("lag(created_at) over (%s) as %s", over, k.previous))
	}
	s.add(0, "windowed as (")
	s.add(1, "select")
	s.list(2, append(win, pads...))
	s.add(1, "from joined")
	s.add(0, ")")
	s.blank()
	s.add(0, "select *")
	s.add(0, "from windowed")
	if k.limit {
		s.addf(0, "where %s <= 1000", k.recency)
	}
	return &s
}

// intermediatePads are optional derived columns over the joined columns.
func intermediatePads(k intermediateKnobs) []string {
	// Reserve on a copy: the knobs' names stay as they are.
	used := names{}
	for n := range k.names {
		used[n] = true
	}
	pads := []string{
		"extract(year from created_at) as " + used.take("created_year"),
		"date_trunc('week', created_at) as " + used.take("created_week"),
		"date_trunc('month', created_at) as " + used.take("created_month"),
	}
	for _, c := range k.base.out.measures[:k.measures] {
		pads = append(pads, fmt.Sprintf("%s > 0 as %s", c, used.take("has_"+c)))
	}
	for _, p := range k.partners {
		pads = append(pads,
			fmt.Sprintf("%s > 0 as %s", p.rows, used.take("has_"+p.m.topic)),
			fmt.Sprintf("%s / nullif(%s, 0) as %s", p.sum, p.rows, used.take("avg_"+p.sum)))
	}
	for _, c := range k.base.out.dims[:k.dims] {
		pads = append(pads, fmt.Sprintf("coalesce(%s, 'unknown') as %s", c, used.take(c+"_or_unknown")))
	}
	return pads
}
