-- Rows whose aum_total differs from deposits + wealth + insurance by more than $tolerance CNY.
-- Returns no row when all agree, else the first such row (by customer and month) and how many there are.
with mismatched as (
    select
        customer_id,
        month,
        cast(aum_total as double) as aum_total,
        cast(deposits + wealth + insurance as double) as parts_total
    from customer_months
    where abs(aum_total - (deposits + wealth + insurance)) > $tolerance
),

final as (
    select
        *,
        count(*) over () as mismatched_rows
    from mismatched
    order by customer_id, month
    limit 1
)

select * from final
