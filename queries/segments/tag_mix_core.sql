-- Tag mix (cells at the filter bar grain): segments/tag_mix_sums.sql over segment_tag_mix_core.
with

cells as (
    select *
    from filtered_segment_tag_mix_core
),

-- include: segments/tag_mix_sums

select * from final
order by tag, tier
