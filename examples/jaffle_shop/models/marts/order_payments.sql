{{ config "materialized" "incremental" "unique_key" "order_id" "incremental_strategy" "merge" }}
-- Successful payments per order, built incrementally: after the first build a
-- run reads only the orders that received a payment later than the newest
-- one already loaded, and merges them by order_id.
select
    order_id,
    payment_count,
    total_paid_cents,
    {{ template "cents_to_dollars" "total_paid_cents" }} as total_paid,
    last_paid_at
from {{ ref "int_order_payments_pivoted" }}
{{- if is_incremental }}
where last_paid_at > (select max(last_paid_at) from {{ this }})
{{- end }}
