-- Rows of customer_months whose month is not the last day of its month.
with off_month_end as (
    select month
    from customer_months
    where month <> last_day(month)
),

final as (
    select
        count(*) as bad_rows,
        min(month) as example
    from off_month_end
)

select * from final
