-- The warning score (预警分) of every customer-month, for the churn model's signals: included (`-- include:
-- churn/warning_signals`) by churn/signal_rows.sql. Not a query on its own: it continues the `with` clause of the
-- file that includes it, which defines
--   months_in       (customer_id, month, month_idx = year * 12 + month, aum_total, txn_count, digital_logins,
--                    products_held, complaints): every customer_months row of the customers it keeps;
--   closed_holdings (customer_id, close_date): holdings closed; zero rows when there is no holdings extract.
-- and ends with `warning_signals`, one row per months_in row. The windows are churn/warning_window_columns.sql,
-- the signals and the score churn/warning_scoring.sql, which the customer-month mart shares.

warning_windows as (
    select
        customer_id,
        month,
        month_idx,
        aum_total,
        products_held,
        -- include: churn/warning_window_columns
    from months_in
    window
        -- include: churn/warning_window_frames
),

-- include: churn/warning_scoring
