-- Dates or timestamps (validation_dates.value, one column of one table) after the latest month-end.
with late as (
    select value
    from validation_dates
    where cast(value as date) > $latest_month_end
),

final as (
    select
        count(*) as late_rows,
        max(value) as latest_value
    from late
)

select * from final
