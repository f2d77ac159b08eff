-- segment_tag_mix_core: segment_tag_mix summed to the filter bar's own dimensions (region, branch, RM, tier,
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
        tag,
        cast(sum(customers) as bigint) as customers,
        cast(sum(aum_total) as decimal(18, 2)) as aum_total
    from segment_tag_mix
    group by all
)

select * from final
