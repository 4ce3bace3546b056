-- One row per customer with their order history.
with orders as (
    select * from {{ ref "stg_orders" }} where status <> 'returned'
)
select
    c.customer_id,
    c.full_name,
    count(o.order_id) as order_count,
    coalesce(sum(o.amount), 0) as lifetime_value,
    '{{ var "currency" }}' as currency
from {{ ref "stg_customers" }} as c
left join orders as o using (customer_id)
group by c.customer_id, c.full_name
