-- Tier migration between two month-ends ($from_start → $to_start) that the serving layer does not hold, paired
-- from the month-end detail (segments/migration_pairs.sql): customers and AUM per (from tier, to tier) cell.
with

-- include: segments/migration_pairs

final as (
    select
        from_tier,
        to_tier,
        count(*) as customers,
        sum(coalesce(aum_from, 0)) as aum_from,
        sum(coalesce(aum_to, 0)) as aum_to
    from filtered
    group by from_tier, to_tier
)

select * from final
order by from_tier, to_tier
