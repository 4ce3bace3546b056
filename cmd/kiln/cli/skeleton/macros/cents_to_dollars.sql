{{/* Converts an integer amount of cents to a decimal amount: {{ template "cents_to_dollars" "amount_cents" }} */}}
{{ define "cents_to_dollars" }}round({{ . }} / 100.0, 2){{ end }}
