-- lifecycle/cohort_members: one row per customer of the acquisition cohort (open_date in $cohort_start..$cohort_end)
-- matching the view's filters (filtered_customer_lifecycle: its tier, tier_alt and age_band are the entry values),
-- with every funnel step (lifecycle/cohort_steps, included below).  The page's charts read the serving aggregate
-- (marts/lifecycle_cohort_cells) instead; this feeds the customer lists, and the charts under a cross-filter that
-- selects customers by a per-customer fact (clientscope/lifecycle/cohort.py).
with

members as (
    select *
    from filtered_customer_lifecycle
    where open_date between $cohort_start and $cohort_end
),

-- include: lifecycle/cohort_steps

final as (
    select
        s.customer_id,
        s.open_date,
        s.open_month,
        s.close_date,
        s.region,
        s.branch_id,
        b.branch_name,
        s.rm_id,
        r.rm_name,
        s.city,
        s.acquisition_channel,
        s.gender,
        s.risk_profile,
        s.tier as entry_tier,
        s.tier_alt as entry_tier_alt,
        s.age_band as entry_age_band,
        s.first_active_offset,
        s.days_to_activate,
        s.activated,
        s.retained_early,
        s.retained_late,
        s.grown,
        s.churned,
        s.churn_offset,
        s.observed_months,
        s.measurable_activation,
        s.measurable_early,
        s.measurable_late,
        s.measurable_growth,
        s.measurable_churn,
        coalesce(s.active_offsets, []) as active_offsets,
        coalesce(s.book_offsets, []) as book_offsets,
        coalesce(s.book_aum, []) as book_aum,
        s.latest_month,
        s.latest_stage,
        s.latest_aum
    from steps as s
    left join branches as b on b.branch_id = s.branch_id
    left join relationship_managers as r on r.rm_id = s.rm_id
)

select * from final
order by open_date, customer_id
