-- One page of the customers behind a tier-migration cell ($from_tier → $to_tier between $from_start and
-- $to_start; null = any), sorted on the server. Same pairing and filters as segments/migration.sql; the
-- optional personal columns come from a union by name (nulls when the extract has none).
with

people as (
    select customer_id, name, phone
    from (
        from customers
        union all by name
        select
            cast(null as varchar) as customer_id,
            cast(null as varchar) as name,
            cast(null as varchar) as phone
        where false
    )
),

origin as (
    select *
    from customer_month_facts
    where month_start = $from_start
),

target as (
    select *
    from customer_month_facts
    where month_start = $to_start
),

-- one row per customer on the books at either month-end; a missing side is "new" / "closed"
paired as (
    select
        coalesce(t.customer_id, o.customer_id) as customer_id,
        coalesce(o.tier, $new_code) as from_tier,
        coalesce(t.tier, $closed_code) as to_tier,
        o.tier_rank as from_rank,
        t.tier_rank as to_rank,
        o.aum_total as aum_from,
        t.aum_total as aum_to,
        -- the attributes the filters test: as at the later month-end, else the earlier one
        coalesce(t.region, o.region) as region,
        coalesce(t.branch_id, o.branch_id) as branch_id,
        coalesce(t.rm_id, o.rm_id) as rm_id,
        coalesce(t.city, o.city) as city,
        coalesce(t.tier_alt, o.tier_alt) as tier_alt,
        coalesce(t.stage, o.stage) as stage,
        coalesce(t.acquisition_channel, o.acquisition_channel) as acquisition_channel,
        coalesce(t.gender, o.gender) as gender,
        coalesce(t.age_band, o.age_band) as age_band,
        coalesce(t.risk_profile, o.risk_profile) as risk_profile,
        coalesce(t.risk_level, o.risk_level) as risk_level,
        coalesce(t.tags, o.tags) as tags,
        coalesce(t.products_held, o.products_held) as products_held,
        coalesce(t.txn_count, o.txn_count) as txn_count,
        coalesce(t.tenure_months, o.tenure_months) as tenure_months
    from origin as o
    full outer join target as t on t.customer_id = o.customer_id
),

members as (
    select *
    from paired as p
    where ($from_tier is null or p.from_tier = $from_tier)
        and ($to_tier is null or p.to_tier = $to_tier)
        and ($tag is null
            or (case when $tag = $no_tag then coalesce(len(p.tags), 0) = 0
                else coalesce(list_contains(p.tags, $tag), false) end))
        and ($f_region is null or list_contains($f_region, p.region))
        and ($f_branch is null or list_contains($f_branch, p.branch_id))
        and ($f_rm is null or list_contains($f_rm, p.rm_id))
        and ($f_city is null or list_contains($f_city, p.city))
        and ($f_tier is null or list_contains($f_tier, p.from_tier) or list_contains($f_tier, p.to_tier))
        and ($f_tier_alt is null or list_contains($f_tier_alt, p.tier_alt))
        and ($f_stage is null or list_contains($f_stage, p.stage))
        and ($f_acquisition_channel is null or list_contains($f_acquisition_channel, p.acquisition_channel))
        and ($f_gender is null or list_contains($f_gender, p.gender))
        and ($f_age_band is null or list_contains($f_age_band, p.age_band))
        and ($f_risk_profile is null or list_contains($f_risk_profile, p.risk_profile))
        and ($f_risk_level is null or list_contains($f_risk_level, p.risk_level))
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
        m.risk_level,
        p.name,
        p.phone,
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
            when 'risk_level' then m.risk_level
        end as sort_text,
        count(*) over () as total_rows
    from members as m
    left join people as p on p.customer_id = m.customer_id
),

final as (
    select *
    from keyed
)

select * exclude (sort_number, sort_text)
from final
order by
    case when $sort_desc then sort_number end desc nulls last,
    case when not $sort_desc then sort_number end asc nulls last,
    case when $sort_desc then sort_text end desc nulls last,
    case when not $sort_desc then sort_text end asc nulls last,
    customer_id
limit $limit offset $offset
