-- lifecycle/retention_served: the retention heatmap's inputs for the cohort ($cohort_start..$cohort_end) from the
-- serving aggregates: per opening month its size and months observed (marts/lifecycle_cohort_cells) and, per month
-- offset k <= $max_offset, the customers active in month k and the AUM on the books in it in whole cents
-- (marts/lifecycle_retention_cells).  The view's filters apply through the filtered_ relations.
with

sizes as (
    select
        open_month,
        sum(customers)::bigint as cohort_size,
        max(observed_months) as observed_months
    from filtered_lifecycle_cohort_cells
    where open_month between $cohort_start and $cohort_end
    group by open_month
),

cells as (
    select
        open_month,
        month_offset,
        sum(active)::bigint as active,
        -- whole cents, as the detail path adds them (clientscope.money.cents_sum): the same float in the end
        cast(sum(aum) * 100 as bigint) as aum_cents
    from filtered_lifecycle_retention_cells
    where open_month between $cohort_start and $cohort_end
      and month_offset <= $max_offset
    group by open_month, month_offset
),

final as (
    select
        s.open_month,
        s.cohort_size,
        s.observed_months,
        c.month_offset,
        c.active,
        c.aum_cents
    from sizes as s
    left join cells as c on c.open_month = s.open_month
)

select * from final
order by open_month, month_offset
