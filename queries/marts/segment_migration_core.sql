-- segment_migration_core: segment_migration summed to the filter bar's own dimensions (region, branch, RM, tier,
-- acquisition channel): a few thousand rows per month-end, read when the view filters on nothing else (cells add up exactly).
with

final as (
    select
        from_start,
        to_start,
        region,
        branch_id,
        rm_id,
        acquisition_channel,
        from_tier,
        to_tier,
        cast(sum(customers) as bigint) as customers,
        cast(sum(aum_from) as decimal(18, 2)) as aum_from,
        cast(sum(aum_to) as decimal(18, 2)) as aum_to
    from segment_migration
    group by all
)

select * from final
