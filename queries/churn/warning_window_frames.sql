-- The frames of churn/warning_window_columns.sql: the last lines of the including select's `window` clause.
-- Windows look backwards only and run over month_idx with RANGE frames, so a gap in a customer's months never
-- makes "3 months ago" the wrong month. Every length is a $named parameter from metrics.yaml `rules.risk`.
by_customer as (partition by customer_id order by month_idx),
history as (by_customer range between unbounded preceding and current row),
txn_recent as (by_customer range between $txn_months - 1 preceding and current row),
txn_before as (by_customer range between 2 * $txn_months - 1 preceding and $txn_months preceding),
login_recent as (by_customer range between $login_months - 1 preceding and current row),
login_before as (by_customer range between 2 * $login_months - 1 preceding and $login_months preceding),
aum_back as (by_customer range between $aum_months preceding and $aum_months preceding),
complaint_window as (by_customer range between $complaint_months - 1 preceding and current row)
