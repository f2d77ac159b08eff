-- Migration: segments/migration_sums.sql over segment_migration.
with

cells as (
    select *
    from filtered_segment_migration
),

-- include: segments/migration_sums

select * from final
order by from_tier, to_tier
