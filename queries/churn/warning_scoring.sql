-- The warning score (预警分) from its history windows: the six early-warning signals, their flags, the score and
-- its level, written once and included (`-- include: churn/warning_scoring`) by churn/warning_signals.sql (the
-- churn model's signals) and the customer-month mart (marts/customer_month_facts.sql). Not a query on its own:
-- it continues the `with` clause of the file that includes it, which defines
--   months_in       (customer_id, month_idx = year * 12 + month, products_held, ...): the customer-months kept;
--   closed_holdings (customer_id, close_date): holdings closed; zero rows when there is no holdings extract;
--   warning_windows one row per months_in row, with its columns and churn/warning_window_columns.sql's windows,
-- and ends with `warning_signals`: every column of warning_windows, then the signals, flags, score and level.
-- Every threshold, window and point is a $named parameter bound from metrics.yaml `rules.risk`
-- (docs/churn-model.md §1).

-- with a holdings extract: holdings whose close_date is in (month-end $closure_months months earlier, month-end],
-- i.e. closed in this calendar month or the $closure_months - 1 before: each closure counts for the month-ends
-- of its close month and the $closure_months - 1 after (an equality join, not a range join over every row)
closure_offsets as (
    select unnest(range(cast($closure_months as integer))) as months_after
),

warning_holding_closures as (
    select
        h.customer_id,
        year(h.close_date) * 12 + month(h.close_date) + o.months_after as month_idx,
        count(*) as holdings_closed
    from closed_holdings as h
    cross join closure_offsets as o
    group by all
),

-- without one: a fall in products held counts as closures (the first observed month has no fall), summed over
-- the same months. Windows over the narrow rows of months_in that read no row when there is a holdings extract.
warning_product_drops as (
    select
        customer_id,
        month_idx,
        greatest(
            coalesce(
                max(products_held) over (
                    partition by customer_id order by month_idx range between 1 preceding and 1 preceding
                ),
                products_held
            ) - products_held,
            0
        ) as products_dropped
    from months_in
    where not $use_holdings
),

warning_product_closures as (
    select
        customer_id,
        month_idx,
        sum(products_dropped) over (
            partition by customer_id order by month_idx
            range between $closure_months - 1 preceding and current row
        ) as products_closed
    from warning_product_drops
),

warning_values as (
    select
        d.*,
        case
            when d.txn_recent_months = $txn_months and d.txn_before_months = $txn_months and d.txn_before > 0
                then d.txn_recent::double / d.txn_before - 1
        end as txn_trend,
        case when d.aum_before > 0 then d.aum_total / d.aum_before - 1 end as aum_trend,
        coalesce(d.complaints_window, 0)::integer as complaints_recent,
        case
            when $use_holdings then coalesce(hc.holdings_closed, 0)
            else pc.products_closed
        end::integer as closures_recent,
        (d.month_idx - coalesce(d.last_active_idx, d.first_idx - 1))::integer as inactive_months,
        case
            when d.logins_recent_months = $login_months and d.logins_before_months = $login_months
                and d.logins_before > 0
                then d.logins_recent::double / d.logins_before - 1
        end as logins_trend
    from warning_windows as d
    left join warning_holding_closures as hc on hc.customer_id = d.customer_id and hc.month_idx = d.month_idx
    left join warning_product_closures as pc on pc.customer_id = d.customer_id and pc.month_idx = d.month_idx
),

warning_flags as (
    select
        *,
        coalesce(txn_trend <= -$txn_drop, false) as txn_drop_flag,
        coalesce(aum_trend <= -$aum_drop, false) as aum_drop_flag,
        complaints_recent >= $complaints_min as complaints_flag,
        closures_recent >= $closures_min as closures_flag,
        inactive_months >= $inactive_months_min as inactive_flag,
        coalesce(logins_trend <= -$logins_drop, false) as logins_drop_flag
    from warning_values
),

warning_scores as (
    select
        *,
        least(
            100,
            txn_drop_flag::integer * $txn_drop_points
            + aum_drop_flag::integer * $aum_drop_points
            + complaints_flag::integer * $complaints_points
            + closures_flag::integer * $closures_points
            + inactive_flag::integer * $inactive_points
            + logins_drop_flag::integer * $logins_drop_points
        ) as warning_score
    from warning_flags
),

warning_signals as (
    select
        *,
        case
            when warning_score >= $warning_high then 'high'
            when warning_score >= $warning_medium then 'medium'
            else 'low'
        end as warning_level
    from warning_scores
),
