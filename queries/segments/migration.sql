-- Tier migration between two month-ends ($from_start → $to_start): customers and AUM per (from tier,
-- to tier) cell. A customer on the books only at the later month-end comes from $new_code (opened or
-- returned in between); one on the books only at the earlier month-end goes to $closed_code.
-- Page filters ($f_<dimension>, null = no filter) test the customer's attributes at the later month-end
-- (the earlier one for closed customers); a tier filter keeps customers whose from or to tier matches.
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
