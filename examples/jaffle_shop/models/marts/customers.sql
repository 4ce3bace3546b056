-- One row per customer, with or without orders.
with customers as (
    select * from {{ ref "stg_customers" }}
),

orders as (
    select * from {{ ref "orders" }}
),

customer_orders as (
    select
        customer_id,
        min(ordered_at) as first_order_at,
        max(ordered_at) as most_recent_order_at,
        count(*)        as number_of_orders,
        sum(case when status <> 'returned' then amount_paid else 0 end) as lifetime_value
    from orders
    group by customer_id
)

select
    customers.customer_id,
    customers.first_name,
    customers.last_name,
    concat_ws(' ', customers.first_name, customers.last_name) as full_name,
    customers.email,
    customers.country_code,
    customers.signed_up_at,
    customers.accepts_marketing,
    customer_orders.first_order_at,
    customer_orders.most_recent_order_at,
    coalesce(customer_orders.number_of_orders, 0) as number_of_orders,
    cast(round(coalesce(customer_orders.lifetime_value, 0), 2) as decimal(18, 2)) as lifetime_value,
    case
        when customer_orders.number_of_orders is null then 'prospect'
        when customer_orders.number_of_orders = 1 then 'new'
        else 'returning'
    end as customer_type
from customers
left join customer_orders
    on customer_orders.customer_id = customers.customer_id
