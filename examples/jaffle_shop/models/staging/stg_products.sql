select
    sku,
    name                          as product_name,
    lower(type)                   as product_type,
    cast(price as decimal(10, 2)) as unit_price,
    description,
    cast(is_active as boolean)    as is_active
from {{ ref "raw_products" }}
