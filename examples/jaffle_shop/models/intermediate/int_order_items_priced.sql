{{ config "materialized" "ephemeral" }}
-- One row per order line with its price; inlined as a CTE wherever it is ref'd.
select
    items.order_item_id,
    items.order_id,
    items.sku,
    products.product_name,
    products.product_type,
    items.quantity,
    products.unit_price,
    items.quantity * products.unit_price as line_total
from {{ ref "stg_order_items" }} as items
join {{ ref "stg_products" }} as products
    on products.sku = items.sku
