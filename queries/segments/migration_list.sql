-- One page of the customers behind a tier-migration cell ($from_tier → $to_tier between $from_start and
-- $to_start; null = any), sorted on the server: a drill list, so it pairs the month-end detail
-- (segments/migration_pairs.sql, which applies the view's filters); the optional personal columns come from a
-- union by name (nulls when the extract has none).
with

-- include: segments/migration_pairs

members as (
    select *
    from filtered as p
    where ($from_tier is null or p.from_tier = $from_tier)
        and ($to_tier is null or p.to_tier = $to_tier)
        and ($tag is null
            or (case when $tag = $no_tag then coalesce(len(p.tags), 0) = 0
                else coalesce(list_contains(p.tags, $tag), false) end))
),

keyed as (
    select
        m.customer_id,
        m.region,
        m.branch_id,
        m.rm_id,
        m.from_tier,
        m.to_tier,
        m.aum_from,
        m.aum_to,
        coalesce(m.aum_to, 0) - coalesce(m.aum_from, 0) as aum_change,
        m.stage,
        m.products_held,
        m.txn_count,
        m.tenure_months,
        m.warning_level,
        case $sort_key
            when 'from_tier' then cast(m.from_rank as double)
            when 'to_tier' then cast(m.to_rank as double)
            when 'aum_from' then m.aum_from
            when 'aum_to' then m.aum_to
            when 'aum_change' then coalesce(m.aum_to, 0) - coalesce(m.aum_from, 0)
            when 'products_held' then cast(m.products_held as double)
            when 'txn_count' then cast(m.txn_count as double)
            when 'tenure_months' then cast(m.tenure_months as double)
        end as sort_number,
        case $sort_key
            when 'customer_id' then m.customer_id
            when 'region' then m.region
            when 'branch_id' then m.branch_id
            when 'rm_id' then m.rm_id
            when 'stage' then m.stage
            when 'warning_level' then m.warning_level
        end as sort_text,
        count(*) over () as total_rows
    from members as m
),

-- include: customer/paged
