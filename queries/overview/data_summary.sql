-- Headline facts about the extracts: the latest month-end and its customers and AUM.
with months as (
    select
        month,
        count(*) as customers,
        sum(aum_total) as aum_total
    from customer_months
    group by month
),

final as (
    select
        (select count(*) from months) as months,
        (select min(month) from months) as first_month,
        month as latest_month,
        customers,
        aum_total
    from months
    order by month desc
    limit 1
)

select * from final
