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
-- reject: ASOF JOIN
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
-- reject: SEMI JOIN
select c.id from customers c semi join orders o on o.customer_id = c.id
-- reject: COLUMNS
select columns('^n.*') from customers
-- reject: median of a DECIMAL
select median(amount) as m from orders
