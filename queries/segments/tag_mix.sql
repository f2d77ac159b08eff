-- Tag mix: segments/tag_mix_sums.sql over segment_tag_mix.
with

cells as (
    select *
    from filtered_segment_tag_mix
),

-- include: segments/tag_mix_sums

select * from final
order by tag, tier
