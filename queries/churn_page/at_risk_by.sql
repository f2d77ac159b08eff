-- At-risk customers and their AUM at the scoring month, by one level of the drill hierarchy (or by tier).
-- $level picks the grouping column ('region', 'branch', 'rm' or 'tier'); $at_risk_levels the risk levels
-- counted as at risk. Every scored customer in the filtered scope counts towards `customers` and `aum_total`.
with

-- include: churn_page/cells

grouped as (
    select
        case $level
            when 'region' then region
            when 'branch' then branch_id
            when 'rm' then rm_id
            when 'tier' then tier
        end as code,
        list_contains($at_risk_levels, risk_level) as at_risk,
        customers,
        aum_total
    from cells
),

final as (
    select
        code,
        sum(customers) as customers,
        coalesce(sum(customers) filter (where at_risk), 0) as at_risk_customers,
        coalesce(sum(aum_total) filter (where at_risk), 0) as at_risk_aum,
        coalesce(sum(aum_total), 0) as aum_total
    from grouped
    group by code
)

select * from final
order by at_risk_customers desc, at_risk_aum desc, code nulls last
