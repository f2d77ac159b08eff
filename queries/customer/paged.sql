-- The end of every customer list, included (`-- include: customer/paged`) after its `keyed` CTE (the rows with
-- sort_number / sort_text for $sort_key and total_rows): one page of $limit rows from $offset, sorted on the server
-- ($sort_desc), ties broken by customer_id so that pages never overlap.
final as (
    select *
    from keyed
)

select * exclude (sort_number, sort_text)
from final
order by
    case when $sort_desc then sort_number end desc nulls last,
    case when not $sort_desc then sort_number end asc nulls last,
    case when $sort_desc then sort_text end desc nulls last,
    case when not $sort_desc then sort_text end asc nulls last,
    customer_id
limit $limit offset $offset
