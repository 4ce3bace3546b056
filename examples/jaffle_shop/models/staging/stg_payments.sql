with source as (
    select * from {{ ref "raw_payments" }}
),

renamed as (
    select
        cast(id as integer)            as payment_id,
        cast(order_id as integer)      as order_id,
        lower(payment_method)          as payment_method,
        lower(status)                  as status,
        cast(amount_cents as integer)  as amount_cents,
        cast(created_at as timestamp)  as paid_at
    from source
)

select
    *,
    {{ template "cents_to_dollars" "amount_cents" }} as amount
from renamed
