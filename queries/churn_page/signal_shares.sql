-- Early-warning signals over time: per month-end, the open customers in the filtered scope and how many
-- have each signal firing. Flags and the attributes the filters test (tier as of each month) come from the
-- page's cached flags (`filtered_churn_flags`: one row per open customer-month, scoped like every
-- customer-keyed table and narrowed by the view's filters). With $levels or $signal_bit set, only customers at those
-- risk levels / with that signal firing at the scoring month are followed back in time: each flags row carries
-- its customer's level and signal mask at the scoring month (null when the customer was not scored then), so
-- that is a column test, not a join with the scores.
with selected as (
    select g.*
    from filtered_churn_flags as g
    where g.month >= $first_month and g.month <= $last_month
        and ($levels is null or list_contains($levels, g.scored_risk_level))
        and ($signal_bit is null or (g.scored_signal_mask & $signal_bit) <> 0)
),

final as (
    select
        month,
        count(*) as customers,
        count(*) filter (where txn_drop_flag) as txn_drop,
        count(*) filter (where aum_drop_flag) as aum_drop,
        count(*) filter (where complaints_flag) as complaints,
        count(*) filter (where closures_flag) as closures,
        count(*) filter (where inactive_flag) as inactive,
        count(*) filter (where logins_drop_flag) as logins_drop
    from selected
    group by month
)

select * from final
order by month
