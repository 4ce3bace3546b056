{{/* cents_to_dollars turns an integer amount of cents into dollars.
     Call it with the column or expression: {{ template "cents_to_dollars" "amount_cents" }} */}}
{{ define "cents_to_dollars" }}round({{ . }} / 100.0, 2){{ end }}
