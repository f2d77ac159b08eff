-- segment_penetration_core: segment_penetration summed to the filter bar's own dimensions (region, branch, RM, tier,
-- acquisition channel): a few thousand rows per month-end, read when the view filters on nothing else (cells add up exactly).
with

final as (
    select
        month_start,
        region,
        branch_id,
        rm_id,
        tier,
        acquisition_channel,
        product_type,
        cast(sum(holders) as bigint) as holders
    from segment_penetration
    group by all
)

select * from final
