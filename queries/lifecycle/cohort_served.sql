-- lifecycle/cohort_served: the cohort ($cohort_start..$cohort_end, by opening month) from the serving aggregate
-- marts/lifecycle_cohort_cells, regrouped to what the funnel, the funnel by group, time to activate and the cards
-- count: customers per opening month × the comparison dimension's value (`compare_value`, the entry value of
-- $dim) × the funnel facts.  The view's filters apply through filtered_lifecycle_cohort_cells.
with

cells as (
    select *
    from filtered_lifecycle_cohort_cells
    where open_month between $cohort_start and $cohort_end
),

final as (
    select
        open_month,
        observed_months,
        case $dim
            when 'tier' then tier
            when 'region' then region
            when 'age_band' then age_band
            else acquisition_channel
        end as compare_value,
        first_active_offset,
        days_to_activate,
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
        windows,
        sum(customers)::bigint as customers
    from cells
    group by all
)

select * from final
order by all
