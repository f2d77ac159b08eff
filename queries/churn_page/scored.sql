-- The churn page's scored customers, included (`-- include: churn_page/scored`) by its aggregate queries: the
-- scores of every open customer at the latest month-end from the page's cached parquet ($scores_path), joined
-- with the scoped customer_month_facts (the viewer's row-level security) and narrowed by the page filters,
-- the risk levels ($levels) and the chosen signal ($signal). Ends with `scored`.
scores as (
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
