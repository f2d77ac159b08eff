-- churn/signals.sql for an extract without holdings: no holding closures, so closures are counted from
-- falls in customer_months.products_held ($use_holdings is false).
with closed_holdings as (
    select
        cast(null as varchar) as customer_id,
        cast(null as date) as close_date
    where false
),

-- include: churn/signal_rows
