-- Early-warning signals over time: per month-end, the open customers in the filtered scope and how many
-- have each signal firing. Flags and the attributes the filters test (tier as of each month) come from the
-- page's cached flags (`filtered_churn_flags`: one row per open customer-month, scoped like every
-- customer-keyed table and narrowed by the view's filters). With $levels or $signal set, only customers at those risk levels / with that signal
-- firing at the scoring month are followed back in time.
with chosen as (
    select customer_id
    from churn_scores
    where ($levels is null or list_contains($levels, risk_level))
        and (
            $signal is null
            or case $signal
                when 'txn_drop' then txn_drop_flag
                when 'aum_drop' then aum_drop_flag
                when 'complaints' then complaints_flag
                when 'closures' then closures_flag
                when 'inactive' then inactive_flag
                when 'logins_drop' then logins_drop_flag
                else false
            end
        )
),

selected as (
    select g.*
    from filtered_churn_flags as g
    where g.month >= $first_month and g.month <= $last_month
        and (($levels is null and $signal is null) or g.customer_id in (select customer_id from chosen))
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
