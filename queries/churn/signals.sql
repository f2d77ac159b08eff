-- Churn signals, the warning score and level, the model's levels and the 3-month churn label for every open
-- customer-month, with a holdings extract: closures are counted from holdings.close_date.
-- churn/signals_without_holdings.sql is the same query without one (closures from falls in products_held).
-- The signals and the score: churn/warning_signals.sql; the rows: churn/signal_rows.sql.
with closed_holdings as (
    select
        customer_id,
        close_date
    from holdings
    where close_date is not null
),

-- include: churn/signal_rows
