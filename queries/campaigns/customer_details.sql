-- Who the listed customers are: name (the optional `name` column, null when the extract has none), home
-- branch, region and RM, and the tier at the end of the period.
with

wanted as (
    select unnest($customer_ids) as customer_id
),

customers_in as (
    select c.customer_id, to_json(c) ->> 'name' as customer_name, c.branch_id, c.rm_id
    from customers as c
    where c.customer_id in (select customer_id from wanted)
),

facts_in as (
    select customer_id, tier
    from customer_month_facts
    where month = $end_month
        and customer_id in (select customer_id from wanted)
),

final as (
    select
        c.customer_id,
        c.customer_name,
        b.region,
        c.branch_id,
        b.branch_name,
        c.rm_id,
        r.rm_name,
        f.tier
    from customers_in as c
    left join branches as b on b.branch_id = c.branch_id
    left join relationship_managers as r on r.rm_id = c.rm_id
    left join facts_in as f on f.customer_id = c.customer_id
)

select * from final
