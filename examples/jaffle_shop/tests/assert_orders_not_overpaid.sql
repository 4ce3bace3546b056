-- No order is paid more than its total: coupons are capped at the order total
-- and failed card payments are not counted.
select order_id, order_total, amount_paid
from {{ ref "orders" }}
where amount_paid > order_total
