-- Products closed or redeemed in the last 3 months (holdings.close_date in
-- (month-end 3 months earlier, month-end]) for each customer-month; used instead of the fall in
-- customer_months.products_held when the holdings extract is present. Same sampling and month
-- filter parameters as churn/signals.sql, so the rows line up.
with customers_in as (
    select customer_id
    from customers
    where hash(customer_id, $sample_seed) % 10000 < $sample_per_10000
),

months_in as (
    select
        cm.customer_id,
        cm.month
    from customer_months as cm
    semi join customers_in as c on cm.customer_id = c.customer_id
    where cm.month >= coalesce($first_month::date, cm.month)
        and cm.month <= coalesce($last_month::date, cm.month)
),

closed as (
    select
        customer_id,
        close_date
    from holdings
    where close_date is not null
),

counted as (
    select
        m.customer_id,
        m.month,
        count(h.close_date) as closures_3m
    from months_in as m
    left join closed as h
        on m.customer_id = h.customer_id
        and h.close_date > last_day(m.month - interval 3 month)
        and h.close_date <= m.month
    group by m.customer_id, m.month
),

final as (
    select
        customer_id,
        month,
        closures_3m::integer as closures_3m,
        closures_3m >= $closures_min as closures_flag
    from counted
)

select * from final
