-- Risk distribution at the scoring month: customers and AUM per churn-probability bin and risk level.
-- Scores come from the page's cached parquet ($scores_path, every open customer at the latest month-end);
-- joining the scoped customer_month_facts applies the viewer's row-level security and the page filters.
-- $edges are the bin edges (ascending, starting at 0); bin i holds edges[i] <= probability < edges[i + 1].
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

binned as (
    select
        least(len(list_filter($edges, lambda edge: edge <= churn_probability)), len($edges) - 1) as bin,
        risk_level,
        aum_total
    from scored
),

final as (
    select
        bin,
        risk_level,
        count(*) as customers,
        coalesce(sum(aum_total), 0) as aum_total
    from binned
    group by bin, risk_level
)

select * from final
order by bin, risk_level
