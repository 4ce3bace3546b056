with source as (
    select * from {{ ref "raw_orders" }}
)

select
    cast(id as integer)             as order_id,
    cast(customer_id as integer)    as customer_id,
    cast(store_id as integer)       as store_id,
    cast(ordered_at as timestamp)   as ordered_at,
    cast(cast(ordered_at as timestamp) as date) as order_date,
    lower(status)                   as status,
    notes                           as order_note
from source
