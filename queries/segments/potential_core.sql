-- Potential (cells at the filter bar grain): segments/potential_sums.sql over segment_potential_core.
with

cells as (
    select *
    from filtered_segment_potential_core
),

-- include: segments/potential_sums

select * from final
order by tier_rank
