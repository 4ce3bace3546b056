{{/* sum_if sums a value over the rows where a column equals a constant:
     {{ macro "sum_if" "payment_method" "coupon" "amount_cents" }}
     renders  sum(case when payment_method = 'coupon' then amount_cents else 0 end) */}}
{{ define "sum_if" }}sum(case when {{ index .Args 0 }} = '{{ index .Args 1 }}' then {{ index .Args 2 }} else 0 end){{ end }}
