-- At-risk customers and their AUM at the scoring month, by one level of the drill hierarchy (or by tier).
-- $level picks the grouping column ('region', 'branch', 'rm' or 'tier'); $at_risk_levels the risk levels
-- counted as at risk. Every scored customer in the filtered scope counts towards `customers` and `aum_total`.
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
    select
        s.*,
        f.region,
        f.branch_id,
        f.rm_id,
        f.tier,
        f.acquisition_channel
    from scores as s
    inner join customer_month_facts as f on f.customer_id = s.customer_id and f.month = s.month
    where ($regions is null or list_contains($regions, f.region))
        and ($branches is null or list_contains($branches, f.branch_id))
        and ($rms is null or list_contains($rms, f.rm_id))
        and ($tiers is null or list_contains($tiers, f.tier))
        and ($channels is null or list_contains($channels, f.acquisition_channel))
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

grouped as (
    select
        case $level
            when 'region' then region
            when 'branch' then branch_id
            when 'rm' then rm_id
            when 'tier' then tier
        end as code,
        list_contains($at_risk_levels, risk_level) as at_risk,
        aum_total
    from scored
),

final as (
    select
        code,
        count(*) as customers,
        count(*) filter (where at_risk) as at_risk_customers,
        coalesce(sum(aum_total) filter (where at_risk), 0) as at_risk_aum,
        coalesce(sum(aum_total), 0) as aum_total
    from grouped
    group by code
)

select * from final
order by at_risk_customers desc, at_risk_aum desc, code nulls last
