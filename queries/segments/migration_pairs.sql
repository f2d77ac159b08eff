-- The tier-migration pairing, included by segments/migration.sql and segments/migration_list.sql
-- (`-- include:`): every customer on the books at either month-end ($from_start → $to_start), with a missing
-- side as $new_code (opened or returned in between) or $closed_code, narrowed by the page filters
-- ($f_<dimension>, null = no filter) tested on the attributes at the later month-end (the earlier one for
-- closed customers); a tier filter keeps customers whose from or to tier matches. Ends with `filtered`.

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
        city,
        tier_alt,
        stage,
        acquisition_channel,
        gender,
        age_band,
        risk_profile,
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
        coalesce(t.warning_level, o.warning_level) as warning_level,
        coalesce(t.tags, o.tags) as tags,
        coalesce(t.products_held, o.products_held) as products_held,
        coalesce(t.txn_count, o.txn_count) as txn_count,
        coalesce(t.tenure_months, o.tenure_months) as tenure_months
    from origin as o
    full outer join target as t on t.customer_id = o.customer_id
),

filtered as (
    select *
    from paired as p
    where true
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
        and ($f_warning_level is null or list_contains($f_warning_level, p.warning_level))
),
