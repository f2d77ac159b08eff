-- churn_events: one row per churn event, booked in the month the customer left (docs/metrics.md, "Churn").
-- A closure counts in the month of its close date, whether or not the extract has a row for that month (extracts
-- often stop at the month-end before the closure); a soft churn counts in the month the customer first meets the
-- soft-churn rule.  A customer whose last row before the closure was already in soft churn is not counted again.
-- Closures after the latest month of data are not events yet; customers with no row before or in the month of
-- their closure were never on the books in the data and are left out.
-- The attributes, tier, stage, balances and risk are the customer's as of the last month-end before the event
-- month (the opening book the churn rate divides by), or the event month's own row for a customer with no earlier
-- row, so that by every dimension the churned customers are counted as the opening book counts them.
with

data_months as (
    select min(month) as first_month, max(month) as last_month
    from customer_month_facts
),

row_events as (
    select
        f.customer_id,
        f.month,
        case when f.is_churned_month then 'closed' else 'soft_churn' end as reason
    from customer_month_facts as f
    where f.is_churn_event
),

closures as (
    select
        c.customer_id,
        cast(last_day(c.close_date) as date) as month
    from customers as c
    cross join data_months as d
    where c.close_date is not null
      and last_day(c.close_date) >= d.first_month
      and last_day(c.close_date) <= d.last_month
),

-- closures in a month the extract has no row for (the row-based ones are already in row_events)
rowless_closures as (
    select
        c.customer_id,
        c.month,
        'closed' as reason
    from closures as c
    anti join customer_month_facts as f on f.customer_id = c.customer_id and f.month = c.month
),

events as (
    select customer_id, month, reason, true as has_row from row_events
    union all
    select customer_id, month, reason, false as has_row from rowless_closures
),

-- the rows of the customers with an event (a small part of the mart), for the two look-ups below
event_rows as (
    select f.*
    from customer_month_facts as f
    semi join events as e on e.customer_id = f.customer_id
),

-- the customer's last row before the event month
with_prior as (
    select
        e.customer_id,
        e.month,
        e.reason,
        e.has_row,
        p.month as prior_month,
        p.is_soft_churn as prior_soft_churn
    from events as e
    asof left join event_rows as p on p.customer_id = e.customer_id and e.month > p.month
),

counted as (
    select
        w.*,
        coalesce(w.prior_month, w.month) as as_of_month
    from with_prior as w
    where w.has_row or (w.prior_month is not null and not w.prior_soft_churn)
),

final as (
    select
        k.customer_id,
        k.month,
        cast(date_trunc('month', k.month) as date) as month_start,
        k.reason,
        case when k.reason = 'closed' then f.close_date else k.month end as event_date,
        k.as_of_month,
        coalesce(
            k.prior_month = cast(last_day(k.month - interval 1 month) as date)
            and (f.close_date is null or f.close_date > k.prior_month),
            false
        ) as in_opening_book,
        f.region,
        f.branch_id,
        f.rm_id,
        f.city,
        f.acquisition_channel,
        f.gender,
        f.birth_year,
        f.age_band,
        f.risk_profile,
        f.tags,
        f.open_date,
        f.close_date,
        f.tenure_months,
        f.aum_total,
        f.deposits,
        f.wealth,
        f.insurance,
        f.products_held,
        f.txn_count,
        f.tier,
        f.tier_alt,
        f.stage,
        f.warning_score,
        f.warning_level
    from counted as k
    inner join event_rows as f on f.customer_id = k.customer_id and f.month = k.as_of_month
)

select * from final
