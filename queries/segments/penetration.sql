-- Penetration: segments/penetration_sums.sql over segment_penetration.
with

cells as (
    select *
    from filtered_segment_penetration
),

-- include: segments/penetration_sums

select * from final
order by tier, product_type
