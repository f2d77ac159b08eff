-- segment_migration: tier migration pairs for the month-end pairs a default view shows, per cell of the filter
-- bar's dimensions: for every month-end (to_start), the month-end $migration_spans months before it (from_start;
-- never before the month-end preceding the first month of data, as the page's default period starts at the first
-- month). A customer on the books only at the later month-end comes from $migration_new, one only at the
-- earlier one goes to $migration_closed (as segments/migration_pairs.sql). The dimension columns are the
-- customer's attributes at the later month-end, else the earlier one; there is no `tier` column: the page keeps
-- the customers whose from or to tier is filtered. Customer counts add up across cells of one pair.  Built in
-- $parts parts by customer (clientscope.marts.customer_parts): the full join of every month-end pair's books does
-- not fit the build's memory at a million customers; a part's cells hold its customers, so counts still add up.
with

month_ends as (
    select distinct
        month_idx,
        month_start
    from customer_month_facts
),

spans as (
    select distinct
        greatest(m.month_idx - s.span, (select min(month_idx) from month_ends) - 1) as from_idx,
        m.month_idx as to_idx,
        m.month_start as to_start
    from month_ends as m
    cross join (select unnest($migration_spans) as span) as s
),

books as (
    -- the part's customers at every month-end, with only the columns the pairs keep
    select
        month_idx,
        customer_id,
        tier,
        aum_total,
        region,
        branch_id,
        rm_id,
        city,
        tier_alt,
        stage,
        acquisition_channel,
        gender,
        age_band,
        risk_profile,
        warning_level
    from customer_month_facts
    where hash(customer_id) % $parts = $part
),

origin as (
    select
        s.from_idx,
        s.to_idx,
        b.*
    from spans as s
    inner join books as b on b.month_idx = s.from_idx
),

target as (
    select
        s.from_idx,
        s.to_idx,
        b.*
    from spans as s
    inner join books as b on b.month_idx = s.to_idx
),

paired as (
    select
        coalesce(t.from_idx, o.from_idx) as from_idx,
        coalesce(t.to_idx, o.to_idx) as to_idx,
        coalesce(o.tier, $migration_new) as from_tier,
        coalesce(t.tier, $migration_closed) as to_tier,
        o.aum_total as aum_from,
        t.aum_total as aum_to,
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
        coalesce(t.warning_level, o.warning_level) as warning_level
    from origin as o
    full outer join target as t
        on t.from_idx = o.from_idx and t.to_idx = o.to_idx and t.customer_id = o.customer_id
),

final as (
    select
        s.to_start - to_months(cast(p.to_idx - p.from_idx as integer)) as from_start,
        s.to_start,
        p.region,
        p.branch_id,
        p.rm_id,
        p.city,
        p.tier_alt,
        p.stage,
        p.acquisition_channel,
        p.gender,
        p.age_band,
        p.risk_profile,
        p.warning_level,
        p.from_tier,
        p.to_tier,
        count(*) as customers,
        cast(sum(coalesce(p.aum_from, 0)) as decimal(18, 2)) as aum_from,
        cast(sum(coalesce(p.aum_to, 0)) as decimal(18, 2)) as aum_to
    from paired as p
    inner join spans as s on s.from_idx = p.from_idx and s.to_idx = p.to_idx
    group by all
)

select * from final
