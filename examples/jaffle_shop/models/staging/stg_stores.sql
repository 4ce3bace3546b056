select
    cast(id as integer)             as store_id,
    name                            as store_name,
    city,
    cast(opened_on as date)         as opened_on,
    cast(tax_rate as decimal(6, 4)) as tax_rate
from {{ ref "raw_stores" }}
