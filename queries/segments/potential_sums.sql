-- The potential-customer summary at one month-end ($month_start): per candidate tier, the candidates, the
-- potential customers, their AUM and signal counts, and how many candidates have cross-border / payroll data at
-- all. Sums the serving layer's cells (marts/segment_potential.sql holds the rule) kept by the view's filters.
-- Included by segments/potential.sql (every filter) and segments/potential_core.sql (filters on the filter bar's own
-- dimensions only), after a `cells` CTE that reads the serving layer.

final as (
    select
        tier,
        tier_rank,
        cast(sum(candidates) as bigint) as candidates,
        cast(sum(potential) as bigint) as potential,
        sum(potential_aum) as potential_aum,
        cast(sum(aum_growth) as bigint) as aum_growth,
        cast(sum(card_spend) as bigint) as card_spend,
        cast(sum(cross_border) as bigint) as cross_border,
        cast(sum(payroll) as bigint) as payroll,
        cast(sum(with_cross_border_data) as bigint) as with_cross_border_data,
        cast(sum(with_payroll_data) as bigint) as with_payroll_data
    from cells
    where month_start = $month_start
    group by tier, tier_rank
)
