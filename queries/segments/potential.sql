-- Potential customers: open customers below the top tier who look like the tier above. The rule (thresholds are
-- $named parameters from metrics.yaml rules.potential) is segments/potential_rule.sql, included below and by
-- segments/potential_list.sql.
-- This file: per candidate tier, the candidates, the potential customers, their AUM and signal counts,
-- and how many candidates have cross-border / payroll data at all.
with

-- include: segments/potential_rule

final as (
    select
        tier,
        tier_rank,
        count(*) as candidates,
        count(*) filter (where is_potential) as potential,
        coalesce(sum(aum_total) filter (where is_potential), 0) as potential_aum,
        count(*) filter (where is_potential and sig_aum_growth) as aum_growth,
        count(*) filter (where is_potential and sig_card_spend) as card_spend,
        count(*) filter (where is_potential and sig_cross_border) as cross_border,
        count(*) filter (where is_potential and sig_payroll) as payroll,
        count(cross_border_avg) as with_cross_border_data,
        count(payroll_avg) as with_payroll_data
    from flagged_potential
    group by tier, tier_rank
)

select * from final
order by tier_rank
