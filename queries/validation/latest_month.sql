-- The last month-end covered by customer_months: the reference date of the "in the future" warnings,
-- so that validation does not depend on the wall clock.
with final as (
    select last_day(max(month)) as latest_month_end
    from customer_months
)

select * from final
