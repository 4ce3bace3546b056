with source as (
    select * from {{ ref "raw_customers" }}
)

select
    cast(id as integer)                  as customer_id,
    trim(first_name)                     as first_name,
    nullif(trim(last_name), '')          as last_name,
    lower(nullif(trim(email), ''))       as email,
    upper(country_code)                  as country_code,
    cast(date_of_birth as date)          as date_of_birth,
    cast(accepts_marketing as boolean)   as accepts_marketing,
    cast(signed_up_at as timestamp)      as signed_up_at
from source
