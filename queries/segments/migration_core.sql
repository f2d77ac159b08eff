-- Migration (cells at the filter bar grain): segments/migration_sums.sql over segment_migration_core.
with

cells as (
    select *
    from filtered_segment_migration_core
),

-- include: segments/migration_sums

select * from final
order by from_tier, to_tier
