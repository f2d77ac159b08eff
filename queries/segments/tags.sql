-- The marketing tags present in the customers extract (for validating a tag chosen in the URL).
with

tagged as (
    select unnest(tags) as tag
    from customers
    where tags is not null
),

final as (
    select tag, count(*) as customers
    from tagged
    where tag is not null and tag <> ''
    group by tag
)

select * from final
order by customers desc, tag
