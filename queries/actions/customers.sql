-- The customers of the retention actions on screen ($ids): personal columns (name, phone, when the extract has
-- them) for the work queue and the close date for the outcome. Read through the scoped `customers` view, so a
-- customer outside the viewer's scope returns no row.
with

chosen as (
    select columns(lambda col: col in ('customer_id', 'name', 'phone', 'close_date'))
    from customers
    where customer_id in (select unnest($ids))  -- a hash join: list_contains tests every id against every customer
),

final as (
    select * from chosen
)

select * from final
order by customer_id
