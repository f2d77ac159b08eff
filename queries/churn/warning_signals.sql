-- The warning score (预警分): the six early-warning signals, their flags, the score and its level, written once
-- and included (`-- include: churn/warning_signals`) by the customer-month mart (marts/customer_month_facts.sql)
-- and the churn signals (churn/signals.sql, churn/signals_without_holdings.sql). Not a query on its own: it
-- continues the `with` clause of the file that includes it, which defines
--   months_in       (customer_id, month, month_idx = year * 12 + month, aum_total, txn_count, digital_logins,
--                    products_held, complaints): every customer_months row of the customers it keeps;
--   closed_holdings (customer_id, close_date): holdings closed; zero rows when there is no holdings extract.
-- and ends with `warning_signals`, one row per months_in row. Every threshold, window and point is a $named
-- parameter bound from metrics.yaml `rules.risk` (docs/churn-model.md §1). Windows look backwards only and run
-- over month_idx with RANGE frames, so a gap in a customer's months never makes "3 months ago" the wrong month.

warning_windows as (
    select
        customer_id,
        month,
        month_idx,
        aum_total,
        products_held,
        sum(txn_count) over txn_recent as txn_recent,
        count(*) over txn_recent as txn_recent_months,
        sum(txn_count) over txn_before as txn_before,
        count(*) over txn_before as txn_before_months,
        sum(digital_logins) over login_recent as logins_recent,
        count(*) over login_recent as logins_recent_months,
        sum(digital_logins) over login_before as logins_before,
        count(*) over login_before as logins_before_months,
        max(aum_total) over aum_back as aum_before,
        sum(complaints) over complaint_window as complaints_window,
        max(case when txn_count > 0 then month_idx end) over history as last_active_idx,
        min(month_idx) over history as first_idx,
        max(products_held) over back_1 as products_prev
    from months_in
    window
        by_customer as (partition by customer_id order by month_idx),
        history as (by_customer range between unbounded preceding and current row),
        back_1 as (by_customer range between 1 preceding and 1 preceding),
        txn_recent as (by_customer range between $txn_months - 1 preceding and current row),
        txn_before as (by_customer range between 2 * $txn_months - 1 preceding and $txn_months preceding),
        login_recent as (by_customer range between $login_months - 1 preceding and current row),
        login_before as (by_customer range between 2 * $login_months - 1 preceding and $login_months preceding),
        aum_back as (by_customer range between $aum_months preceding and $aum_months preceding),
        complaint_window as (by_customer range between $complaint_months - 1 preceding and current row)
),

-- a fall in products held counts as closures; the first observed month has no fall
warning_product_drops as (
    select
        *,
        greatest(coalesce(products_prev, products_held) - products_held, 0) as products_dropped
    from warning_windows
),

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

warning_values as (
    select
        d.customer_id,
        d.month_idx,
        d.txn_recent,
        d.logins_recent,
        case
            when d.txn_recent_months = $txn_months and d.txn_before_months = $txn_months and d.txn_before > 0
                then d.txn_recent::double / d.txn_before - 1
        end as txn_trend,
        case when d.aum_before > 0 then d.aum_total / d.aum_before - 1 end as aum_trend,
        coalesce(d.complaints_window, 0)::integer as complaints_recent,
        case
            when $use_holdings then coalesce(hc.holdings_closed, 0)
            else sum(d.products_dropped) over (
                partition by d.customer_id order by d.month_idx
                range between $closure_months - 1 preceding and current row
            )
        end::integer as closures_recent,
        (d.month_idx - coalesce(d.last_active_idx, d.first_idx - 1))::integer as inactive_months,
        case
            when d.logins_recent_months = $login_months and d.logins_before_months = $login_months
                and d.logins_before > 0
                then d.logins_recent::double / d.logins_before - 1
        end as logins_trend
    from warning_product_drops as d
    left join warning_holding_closures as hc on hc.customer_id = d.customer_id and hc.month_idx = d.month_idx
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
