-- Tier migration between two month-ends ($from_start → $to_start) that the serving layer holds
-- (marts/segment_migration.sql): customers and AUM per (from tier, to tier) cell, in the cells the view's filters
-- keep (attributes at the later month-end, else the earlier one); a tier filter ($tiers, null = none) keeps the
-- customers whose from or to tier is one of them.
-- Included by segments/migration.sql (every filter) and segments/migration_core.sql (filters on the filter bar's own
-- dimensions only), after a `cells` CTE that reads the serving layer.

final as (
    select
        from_tier,
        to_tier,
        cast(sum(customers) as bigint) as customers,
        sum(aum_from) as aum_from,
        sum(aum_to) as aum_to
    from cells
    where from_start = $from_start
        and to_start = $to_start
        and ($tiers is null or list_contains($tiers, from_tier) or list_contains($tiers, to_tier))
    group by from_tier, to_tier
)
