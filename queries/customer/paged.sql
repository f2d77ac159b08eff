-- The end of every customer list, included (`-- include: customer/paged`) after its `keyed` CTE (the rows with
-- sort_number / sort_text for $sort_key and total_rows): one page of $limit rows from $offset, sorted on the server
-- ($sort_desc), ties broken by customer_id so that pages never overlap. The personal columns (name, phone) are
-- joined to the page's rows only: joined to the whole list before paging, the customers extract was matched
-- against every member (a million at scale M) for a page of 50.
-- include: customer/people

page as (
    select *
    from keyed
    order by
        case when $sort_desc then sort_number end desc nulls last,
        case when not $sort_desc then sort_number end asc nulls last,
        case when $sort_desc then sort_text end desc nulls last,
        case when not $sort_desc then sort_text end asc nulls last,
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

select * exclude (sort_number, sort_text)
from final
order by
    case when $sort_desc then sort_number end desc nulls last,
    case when not $sort_desc then sort_number end asc nulls last,
    case when $sort_desc then sort_text end desc nulls last,
    case when not $sort_desc then sort_text end asc nulls last,
    customer_id
