-- Non-nullable columns holding NULLs. validation_null_counts has one column per checked column, holding its
-- NULL count; unpivoting turns that single row into one row per column.
with counts as (
    unpivot validation_null_counts
    on columns(*)
    into name column_name value null_rows
),

final as (
    select
        column_name,
        null_rows
    from counts
    where null_rows > 0
)

select * from final
