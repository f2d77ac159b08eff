-- The end of every customer list, included (`-- include: customer/paged`) after its `keyed` CTE (the rows with
-- sort_number / sort_text for $sort_key and total_rows): one page of $limit rows from $offset, sorted on the server
-- ($sort_desc), ties broken by customer_id so that pages never overlap. The personal columns (name, phone) are
-- joined to the page's rows only: joined to the whole list before paging, the customers extract was matched
-- against every member (a million at scale M) for a page of 50.
-- include: customer/people

-- the sort keys by direction as columns, so that the page and its rows after the join are ordered by one rule
directed as (
    select
        *,
        case when $sort_desc then sort_number end as number_down,
        case when not $sort_desc then sort_number end as number_up,
        case when $sort_desc then sort_text end as text_down,
        case when not $sort_desc then sort_text end as text_up
    from keyed
),

page as (
    select *
    from directed
    order by number_down desc nulls last, number_up nulls last, text_down desc nulls last, text_up nulls last,
        customer_id
    limit $limit offset $offset
),

final as (
    select
        pg.*,
        p.name,
        p.phone
    from page as pg
    left join people as p on p.customer_id = pg.customer_id
)

select * exclude (sort_number, sort_text, number_down, number_up, text_down, text_up)
from final
order by number_down desc nulls last, number_up nulls last, text_down desc nulls last, text_up nulls last,
    customer_id
