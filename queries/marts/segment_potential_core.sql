-- segment_potential_core: segment_potential summed to the filter bar's own dimensions (region, branch, RM, tier,
-- acquisition channel): a few thousand rows per month-end, read when the view filters on nothing else (cells add up exactly).
with

final as (
    select
        month_start,
        region,
        branch_id,
        rm_id,
        tier,
        acquisition_channel,
        tier_rank,
        cast(sum(candidates) as bigint) as candidates,
        cast(sum(potential) as bigint) as potential,
        cast(sum(potential_aum) as decimal(18, 2)) as potential_aum,
        cast(sum(aum_growth) as bigint) as aum_growth,
        cast(sum(card_spend) as bigint) as card_spend,
        cast(sum(cross_border) as bigint) as cross_border,
        cast(sum(payroll) as bigint) as payroll,
        cast(sum(with_cross_border_data) as bigint) as with_cross_border_data,
        cast(sum(with_payroll_data) as bigint) as with_payroll_data
    from segment_potential
    group by all
)

select * from final
