-- How many of the selected customers (filters, risk levels, signal) have each early-warning signal firing
-- at the scoring month: one row, one column per signal plus the customer count.
with scores as (
    select
        customer_id,
        month,
        churn_probability,
        risk_level,
        aum_total,
        txn_drop_flag,
        aum_drop_flag,
        complaints_flag,
        closures_flag,
        inactive_flag,
        logins_drop_flag
    from read_parquet($scores_path)
),

scored as (
    select s.*
    from scores as s
    inner join customer_month_facts as f on f.customer_id = s.customer_id and f.month = s.month
    where ($regions is null or list_contains($regions, f.region))
        and ($branches is null or list_contains($branches, f.branch_id))
        and ($rms is null or list_contains($rms, f.rm_id))
        and ($tiers is null or list_contains($tiers, f.tier))
        and ($channels is null or list_contains($channels, f.acquisition_channel))
        and ($levels is null or list_contains($levels, s.risk_level))
        and (
            $signal is null
            or case $signal
                when 'txn_drop' then s.txn_drop_flag
                when 'aum_drop' then s.aum_drop_flag
                when 'complaints' then s.complaints_flag
                when 'closures' then s.closures_flag
                when 'inactive' then s.inactive_flag
                when 'logins_drop' then s.logins_drop_flag
                else false
            end
        )
),

final as (
    select
        count(*) as customers,
        count(*) filter (where txn_drop_flag) as txn_drop,
        count(*) filter (where aum_drop_flag) as aum_drop,
        count(*) filter (where complaints_flag) as complaints,
        count(*) filter (where closures_flag) as closures,
        count(*) filter (where inactive_flag) as inactive,
        count(*) filter (where logins_drop_flag) as logins_drop
    from scored
)

select * from final
