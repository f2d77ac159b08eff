-- One page of the potential customers at a month-end ($month_start), sorted on the server: the rows of the serving
-- layer's flags (marts/segment_potential_flags.sql holds the rule) that the view's filters keep. The optional
-- personal columns come from a union by name (nulls when the extract has none).
with

members as (
    select *
    from filtered_segment_potential_flags as m
    where m.month_start = $month_start
        and m.is_potential
        and ($tag is null
            or (case when $tag = $no_tag then coalesce(len(m.tags), 0) = 0
                else coalesce(list_contains(m.tags, $tag), false) end))
),

keyed as (
    select
        m.customer_id,
        m.region,
        m.branch_id,
        m.rm_id,
        m.tier,
        m.stage,
        m.aum_total,
        m.next_tier_min,
        m.aum_growth,
        m.card_spend_avg,
        m.cross_border_avg,
        m.payroll_avg,
        m.signals,
        m.sig_aum_growth,
        m.sig_card_spend,
        m.sig_cross_border,
        m.sig_payroll,
        m.products_held,
        m.txn_count,
        m.tenure_months,
        m.warning_level,
        case $sort_key
            when 'tier' then cast(m.tier_rank as double)
            when 'aum_total' then m.aum_total
            when 'aum_growth' then m.aum_growth
            when 'card_spend_avg' then m.card_spend_avg
            when 'cross_border_avg' then m.cross_border_avg
            when 'payroll_avg' then m.payroll_avg
            when 'signals' then cast(m.signals as double)
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
        (select count(*) from members) as total_rows  -- a scalar count: see customer/list.sql
    from members as m
),

-- include: customer/paged
