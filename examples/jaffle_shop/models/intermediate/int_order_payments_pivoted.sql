{{- $methods := list "credit_card" "coupon" "bank_transfer" "gift_card" -}}
-- Successful payments per order, one column per payment method (in cents).
select
    order_id,
    {{- range $method := $methods }}
    {{ macro "sum_if" "payment_method" $method "amount_cents" }} as {{ $method }}_cents,
    {{- end }}
    cast(sum(amount_cents) as bigint) as total_paid_cents,
    count(*)          as payment_count,
    max(paid_at)      as last_paid_at
from {{ ref "stg_payments" }}
where status = 'success'
group by order_id
