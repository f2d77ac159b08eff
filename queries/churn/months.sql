-- Month-ends of the extract with the number of customers open at each, for planning the
-- out-of-time split and the training sample size.
with open_rows as (
    select cm.month
    from customer_months as cm
    inner join customers as c on cm.customer_id = c.customer_id
    where c.close_date is null or c.close_date > cm.month
),

final as (
    select
        month,
        count(*) as open_customers
    from open_rows
    group by month
)

select * from final
order by month
