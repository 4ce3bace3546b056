{{- $start := var "start_date" -}}
-- Revenue per calendar day from the project variable start_date
-- ({{ $start }}) to the last day with an order. Days when every shop was
-- closed are present with zeros. Returned orders do not count as revenue.
with orders as (
    select * from {{ ref "orders" }}
    where order_date >= date '{{ $start }}'
),

days as (
    select
        cast(unnest(generate_series(
            cast(date '{{ $start }}' as timestamp),
            cast(max(order_date) as timestamp),
            interval 1 day
        )) as date) as revenue_date
    from orders
),

daily as (
    select
        order_date,
        count(*) filter (where status <> 'returned')                    as order_count,
        count(*) filter (where status = 'returned')                     as returned_order_count,
        count(distinct customer_id) filter (where status <> 'returned') as customer_count,
        sum(item_count) filter (where status <> 'returned')             as items_sold,
        sum(order_total) filter (where status <> 'returned')            as gross_revenue,
        sum(amount_paid) filter (where status <> 'returned')            as amount_collected
    from orders
    group by order_date
)

select
    days.revenue_date,
    coalesce(daily.order_count, 0)                                             as order_count,
    coalesce(daily.returned_order_count, 0)                                    as returned_order_count,
    coalesce(daily.customer_count, 0)                                          as customer_count,
    cast(coalesce(daily.items_sold, 0) as bigint)                              as items_sold,
    cast(coalesce(daily.gross_revenue, 0) as decimal(18, 2))                   as gross_revenue,
    cast(round(coalesce(daily.amount_collected, 0), 2) as decimal(18, 2))      as amount_collected,
    cast(sum(coalesce(daily.gross_revenue, 0)) over (order by days.revenue_date) as decimal(18, 2))
                                                                               as cumulative_gross_revenue
from days
left join daily
    on daily.order_date = days.revenue_date
