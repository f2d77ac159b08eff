-- One customer's profile: the customers row (personal columns added as nulls when the extract has none),
-- branch and RM names, and the latest month on the books (tier, stage, balances, risk). No row when the
-- customer is unknown or outside the viewer's scope.
with

people as (
    select *
    from (
        from customers
        union all by name
        select
            cast(null as varchar) as customer_id,
            cast(null as varchar) as name,
            cast(null as varchar) as phone,
            cast(null as varchar) as id_number
        where false
    )
    where customer_id = $customer_id
),

history as (
    select *
    from customer_month_facts
    where customer_id = $customer_id
),

latest as (
    select *
    from history
    qualify row_number() over (order by month desc) = 1
),

months_on_books as (
    select
        min(month) as first_month,
        count(*) as months
    from history
),

final as (
    select
        p.customer_id,
        p.name,
        p.phone,
        p.id_number,
        p.open_date,
        p.close_date,
        p.birth_year,
        p.gender,
        p.city,
        p.branch_id,
        b.branch_name,
        b.region,
        p.rm_id,
        r.rm_name,
        p.acquisition_channel,
        p.risk_profile,
        p.tags,
        l.month as latest_month,
        l.tier,
        l.tier_alt,
        l.stage,
        l.age_band,
        l.tenure_months,
        l.aum_total,
        l.deposits,
        l.wealth,
        l.insurance,
        l.loan_balance,
        l.products_held,
        l.warning_score,
        l.warning_level,
        l.txn_drop_flag,
        l.aum_drop_flag,
        l.complaints_flag,
        l.closures_flag,
        l.inactive_flag,
        l.logins_drop_flag,
        m.first_month,
        m.months
    from people as p
    left join branches as b on b.branch_id = p.branch_id
    left join relationship_managers as r on r.rm_id = p.rm_id
    left join latest as l on l.customer_id = p.customer_id
    cross join months_on_books as m
)

select * from final
