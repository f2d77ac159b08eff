-- opening_churn: the opening book with each customer's next churn (docs/metrics.md, "Churn").  One row per
-- customer_month_facts row that opens a later month (next_month), with the attributes the opening book is cut by, and
-- next_churn_month: the month of the customer's first churn event (the churn_events mart) after the row's month.
-- The churn rate's numerator counts the rows of a period's opening book whose next churn falls in the period
-- (metrics.yaml `event_in_period`).  A separate mart, read from the built marts, so the rule stays churn_events' own
-- and the customer-month build pays no window over the whole table.
with

churn_months as (
    select customer_id, list(month) as months
    from churn_events
    group by customer_id
),

final as (
    select
        f.customer_id,
        f.month,
        f.next_month,
        f.region,
        f.branch_id,
        f.rm_id,
        f.city,
        f.acquisition_channel,
        f.gender,
        f.age_band,
        f.risk_profile,
        f.tier,
        f.tier_alt,
        f.stage,
        f.warning_level,
        f.open_date,
        f.close_date,
        f.aum_total,
        f.warning_score,
        list_min(list_filter(c.months, lambda event_month: event_month > f.month)) as next_churn_month
    from customer_month_facts as f
    left join churn_months as c on c.customer_id = f.customer_id
    where f.next_month is not null
)

select * from final
