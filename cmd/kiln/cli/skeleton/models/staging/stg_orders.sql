select
    id as order_id,
    customer_id,
    ordered_on,
    status,
    {{ template "cents_to_dollars" "amount_cents" }} as amount
from {{ ref "raw_orders" }}
