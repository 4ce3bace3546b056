{{- $methods := list "credit_card" "coupon" "bank_transfer" "gift_card" -}}
-- One row per order: what was bought, what it cost with the store's sales
-- tax, and how it was paid (successful payments only, split by method).
with orders as (
    select * from {{ ref "stg_orders" }}
),

stores as (
    select * from {{ ref "stg_stores" }}
),

order_items as (
    select
        order_id,
        cast(sum(quantity) as integer)          as item_count,
        cast(sum(line_total) as decimal(12, 2)) as subtotal,
        bool_or(product_type = 'beverage')      as has_beverage
    from {{ ref "int_order_items_priced" }}
    group by order_id
),

payments as (
    select * from {{ ref "int_order_payments_pivoted" }}
),

priced as (
    select
        orders.order_id,
        orders.customer_id,
        orders.store_id,
        stores.store_name,
        orders.ordered_at,
        orders.order_date,
        orders.status,
        orders.order_note,
        coalesce(order_items.item_count, 0)                          as item_count,
        coalesce(order_items.has_beverage, false)                    as has_beverage,
        coalesce(order_items.subtotal, 0)                            as subtotal,
        round(coalesce(order_items.subtotal, 0) * stores.tax_rate, 2) as tax_paid,
        {{- range $method := $methods }}
        coalesce(payments.{{ $method }}_cents, 0) as {{ $method }}_cents,
        {{- end }}
        coalesce(payments.total_paid_cents, 0)                       as amount_paid_cents
    from orders
    join stores
        on stores.store_id = orders.store_id
    left join order_items
        on order_items.order_id = orders.order_id
    left join payments
        on payments.order_id = orders.order_id
)

select
    order_id,
    customer_id,
    store_id,
    store_name,
    ordered_at,
    order_date,
    status,
    order_note,
    item_count,
    has_beverage,
    subtotal,
    tax_paid,
    subtotal + tax_paid as order_total,
    {{- range $method := $methods }}
    {{ template "cents_to_dollars" (printf "%s_cents" $method) }} as {{ $method }}_amount,
    {{- end }}
    {{ template "cents_to_dollars" "amount_paid_cents" }} as amount_paid,
    amount_paid_cents >= (subtotal + tax_paid) * 100 as is_fully_paid
from priced
