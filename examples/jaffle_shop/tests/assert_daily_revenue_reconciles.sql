-- The daily revenue mart adds up to the orders it was built from.
with from_orders as (
    select coalesce(sum(order_total), 0) as revenue
    from {{ ref "orders" }}
    where order_date >= date '{{ var "start_date" }}'
      and status <> 'returned'
),

from_days as (
    select coalesce(sum(gross_revenue), 0) as revenue
    from {{ ref "daily_revenue" }}
)

select from_orders.revenue as orders_revenue, from_days.revenue as daily_revenue
from from_orders, from_days
where from_orders.revenue <> from_days.revenue
