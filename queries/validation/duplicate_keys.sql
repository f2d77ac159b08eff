-- Primary keys that occur on more than one row. validation_key_counts holds the key columns and rows_per_key.
-- Returns no row when every key is unique, else the smallest duplicated key and how many keys repeat.
with duplicated as (
    select *
    from validation_key_counts
    where rows_per_key > 1
),

final as (
    select
        *,
        count(*) over () as duplicated_keys
    from duplicated
    order by all
    limit 1
)

select * from final
