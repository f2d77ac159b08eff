-- The CTE `people`: every customer's optional personal columns (name, phone); the union by name adds them as
-- nulls when the extract has none. Included (`-- include: customer/people`) by the customer lists.
people as (
    select customer_id, name, phone
    from (
        from customers
        union all by name
        select
            cast(null as varchar) as customer_id,
            cast(null as varchar) as name,
            cast(null as varchar) as phone
        where false
    )
),
