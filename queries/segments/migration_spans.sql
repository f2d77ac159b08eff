-- The month-end pairs the serving layer's migration holds (marts/segment_migration.sql); any other pair is paired
-- from the month-end detail (segments/migration_detail.sql).
with

final as (
    select distinct
        from_start,
        to_start
    from segment_migration_core
)

select * from final
order by to_start, from_start
