-- segment_potential: the potential-customer summary per month-end, candidate tier and cell of the filter bar's
-- dimensions (the columns are named as in metrics.yaml, so the page's filters apply to them). Counts are of
-- customers, and a customer is in one cell per month, so the page adds the cells it keeps.
with

final as (
    select
        month,
        month_start,
        region,
        branch_id,
        rm_id,
        city,
        tier,
        tier_rank,
        tier_alt,
        stage,
        acquisition_channel,
        gender,
        age_band,
        risk_profile,
        warning_level,
        count(*) as candidates,
        count(*) filter (where is_potential) as potential,
        cast(coalesce(sum(aum_total) filter (where is_potential), 0) as decimal(18, 2)) as potential_aum,
        count(*) filter (where is_potential and sig_aum_growth) as aum_growth,
        count(*) filter (where is_potential and sig_card_spend) as card_spend,
        count(*) filter (where is_potential and sig_cross_border) as cross_border,
        count(*) filter (where is_potential and sig_payroll) as payroll,
        count(cross_border_avg) as with_cross_border_data,
        count(payroll_avg) as with_payroll_data
    from segment_potential_flags
    group by all
)

select * from final
