-- One page of the customers on the books at a month-end ($month_start), narrowed by the page filters
-- (`filtered_customer_month_facts`, clientscope/semantic/filtering.py) and an optional marketing tag ($tag;
-- $no_tag = customers without a tag), sorted on the server.
-- Personal columns (name, phone) are optional in the contract: the union by name adds them as nulls when
-- the extract has none. Masking happens in Python (clientscope.customer_list), per the viewer's scope.
-- total_rows is the size of the whole list (every row carries it), for the grid's page count.
with

members as (
    select
        f.customer_id,
        f.region,
        f.branch_id,
        f.rm_id,
        f.tier,
        f.tier_rank,
        f.stage,
        f.aum_total,
        f.products_held,
        f.txn_count,
        f.card_spend,
        f.tenure_months,
        f.warning_score,
        f.warning_level
    from filtered_customer_month_facts as f
    where f.month_start = $month_start
        and ($tag is null
            or (case when $tag = $no_tag then coalesce(len(f.tags), 0) = 0
                else coalesce(list_contains(f.tags, $tag), false) end))
),

keyed as (
    select
        m.*,
        case $sort_key
            when 'tier' then cast(m.tier_rank as double)
            when 'aum_total' then m.aum_total
            when 'products_held' then cast(m.products_held as double)
            when 'txn_count' then cast(m.txn_count as double)
            when 'card_spend' then m.card_spend
            when 'tenure_months' then cast(m.tenure_months as double)
            when 'warning_score' then cast(m.warning_score as double)
        end as sort_number,
        case $sort_key
            when 'customer_id' then m.customer_id
            when 'region' then m.region
            when 'branch_id' then m.branch_id
            when 'rm_id' then m.rm_id
            when 'stage' then m.stage
            when 'warning_level' then m.warning_level
        end as sort_text,
        -- a scalar count of the members, not count(*) over (): the window carried every row through one more
        -- operator (0.31 -> 0.19 s for a page of the book at scale M)
        (select count(*) from members) as total_rows
    from members as m
),

-- include: customer/paged
