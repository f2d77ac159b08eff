-- lifecycle_cohort_cells: the serving aggregate of the /lifecycle funnel, funnel by group, time to activate and
-- summary cards (clientscope/lifecycle/serving.py).  Customers counted per opening month × every filter the page
-- applies to a cohort × the funnel facts the charts count: the steps reached and the steps measurable (complete
-- windows, decided by lifecycle/cohort_steps exactly as for the customer lists), the first transacting month's
-- offset, and the days to activate of activated customers (the median card).  The month-varying filters are the
-- entry values, in columns named like the metrics.yaml dimensions (tier, tier_alt, age_band) so that the compiled
-- filters (filtered_lifecycle_cohort_cells) select cohorts by them.  `windows` records the funnel windows the flags
-- were decided with (activation_days/retain_early/retain_late/growth_months/churn_months): a view with other
-- windows reads the cohort's detail rows instead.
with

members as (
    select *
    from customer_lifecycle
),

-- include: lifecycle/cohort_steps

final as (
    select
        open_month,
        region,
        branch_id,
        rm_id,
        city,
        acquisition_channel,
        gender,
        risk_profile,
        tier,
        tier_alt,
        age_band,
        observed_months,
        first_active_offset,
        -- only the activated customers' days are read (the median card); null elsewhere keeps the cells few
        case when activated then days_to_activate end as days_to_activate,
        activated,
        retained_early,
        retained_late,
        grown,
        churned,
        measurable_activation,
        measurable_early,
        measurable_late,
        measurable_growth,
        measurable_churn,
        concat_ws('/', $activation_days, $retain_early, $retain_late, $growth_months, $churn_months) as windows,
        count(*) as customers
    from steps
    group by all
)

select * from final
