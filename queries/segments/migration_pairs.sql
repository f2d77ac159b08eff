-- The tier-migration pairing from the month-end detail, included by segments/migration_detail.sql and
-- segments/migration_list.sql (`-- include:`): every customer on the books at either month-end ($from_start →
-- $to_start), with a missing side as $new_code (opened or returned in between) or $closed_code. The view's filters
-- (filtered_customer_month_facts, read without the tier) test the attributes at the later month-end, the earlier
-- one for closed customers; a tier filter ($tiers, null = none) keeps customers whose from or to tier is one of
-- them. Ends with `filtered`.

two_months as (
    select
        month_start,
        customer_id,
        tier,
        tier_rank,
        aum_total,
        region,
        branch_id,
        rm_id,
        stage,
        warning_level,
        tags,
        products_held,
        txn_count,
        tenure_months
    from customer_month_facts
    where month_start = $from_start or month_start = $to_start
),

origin as (
    select *
    from two_months
    where month_start = $from_start
),

target as (
    select *
    from two_months
    where month_start = $to_start
),

-- one row per customer on the books at either month-end; a missing side is "new" / "closed"
paired as (
    select
        coalesce(t.customer_id, o.customer_id) as customer_id,
        t.customer_id is not null as at_target,
        coalesce(o.tier, $new_code) as from_tier,
        coalesce(t.tier, $closed_code) as to_tier,
        o.tier_rank as from_rank,
        t.tier_rank as to_rank,
        o.aum_total as aum_from,
        t.aum_total as aum_to,
        -- as at the later month-end, else the earlier one
        coalesce(t.region, o.region) as region,
        coalesce(t.branch_id, o.branch_id) as branch_id,
        coalesce(t.rm_id, o.rm_id) as rm_id,
        coalesce(t.stage, o.stage) as stage,
        coalesce(t.warning_level, o.warning_level) as warning_level,
        coalesce(t.tags, o.tags) as tags,
        coalesce(t.products_held, o.products_held) as products_held,
        coalesce(t.txn_count, o.txn_count) as txn_count,
        coalesce(t.tenure_months, o.tenure_months) as tenure_months
    from origin as o
    full outer join target as t on t.customer_id = o.customer_id
),

-- the rows the view's filters keep at the two month-ends
kept as (
    select
        customer_id,
        month_start
    from filtered_customer_month_facts
    where month_start = $from_start or month_start = $to_start
),

filtered as (
    select p.*
    from paired as p
    semi join kept as k
        on k.customer_id = p.customer_id
        and k.month_start = (case when p.at_target then $to_start else $from_start end)
    where $tiers is null or list_contains($tiers, p.from_tier) or list_contains($tiers, p.to_tier)
),
