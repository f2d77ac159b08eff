-- Potential: segments/potential_sums.sql over segment_potential.
with

cells as (
    select *
    from filtered_segment_potential
),

-- include: segments/potential_sums

select * from final
order by tier_rank
