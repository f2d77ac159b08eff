-- Rows closed before they opened (validation_date_pairs: id, opened, closed of one table).
-- Returns no row when there are none, else the first such row by id and how many there are.
with reversed as (
    select
        id,
        opened,
        closed
    from validation_date_pairs
    where closed < opened
),

final as (
    select
        *,
        count(*) over () as reversed_rows
    from reversed
    order by id
    limit 1
)

select * from final
