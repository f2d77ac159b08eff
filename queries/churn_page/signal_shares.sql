-- Early-warning signals over time: per month-end, the open customers in the filtered scope and how many
-- have each signal firing. Flags come from the page's cached parquet ($flags_path, one row per open
-- customer-month); the scoped customer_month_facts applies row-level security and the page filters (tier
-- as of each month). With $levels or $signal set, only customers at those risk levels / with that signal
-- firing at the scoring month are followed back in time.
with chosen as (
    select customer_id
    from read_parquet($scores_path)
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

flags as (
    select *
    from read_parquet($flags_path)
    where month >= $first_month and month <= $last_month
),

facts as (
    select customer_id, month, region, branch_id, rm_id, tier, acquisition_channel
    from customer_month_facts
    where month >= $first_month and month <= $last_month
),

selected as (
    select g.*
    from flags as g
    inner join facts as f on f.customer_id = g.customer_id and f.month = g.month
    where ($regions is null or list_contains($regions, f.region))
        and ($branches is null or list_contains($branches, f.branch_id))
        and ($rms is null or list_contains($rms, f.rm_id))
        and ($tiers is null or list_contains($tiers, f.tier))
        and ($channels is null or list_contains($channels, f.acquisition_channel))
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
