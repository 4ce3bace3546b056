package projectgen

import (
	"fmt"
	"strings"
)

// centsToDollars is the project's macro file, called by the marts.
const centsToDollars = `{{- /* cents_to_dollars turns an amount of cents into an exact amount of dollars. */ -}}
{{ define "cents_to_dollars" }}cast(({{ . }}) / 100.0 as decimal(18, 2)){{ end }}
`

// projectYAML is kiln.yml.
func (g *gen) projectYAML() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s -models %d -seed %d; regenerate rather than edit.\n", Marker, g.opts.Models, g.opts.Seed)
	b.WriteString(`name: bench
dialect: duckdb
vars:
  start_date: "2020-01-01"
  reporting_currency: USD
models:
  +materialized: view
  staging: { +materialized: view, +tags: [staging] }
  intermediate: { +materialized: view, +tags: [intermediate] }
  marts: { +materialized: table, +tags: [marts] }
`)
	return []byte(b.String())
}

// sourcesYAML is models/sources.yml: the raw source and all its tables.
func (g *gen) sourcesYAML() []byte {
	var b strings.Builder
	b.WriteString("# The tables the ingestion jobs load into the raw schema.\n")
	b.WriteString("sources:\n")
	b.WriteString("  - name: raw\n")
	b.WriteString("    schema: raw\n")
	b.WriteString("    tables:\n")
	for _, t := range g.tables {
		fmt.Fprintf(&b, "      - name: %s\n", t.name)
		b.WriteString("        columns:\n")
		for _, c := range t.cols {
			if c.raw == "id" {
				fmt.Fprintf(&b, "          - { name: id, data_type: %s, tests: [unique, not_null] }\n", c.kind.sqlType())
			} else {
				fmt.Fprintf(&b, "          - { name: %s, data_type: %s }\n", c.raw, c.kind.sqlType())
			}
		}
	}
	return []byte(b.String())
}

// martProperties writes one properties file per marts domain, describing and testing
// each of its marts.
func (g *gen) martProperties() []file {
	byDomain := map[string][]*model{}
	var domains []string
	for _, m := range g.marts {
		if byDomain[m.domain] == nil {
			domains = append(domains, m.domain)
		}
		byDomain[m.domain] = append(byDomain[m.domain], m)
	}
	var files []file
	for _, d := range domains {
		var b strings.Builder
		b.WriteString("models:\n")
		for _, m := range byDomain[d] {
			fmt.Fprintf(&b, "  - name: %s\n", m.name)
			fmt.Fprintf(&b, "    description: %q\n", m.description)
			b.WriteString("    columns:\n")
			tests := "[not_null]"
			if m.unique == m.notNull {
				tests = "[unique, not_null]"
			}
			fmt.Fprintf(&b, "      - name: %s\n", m.notNull)
			fmt.Fprintf(&b, "        tests: %s\n", tests)
		}
		files = append(files, file{fmt.Sprintf("models/marts/%s/_%s__models.yml", d, d), []byte(b.String())})
	}
	return files
}
