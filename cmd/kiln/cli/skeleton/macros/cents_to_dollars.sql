{{/* Converts integer cents to an exact decimal amount: {{ template "cents_to_dollars" "amount_cents" }} */}}
{{ define "cents_to_dollars" }}cast({{ . }} / 100.0 as decimal(18, 2)){{ end }}
