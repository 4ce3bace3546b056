-- kiln's SQL corpus: one DuckDB-dialect statement per line, over fixture.sql.
-- Each runs on DuckDB as written and, transpiled, on PostgreSQL; the results
-- must be equal. A "-- reject: TEXT" line says that the next statement must
-- fail to transpile with an error containing TEXT.
select id, name from customers order by id
select * from customers order by id
select c.* from customers c order by c.id
select * exclude (email, vip) from customers order by id
select * replace (upper(name) as name) from customers order by id
select * rename (name as customer_name) from customers order by id
select id, amount / qty as unit_price from orders order by id
select id, qty // 2 as half from orders order by id
select id, qty % 3 as m from orders order by id
select id, qty / 2 as h from orders order by id
select 7 / 2 as a, 7 // 2 as b, -7 // 2 as c, 7.0 / 2 as d
select id, amount * qty as total from orders order by id
select id, round(amount * 1.1, 1) as r from orders order by id
select id, round(val) as r, round(val, 1) as r1 from events order by id
select id, ceil(val) as c, floor(val) as f, abs(val) as a from events order by id
select id, cast(amount as integer) as i, cast(amount as varchar) as s from orders order by id
select id, amount::double as d, qty::bigint as b from orders order by id
select id, cast(qty as decimal(10, 3)) as d from orders order by id
select id, cast(created_at as date) as d from orders order by id
select id, created_at::date as d, created_at::time as t from orders order by id
select cast('2024-05-06' as date) as d, date '2024-02-29' as leap, timestamp '2024-01-01 10:11:12' as ts
select id, name || ' <' || coalesce(email, '?') || '>' as label from customers order by id
select id, concat(name, '-', country) as c, concat_ws('/', name, email, country) as w from customers order by id
select id, lower(email) as l, upper(name) as u, length(name) as n from customers order by id
select id, trim('  ' || name || '  ') as t, ltrim('xxa', 'x') as l, rtrim('axx', 'x') as r from customers order by id
select id, substring(name, 2, 2) as s, left(name, 1) as l, right(name, 2) as r from customers order by id
select id, replace(email, '@', ' at ') as e from customers order by id
select id, split_part(email, '@', 2) as domain from customers order by id
select id, strpos(email, '@') as at_pos, position('e' in name) as e_pos from customers order by id
select id, contains(email, 'example') as c, starts_with(name, 'A') as s, ends_with(email, '.org') as e from customers order by id
select id, lpad(cast(id as varchar), 4, '0') as p, rpad(name, 6, '.') as r from customers order by id
select id, reverse(name) as r, repeat('ab', id) as rep from customers order by id
select id, md5(name) as h from customers order by id
select id, regexp_replace(email, '[aeiou]', '_', 'g') as r from customers order by id
select id, regexp_matches(email, '\.com$') as dotcom from customers order by id
select id, regexp_extract(email, '^[^@]+') as local_part from customers order by id
select id, regexp_extract(email, '@(.*)$', 1) as dom from customers order by id
select id from customers where email ilike '%EXAMPLE%' order by id
select id from customers where name like 'A%' or name like '_ob' order by id
select id from customers where email not ilike '%.com' order by id
select id from customers where name similar to '(A|B)%' order by id
select id from orders where note like '%!%%' escape '!' order by id
select id from orders where status in ('placed', 'shipped') order by id
select id from orders where status not in ('placed', 'shipped') order by id
select id from orders where amount between 5 and 20 order by id
select id from orders where customer_id is null
select id from orders where customer_id is not null and note is null order by id
select id from customers where vip is distinct from true order by id
select id from customers where vip is not distinct from null order by id
select id, not vip as not_vip from customers order by id
select id, vip and country = 'NL' as both_, vip or country = 'NL' as either from customers order by id
select id, case when amount > 40 then 'big' when amount > 10 then 'mid' else 'small' end as band from orders order by id
select id, case status when 'placed' then 1 when 'shipped' then 2 end as s from orders order by id
select id, coalesce(note, 'none') as n, nullif(status, 'placed') as s, ifnull(customer_id, -1) as c from orders order by id
select id, greatest(qty, 3) as g, least(qty, 3) as l from orders order by id
select id, if(qty > 2, 'many', 'few') as many from orders order by id
select count(*) as n, count(note) as notes, count(distinct status) as statuses from orders
select status, count(*) as n, sum(amount) as total, min(amount) as lo, max(amount) as hi from orders group by status order by status
select status, avg(amount) as a, avg(qty) as q from orders group by status order by status
select customer_id, sum(qty) as q from orders group by customer_id having sum(qty) > 2 order by customer_id
select status, count(*) filter (where amount > 10) as big, count(*) filter (where amount <= 10) as small from orders group by status order by status
select sum(case when status = 'placed' then amount else 0 end) as placed, sum(case when status <> 'placed' then amount else 0 end) as other from orders
select count_if(amount > 10) as big from orders
select status, string_agg(cast(id as varchar), ',' order by id) as ids from orders group by status order by status
select customer_id, list(id order by id) as ids from orders where customer_id is not null group by customer_id order by customer_id
select bool_or(vip) as any_vip, bool_and(vip) as all_vip from customers
select status, count(*) as n from orders group by all order by status
select status, date_trunc('month', created_at) as m, count(*) as n from orders group by all order by all
select country, count(*) as n from customers group by country order by n desc, country
select status, max_by(id, amount) as top_id, min_by(id, amount) as low_id from orders group by status order by status
select median(qty) as med, stddev_samp(qty) as sd, var_pop(qty) as vp from orders
select quantile_cont(val, 0.25) as q, median(val) as m from events
select mode(status) as m from orders where status <> 'returned' and status <> 'completed'
select status, grouping(status) as g, count(*) as n from orders group by rollup (status) order by status nulls last, g
select country, vip, count(*) as n from customers group by grouping sets ((country), (vip), ()) order by country nulls last, vip nulls last, n
select count(distinct customer_id) as buyers, count(*) - count(customer_id) as orphans from orders
select id, row_number() over (order by created_at) as rn from orders order by id
select id, rank() over (order by qty) as r, dense_rank() over (order by qty) as dr from orders order by id
select id, sum(amount) over (partition by customer_id order by created_at) as running from orders order by id
select id, sum(qty) over (order by id rows between 1 preceding and 1 following) as s3 from orders order by id
select id, avg(val) over (order by id rows between 2 preceding and current row) as mov from events order by id
select id, lag(amount) over (order by id) as prev, lead(amount, 2, 0) over (order by id) as next2 from orders order by id
select id, first_value(id) over (partition by status order by id) as f, last_value(id) over (partition by status order by id rows between unbounded preceding and unbounded following) as l from orders order by id
select id, ntile(3) over (order by id) as t, percent_rank() over (order by qty) as pr, cume_dist() over (order by qty) as cd from orders order by id
select id, count(*) over (partition by status) as n, max(amount) over () as mx from orders order by id
select id, sum(qty) over (order by qty range between 1 preceding and 1 following) as r from orders order by id
select id, sum(qty) over (order by id rows between unbounded preceding and current row exclude current row) as ex from orders order by id
select id, row_number() over (partition by customer_id order by created_at desc) as rn from orders order by id
select * from orders qualify row_number() over (partition by customer_id order by created_at desc) = 1 order by id
select id, customer_id, amount from orders qualify rank() over (partition by status order by amount desc) <= 1 order by id
select id, customer_id, row_number() over (partition by customer_id order by id) as rn from orders qualify rn = 1 order by id
select customer_id, id from (select customer_id, id, row_number() over (partition by customer_id order by amount desc) as rn from orders) t where rn = 1 order by customer_id nulls last
select o.id, c.name from orders o join customers c on c.id = o.customer_id order by o.id
select o.id, c.name from orders o left join customers c on c.id = o.customer_id order by o.id
select c.id, o.id as order_id from customers c left join orders o on o.customer_id = c.id order by c.id, o.id
select c.id as cid, o.id as oid from customers c full outer join orders o on o.customer_id = c.id order by cid nulls last, oid nulls last
select o.id, c.name from orders o right join customers c on c.id = o.customer_id order by c.name, o.id
select c.name, e.kind from customers c cross join (select distinct kind from events) e order by 1, 2
select id, name from customers join (select id, amount from orders) o using (id) order by id
select c.id, x.total from customers c, lateral (select sum(amount) as total from orders o where o.customer_id = c.id) x order by c.id
select c.id, x.last_order from customers c left join lateral (select max(created_at) as last_order from orders o where o.customer_id = c.id) x on true order by c.id
select c.name, (select count(*) from orders o where o.customer_id = c.id) as n from customers c order by c.id
select id from customers c where exists (select 1 from orders o where o.customer_id = c.id and o.status = 'shipped') order by id
select id from customers c where not exists (select 1 from orders o where o.customer_id = c.id) order by id
select id from customers where id in (select customer_id from orders where amount > 10) order by id
select id from customers where id not in (select customer_id from orders where customer_id is not null) order by id
select id from orders where amount > (select avg(amount) from orders) order by id
with big as (select * from orders where amount > 10) select id, amount from big order by id
with a as (select customer_id, sum(amount) as s from orders group by customer_id), b as (select customer_id, s, rank() over (order by s desc) as r from a) select * from b order by r, customer_id nulls last
with recursive n(i) as (select 1 union all select i + 1 from n where i < 5) select i from n order by i
with recursive t(d) as (select date '2024-01-01' union all select cast(d + interval 1 day as date) from t where d < date '2024-01-07') select d from t order by d
select unnest(generate_series(cast(date '2024-01-01' as timestamp), cast(date '2024-01-05' as timestamp), interval 1 day)) as day order by day
select cast(unnest(generate_series(cast(date '2024-01-01' as timestamp), cast(date '2024-01-03' as timestamp), interval '1 day')) as date) as d order by d
select range as i from range(5) order by i
select i from range(2, 10, 3) t(i) order by i
select generate_series as i from generate_series(1, 3) order by i
select d.day, count(o.id) as n from (select cast(unnest(generate_series(cast(date '2024-01-01' as timestamp), cast(date '2024-01-06' as timestamp), interval 1 day)) as date) as day) d left join orders o on cast(o.created_at as date) = d.day group by d.day order by d.day
select id from orders union all select id from customers order by 1
select status from orders union select country from customers order by 1
select customer_id from orders except select id from customers where vip order by 1 nulls last
select id from customers intersect select customer_id from orders order by 1
(select id, 'o' as src from orders where id < 12) union all (select id, 'c' from customers where id < 3) order by id, src
select id, date_trunc('day', created_at) as d, date_trunc('month', created_at) as m, date_trunc('hour', created_at) as h from orders order by id
select id, date_trunc('month', signed_up) as m from customers order by id
select id, extract(year from created_at) as y, extract(month from created_at) as m, extract(day from created_at) as d from orders order by id
select id, extract(hour from created_at) as h, extract(minute from created_at) as mi, extract(second from created_at) as s from orders order by id
select id, extract(dow from created_at) as dow, extract(doy from created_at) as doy, extract(quarter from created_at) as q, extract(week from created_at) as w from orders order by id
select id, year(created_at) as y, month(created_at) as m, day(created_at) as d, dayofweek(created_at) as dw from orders order by id
select id, date_part('year', signed_up) as y from customers order by id
select id, extract(epoch from created_at) as e from orders order by id
select id, created_at + interval 1 day as tomorrow, created_at - interval 2 hours as earlier from orders order by id
select orders.id, created_at + interval '3 days' as later, signed_up + 7 as week_later from orders, customers where customers.id = orders.customer_id order by orders.id
select id, signed_up - date '2023-01-01' as days_since from customers order by id
select id, date_diff('day', signed_up, date '2024-06-01') as dd, date_diff('month', signed_up, date '2024-06-01') as dm, date_diff('year', signed_up, date '2026-01-01') as dy from customers order by id
select id, datediff('hour', created_at, timestamp '2024-03-05 00:00:00') as hh from orders order by id
select id, strftime(created_at, '%Y-%m-%d %H:%M') as s, strftime(created_at, '%d/%m/%y') as s2 from orders order by id
select id, last_day(signed_up) as ld from customers order by id
select id, make_date(2024, id, 1) as d from customers order by id
select id, created_at::date = current_date as today from orders order by id
select id, [1, 2, id] as l from customers order by id
select id, [id, id * 2][2] as second from customers order by id
select id, len([1, 2, 3]) as n, array_length([1, 2]) as m from customers order by id
select id, list_contains([1, 3, 5], id) as odd from customers order by id
select id, string_split(email, '@') as parts from customers order by id
select id, true as t, false as f, null as n from customers order by id
select id from customers where vip = true order by id
select id, vip::varchar as v from customers order by id
select distinct status from orders order by status
select distinct on (customer_id) customer_id, id from orders order by customer_id nulls last, id desc
select id from orders order by amount desc limit 3
select id from orders order by id limit 2 offset 3
select id, amount from orders order by amount desc nulls first, id
select id, note from orders order by note, id
select id, note from orders order by note desc, id
select customer_id, id from orders order by all
select * from (values (1, 'a'), (2, 'b')) v(x, y) order by x
select x from (values (3), (1), (2)) t(x) order by x desc
select 1 + 2 as three, 2 * 3.5 as f, 10 - 4 as six, -5 as neg, 2 ^ 10 as p, 2 ** 3 as p2
select id, amount, sum(amount) over (order by id) / sum(amount) over () as share from orders order by id
select kind, avg(val) as a, sum(val) as s, count(val) as n from events group by kind order by kind
select user_id, extract(epoch from max(ts) - min(ts)) as span_seconds from events group by user_id order by user_id
select id, coalesce(val, 0) * 2 as v2 from events order by id
select id, ts::date as d, cast(ts as varchar) as s from events order by id
select user_id, count(*) filter (where kind = 'view') as views, count(*) filter (where kind = 'buy') as buys from events group by user_id order by user_id
select e.user_id, c.name, count(*) as n from events e join customers c on c.id = e.user_id group by e.user_id, c.name order by e.user_id
select kind, list(distinct user_id order by user_id) as users from events group by kind order by kind
select id, val, val > 1 as pos from events order by id
select id, power(qty, 2) as sq, sqrt(qty) as r, ln(qty) as l, log10(qty) as lg, exp(0) as e from orders order by id
select id, mod(qty, 4) as m from orders order by id
select id, cast(amount * 100 as bigint) as cents from orders order by id
select count(*) as n from orders o where o.created_at >= timestamp '2024-02-01' and o.created_at < timestamp '2024-03-01'
select status, sum(amount) as s from orders where created_at < '2024-03-01' group by status having count(*) >= 1 order by s desc
from orders select id, status order by id
select id, amount from orders where amount = any(select amount from orders where status = 'placed') order by id
select id, (amount > 10)::integer as big from orders order by id
-- reject: TRY_CAST
select id, try_cast(note as integer) as n from orders order by id
-- reject: list_transform
select list_transform([1, 2, 3], x -> x * 2) as l
-- ASOF JOIN: a lateral subquery that takes the nearest row
select o.id, e.id as eid from orders o asof join events e on o.created_at >= e.ts order by o.id
-- reject: POSITIONAL JOIN
select * from customers positional join events
-- reject: struct field access
select {'a': 1, 'b': 2}.a as a
-- reject: function struct_pack
select {'a': 1} as s
-- reject: GLOB
select id from customers where name glob 'A*'
-- reject: UNION BY NAME
select 1 as a union by name select 2 as a
-- reject: function hash
select hash(name) from customers
-- reject: COLLATE
select id from customers order by name collate nocase
-- SEMI JOIN: WHERE EXISTS (…)
select c.id from customers c semi join orders o on o.customer_id = c.id order by c.id
-- reject: COLUMNS
select columns('^n.*') from customers
-- reject: median of a DECIMAL
select median(amount) as m from orders
-- Shapes of real-world dbt models (staging, intermediate, marts) over the
-- second half of fixture.sql.
select contact_id, lower(trim(email)) as email, nullif(trim(phone), '') as phone, regexp_replace(phone, '[^0-9+]', '', 'g') as phone_digits, loaded_at from raw_contacts order by contact_id, loaded_at
select * exclude (rn) from (select *, row_number() over (partition by contact_id order by loaded_at desc) as rn from raw_contacts) where rn = 1 order by contact_id
select contact_id, email, updated_at from raw_contacts qualify row_number() over (partition by contact_id order by updated_at desc, loaded_at desc) = 1 order by contact_id
select md5(cast(coalesce(cast(order_id as varchar), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(line_no as varchar), '_dbt_utils_surrogate_key_null_') as varchar)) as order_item_sk, order_id, line_no from order_items order by order_id, line_no
select md5(concat_ws('|', coalesce(cast(customer_id as varchar), ''), plan, cast(started_on as varchar))) as subscription_key, * from subscriptions order by id
select order_id, sum(case when method = 'credit_card' then amount_cents else 0 end) / 100.0 as credit_card_amount, sum(case when method = 'paypal' then amount_cents else 0 end) / 100.0 as paypal_amount, sum(case when method = 'gift_card' then amount_cents else 0 end) / 100.0 as gift_card_amount, sum(amount_cents) / 100.0 as total_amount from payments where status = 'success' group by order_id order by order_id
select date_trunc('month', paid_at) as month, count(*) filter (where status = 'success') as succeeded, count(*) filter (where status <> 'success') as other, sum(amount_cents) filter (where method = 'credit_card') as card_cents from payments group by 1 order by 1
select order_id, line_no, 'unit_price' as metric, unit_price as value from order_items union all select order_id, line_no, 'discount', discount from order_items order by order_id, line_no, metric
select l.id, v.side, v.amount from ledger l cross join lateral (values ('debit', l.debit), ('credit', l.credit)) as v(side, amount) where v.amount <> 0 order by l.id, v.side
select cast(d as date) as date_day from generate_series(timestamp '2024-01-01', timestamp '2024-01-10', interval 1 day) as t(d) order by date_day
select cast(range as date) as week_start from range(date '2024-01-01', date '2024-02-01', interval 1 week) order by 1
with spine as (select cast(unnest(generate_series(date '2024-01-01', date '2024-03-01', interval 1 month)) as date) as month_start) select s.month_start, count(o.id) as orders, coalesce(sum(o.amount), 0) as revenue from spine s left join orders o on date_trunc('month', o.created_at) = s.month_start group by s.month_start order by s.month_start
with ordered as (select anonymous_id, id, viewed_at, lag(viewed_at) over (partition by anonymous_id order by viewed_at, id) as prev_at from page_views), flagged as (select *, case when prev_at is null or viewed_at - prev_at > interval 30 minute then 1 else 0 end as new_session from ordered), numbered as (select *, sum(new_session) over (partition by anonymous_id order by viewed_at, id rows between unbounded preceding and current row) as session_number from flagged) select anonymous_id, id, session_number, anonymous_id || '-' || session_number as session_id from numbered order by anonymous_id, id
with l as (select *, lag(viewed_at) over (partition by anonymous_id order by viewed_at) as prev_at from page_views), s as (select *, sum(case when prev_at is null or viewed_at - prev_at > interval '30 minutes' then 1 else 0 end) over (partition by anonymous_id order by viewed_at) as session_number from l) select anonymous_id, session_number, min(viewed_at) as started_at, max(viewed_at) as ended_at, count(*) as views, date_diff('second', min(viewed_at), max(viewed_at)) as duration_s, first(url order by viewed_at) as landing_url, arg_max(url, viewed_at) as exit_url from s group by anonymous_id, session_number order by anonymous_id, session_number
with months as (select cast(unnest(generate_series(timestamp '2023-01-01', timestamp '2024-03-01', interval 1 month)) as date) as month_start), active as (select m.month_start, s.customer_id, s.mrr from months m join subscriptions s on s.started_on <= last_day(m.month_start) and (s.ended_on is null or s.ended_on >= m.month_start)) select month_start, count(distinct customer_id) as customers, sum(mrr) as mrr from active group by all order by month_start
with cm as (select customer_id, date_trunc('month', started_on) as m, sum(mrr) as mrr from subscriptions group by all) select customer_id, m, mrr, lag(mrr) over (partition by customer_id order by m) as prev_mrr, case when lag(mrr) over (partition by customer_id order by m) is null then 'new' when mrr > lag(mrr) over (partition by customer_id order by m) then 'expansion' when mrr < lag(mrr) over (partition by customer_id order by m) then 'contraction' else 'flat' end as change_category from cm order by customer_id, m
select date_trunc('month', ended_on) as churn_month, count(*) as churned, string_agg(plan, ', ' order by plan, id) as plans from subscriptions where ended_on is not null group by 1 order by 1
select plan, billing_period, sum(mrr * 12) as arr, avg(mrr)::decimal(10,2) as avg_mrr from subscriptions group by rollup (plan, billing_period) order by plan nulls last, billing_period nulls last
with touches as (select anonymous_id, utm_source, utm_medium, viewed_at, row_number() over (partition by anonymous_id order by viewed_at) as touch_n, count(*) over (partition by anonymous_id) as touches from page_views where utm_source is not null) select anonymous_id, utm_source, utm_medium, touch_n, touches, 1.0 / touches as linear_credit, case when touch_n = 1 then 1 else 0 end as first_touch from touches order by anonymous_id, touch_n
select id, case when utm_medium in ('cpc', 'ppc', 'paid') then 'Paid Search' when utm_medium = 'email' then 'Email' when utm_medium = 'social' or referrer ilike '%t.co%' then 'Social' when referrer like '%google.%' or referrer like '%bing.%' then 'Organic Search' when referrer is null then 'Direct' else 'Referral' end as channel from page_views order by id
select id, split_part(split_part(url, '://', 2), '/', 1) as host, regexp_extract(url, 'https?://[^/]+(/[^?#]*)', 1) as path, nullif(split_part(url, '?', 2), '') as query_string, regexp_extract(url, 'utm_source=([^&]+)', 1) as utm_from_url from page_views order by id
select id, regexp_replace(url, '\?.*$', '') as clean_url, lower(regexp_replace(referrer, '^https?://(www\.)?', '')) as ref_domain from page_views order by id
select device, count(*) filter (where regexp_matches(url, '/products/')) as product_views, count(*) filter (where regexp_matches(url, '/CHECKOUT', 'i')) as checkouts, count(*) as views from page_views group by device order by device
select account, entry_date, id, debit - credit as net, sum(debit - credit) over (partition by account order by entry_date, id rows between unbounded preceding and current row) as balance from ledger order by account, entry_date, id
select l.account, sum((l.debit - l.credit) * r.rate_to_eur) as net_eur from ledger l join fx_rates r on r.currency = l.currency and r.rate_date = date_trunc('month', l.entry_date) group by l.account order by l.account
select entry_date, sum(debit) as debits, sum(sum(debit)) over (order by entry_date range between interval 30 days preceding and current row) as rolling_30d from ledger group by entry_date order by entry_date
select entry_date, memo, sum(debit) as debits, sum(credit) as credits, sum(debit) = sum(credit) as balanced from ledger group by entry_date, memo having count(*) > 1 order by entry_date, memo
select extract(quarter from entry_date) as q, account, sum(debit - credit) as net from ledger group by grouping sets ((q, account), (q), ()) order by q nulls last, account nulls last
select account, currency, count(*) as n from ledger group by cube (account, currency) order by account nulls last, currency nulls last
select oi.order_id, oi.line_no, p.sku, p.category, oi.quantity * oi.unit_price * (1 - coalesce(oi.discount, 0)) as net_line_amount from order_items oi join products p on p.id = oi.product_id order by oi.order_id, oi.line_no
with items as (select order_id, sum(quantity) as units, sum(quantity * unit_price) as gross from order_items group by order_id) select o.id as order_id, c.name as customer_name, o.status, coalesce(i.units, 0) as units, coalesce(i.gross, 0) as gross, o.amount, i.gross - o.amount as diff from orders o left join customers c on c.id = o.customer_id left join items i on i.order_id = o.id order by o.id
select c.id, c.name, min(o.created_at) as first_order_at, max(o.created_at) as most_recent_order_at, count(o.id) as number_of_orders, coalesce(sum(o.amount), 0) as customer_lifetime_value, date_diff('day', min(o.created_at), max(o.created_at)) as active_days from customers c left join orders o on o.customer_id = c.id group by c.id, c.name order by c.id
select customer_id, id, created_at, row_number() over (partition by customer_id order by created_at) as order_seq, case when row_number() over (partition by customer_id order by created_at) = 1 then 'new' else 'returning' end as customer_type, date_diff('hour', lag(created_at) over (partition by customer_id order by created_at), created_at) as hours_since_prev from orders where customer_id is not null order by customer_id, created_at
with stats as (select customer_id, max(created_at) as last_at, count(*) as freq, sum(amount) as monetary from orders where customer_id is not null group by customer_id) select customer_id, ntile(3) over (order by last_at desc) as r, ntile(3) over (order by freq, customer_id) as f, ntile(3) over (order by monetary desc) as m from stats order by customer_id
select category, quantile_cont(price::double, 0.5) as median_price, quantile_disc(price, 0.5) as p50_disc, min(price) as lo, max(price) as hi from products group by category order by category
select percentile_cont(0.9) within group (order by val) as p90, percentile_disc(0.5) within group (order by val) as p50 from events
select a.product_id as product_a, b.product_id as product_b, count(*) as together from order_items a join order_items b on a.order_id = b.order_id and a.product_id < b.product_id group by all order by together desc, product_a, product_b
select p.category, sum(oi.quantity * oi.unit_price) as revenue, round(100.0 * sum(oi.quantity * oi.unit_price) / sum(sum(oi.quantity * oi.unit_price)) over (), 2) as pct from order_items oi join products p on p.id = oi.product_id group by p.category order by p.category
select p.id, p.name from products p where exists (select 1 from order_items oi where oi.product_id = p.id and oi.quantity >= 2) order by p.id
select p.id, p.sku from products p where not exists (select 1 from order_items oi join orders o on o.id = oi.order_id where oi.product_id = p.id and o.status = 'completed') order by p.id
select id, name from customers where id in (select customer_id from subscriptions where ended_on is null) and id not in (select customer_id from orders where status = 'returned') order by id
select s.id, s.plan, (select count(*) from subscriptions s2 where s2.customer_id = s.customer_id and s2.started_on < s.started_on) as prior_subscriptions from subscriptions s order by s.id
select c.id, c.name, recent.id as order_id, recent.amount from customers c cross join lateral (select o.id, o.amount from orders o where o.customer_id = c.id order by o.created_at desc limit 2) recent order by c.id, recent.id
select customer_id from subscriptions where ended_on is null intersect select customer_id from orders order by 1
select customer_id from orders where customer_id is not null except all select customer_id from subscriptions order by 1
select * exclude (memo) replace (round(debit, 0) as debit) from ledger order by id
select * exclude (status) rename (id as payment_id) from payments order by payment_id
select * from (pivot payments on method in ('credit_card', 'paypal', 'gift_card') using sum(amount_cents) as cents, count(*) as n group by order_id) order by order_id
select order_id, string_agg(distinct method, ',' order by method) as methods, count(distinct method) as n_methods from payments group by order_id order by order_id
select id, unnest(string_split(tags, '|')) as tag from products order by id, tag
select tag, count(*) as n from (select unnest(string_split(tags, '|')) as tag from products) t group by tag order by n desc, tag
select order_id, len(list(product_id)) as n_products, list(product_id order by line_no) as product_ids from order_items group by order_id order by order_id
select id, list_contains(string_split(tags, '|'), 'sale') as on_sale, list_append(string_split(tags, '|'), 'all') as all_tags from products order by id
select id, string_split(url, '/')[4] as section from page_views order by id
select id, strftime(viewed_at, '%Y-%m') as ym, strftime(viewed_at, '%A') as weekday_name, strftime(viewed_at, '%H:00') as hour_bucket, dayname(viewed_at) as dn, monthname(viewed_at) as mn from page_views order by id
select id, started_on, coalesce(ended_on, date '2024-03-31') - started_on as days_active, date_diff('week', started_on, coalesce(ended_on, date '2024-03-31')) as weeks_active, date_diff('month', started_on, coalesce(ended_on, date '2024-03-31')) as months_active, started_on + interval 1 year as renewal_at, date_add(started_on, interval 30 day) as trial_end, epoch_ms(started_on::timestamp) as started_ms from subscriptions order by id
select id, date_part('year', age(timestamp '2024-03-31 00:00:00', cast(signed_up as timestamp))) as tenure_years from customers order by id
select customer_id, first(status order by created_at desc) as latest_status, last(status order by created_at desc) as first_status, first(note order by created_at) as first_note from orders where customer_id is not null group by customer_id order by customer_id
select id, extract(isodow from viewed_at) as dow, case when extract(isodow from viewed_at) in (6, 7) then 'weekend' else 'weekday' end as day_type from page_views order by id
select id, coalesce(active, false) and launched_on < date '2024-01-01' as established, not coalesce(active, true) as retired, active is null as unknown_status from products order by id
select id, price::int as price_int, cast(price as varchar) as price_text, '42'::integer + 1 as answer, launched_on::varchar as launched_text from products order by id
select contact_id, loaded_at, coalesce(nullif(trim(email), ''), nullif(phone, ''), 'unknown') as contact_point, coalesce(last_name, first_name, 'anon') as display_name from raw_contacts order by contact_id, loaded_at
select cur.contact_id, cur.loaded_at, prev.email is distinct from cur.email as email_changed, prev.phone is not distinct from cur.phone as phone_same from raw_contacts cur left join raw_contacts prev on prev.contact_id = cur.contact_id and prev.loaded_at < cur.loaded_at order by cur.contact_id, cur.loaded_at
select contact_id, updated_at as valid_from, lead(updated_at) over (partition by contact_id order by loaded_at) as valid_to, lead(updated_at) over (partition by contact_id order by loaded_at) is null as is_current from raw_contacts order by contact_id, loaded_at
select id, viewed_at, count(*) over (partition by anonymous_id order by viewed_at range between interval 1 hour preceding and current row) as views_last_hour from page_views order by id
select id, avg(amount) over (order by created_at rows between 2 preceding and current row) as ma3, sum(amount) over (order by created_at rows between current row and unbounded following) as remaining from orders order by id
select id, first_value(status) over w as first_status, last_value(status) over w as last_status from orders window w as (partition by customer_id order by created_at rows between unbounded preceding and unbounded following) order by id
select id, nth_value(id, 2) over (partition by customer_id order by created_at rows between unbounded preceding and unbounded following) as second_order from orders order by id
with firsts as (select customer_id, date_trunc('month', min(created_at)) as cohort_month from orders where customer_id is not null group by 1), activity as (select distinct o.customer_id, date_trunc('month', o.created_at) as active_month from orders o) select f.cohort_month, date_diff('month', f.cohort_month, a.active_month) as month_number, count(distinct a.customer_id) as active_customers from firsts f join activity a using (customer_id) group by all order by all
select anonymous_id, bool_or(url like '%/products/%') as viewed_product, bool_or(url like '%/checkout%') as reached_checkout, max(viewed_at) filter (where url like '%/checkout%') as checkout_at from page_views group by anonymous_id order by anonymous_id
select customer_id, date_trunc('month', created_at) as m, sum(amount) as total from orders where customer_id is not null group by customer_id, m qualify rank() over (partition by m order by sum(amount) desc) = 1 order by m, customer_id
select s.id, s.plan from subscriptions s where (s.customer_id, s.plan) in (select customer_id, plan from subscriptions where ended_on is null) order by s.id
select 'order' as source, id, created_at as occurred_at, amount as value from orders union all select 'payment', id, paid_at, amount_cents / 100 from payments order by occurred_at, source, id
select coalesce(o.customer_id, 0) as customer_id, count(*) filter (where p.status = 'success') as ok, count(*) filter (where p.status = 'failed') as failed from payments p join orders o on o.id = p.order_id group by 1 order by 1
select id, amount_cents // 100 as dollars, amount_cents % 100 as cents, amount_cents / 100 as exact from payments order by id
select plan, count(*) as subs, count(*) filter (where ended_on is null) as active, round(avg(date_diff('day', started_on, coalesce(ended_on, date '2024-03-31'))), 1) as avg_days from subscriptions group by plan order by plan
select sku, upper(left(sku, 3)) = 'SKU' as well_formed, regexp_extract(sku, '[0-9]+')::integer as sku_number, lpad(regexp_extract(sku, '[0-9]+'), 5, '0') as padded from products order by id
select count(*) as n, count(distinct anonymous_id) as visitors, count(distinct user_id) as users, count(distinct coalesce(cast(user_id as varchar), anonymous_id)) as people from page_views
select pv.id, coalesce(pv.user_id, max(pv.user_id) over (partition by pv.anonymous_id)) as stitched_user_id from page_views pv order by pv.id
select * from (select customer_id, plan, mrr, row_number() over (partition by customer_id order by started_on desc) as rn from subscriptions) where rn = 1 order by customer_id
with recursive tree as (select id, name, parent_id, name as path, 1 as depth from categories where parent_id is null union all select c.id, c.name, c.parent_id, t.path || ' > ' || c.name, t.depth + 1 from categories c join tree t on c.parent_id = t.id) select id, path, depth from tree order by id
select c.id, c.name from customers c semi join subscriptions s on s.customer_id = c.id and s.ended_on is null order by c.id
select id, side, amount from (unpivot ledger on debit, credit into name side value amount) where amount <> 0 order by id, side
select id, strftime(created_at, '%G-W%V') as iso_week, strftime(created_at, '%-d/%-m') as short_date from orders order by id
select contact_id, loaded_at, substring(trim(email), strpos(trim(email), '@') + 1) as email_domain, left(trim(email), strpos(trim(email), '@') - 1) as email_user from raw_contacts where email is not null order by contact_id, loaded_at
select p.id, p.sku from products p anti join order_items oi on oi.product_id = p.id order by p.id
select id, amount / 2 as half, round(amount / 2, 2) as half_rounded, (amount / 2)::decimal(10, 2) as half_dec, round(amount / qty) as per_unit from orders order by id
select p.id, p.note, lp.paid_at as last_paid_at from orders p left join lateral (select paid_at from payments x where x.order_id = p.id and x.status = 'success' order by paid_at desc limit 1) lp on true order by p.id
select s.customer_id, s.plan, c.name, c.country from subscriptions s join customers c on c.id = s.customer_id where s.ended_on is null and c.country in (select country from customers group by country having count(*) > 1) order by s.customer_id, s.plan
select order_id, max(case when line_no = 1 then product_id end) as first_product, max(case when line_no = 2 then product_id end) as second_product from order_items group by order_id order by order_id
select contact_id, loaded_at, try_cast(contact_id as varchar) as contact_key, try_cast(updated_at as timestamp) as updated_ts from raw_contacts order by contact_id, loaded_at
select l.id, l.entry_date, l.currency, r.rate_date, (l.debit - l.credit) * r.rate_to_eur as net_eur from ledger l asof join fx_rates r on r.currency = l.currency and l.entry_date >= r.rate_date order by l.id
select time_bucket(interval '1 hour', viewed_at) as hour_bucket, device, count(*) as views from page_views group by all order by all
select o.id, o.amount, sum(p.amount_cents) / 100.0 as paid, o.amount - coalesce(sum(p.amount_cents), 0) / 100.0 as outstanding from orders o left join payments p on p.order_id = o.id and p.status = 'success' group by o.id, o.amount order by o.id
select id, entry_date, make_date(year(entry_date), month(entry_date), 1) as period_start, case when debit > 0 then 'debit' when credit > 0 then 'credit' else 'zero' end as side, abs(debit - credit) as magnitude from ledger where entry_date between date '2024-01-01' and date '2024-01-31' order by id
pivot subscriptions on billing_period in ('monthly', 'annual') using sum(mrr) group by plan order by plan
select * from ledger unpivot include nulls (amount for side in (debit as dr, credit as cr)) order by id, side
select percentile_cont(0.75) within group (order by val desc) as p25, percentile_disc(0.5) within group (order by id) as mid_id, mode() within group (order by user_id) as top_user from events
-- reject: ASOF JOIN
select * from ledger l asof join (select currency, rate_date as entry_date, rate_to_eur from fx_rates) r using (currency, entry_date) order by l.id
-- reject: count(DISTINCT …) OVER
select id, count(distinct status) over (partition by customer_id) as n_statuses from orders order by id
select sum(qty::bigint) // 2 as half_total, 7::hugeint // 2 as h from orders
-- reject: negative start
select substring('abcdef', -2) as s
-- reject: negative start
select substr(name, -3, 2) as s from customers
-- reject: negative subscript
select list_value(10, 20, 30)[-1] as last
-- reject: negative index
select list_extract([1, 2, 3], -1) as last
select sum(qty > 1) as many, sum(status = 'paid') filter (where qty > 0) as paid from orders
select customer_id, sum(qty > 1) over (partition by customer_id) as many from orders order by id
-- reject: split_part with index 0
select split_part(name, ' ', 0) as p from customers
