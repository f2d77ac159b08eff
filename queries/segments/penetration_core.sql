-- Penetration (cells at the filter bar grain): segments/penetration_sums.sql over segment_penetration_core.
with

cells as (
    select *
    from filtered_segment_penetration_core
),

-- include: segments/penetration_sums

select * from final
order by tier, product_type
