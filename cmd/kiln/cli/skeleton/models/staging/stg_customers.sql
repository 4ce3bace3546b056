select
    id as customer_id,
    first_name || ' ' || last_name as full_name,
    signed_up_on
from {{ ref "raw_customers" }}
