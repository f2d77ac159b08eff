-- Product penetration by tier at one month-end: the share of each tier's customers holding each product
-- type, from holdings open at the month-end (opened on or before it, not closed by it).
-- $f_<dimension> are the page filters (null = no filter).
with

base as (
    select
        f.customer_id,
        f.tier
    from customer_month_facts as f
    where f.month_start = $month_start
        and ($f_region is null or list_contains($f_region, f.region))
        and ($f_branch is null or list_contains($f_branch, f.branch_id))
        and ($f_rm is null or list_contains($f_rm, f.rm_id))
        and ($f_city is null or list_contains($f_city, f.city))
        and ($f_tier is null or list_contains($f_tier, f.tier))
        and ($f_tier_alt is null or list_contains($f_tier_alt, f.tier_alt))
        and ($f_stage is null or list_contains($f_stage, f.stage))
        and ($f_acquisition_channel is null or list_contains($f_acquisition_channel, f.acquisition_channel))
        and ($f_gender is null or list_contains($f_gender, f.gender))
        and ($f_age_band is null or list_contains($f_age_band, f.age_band))
        and ($f_risk_profile is null or list_contains($f_risk_profile, f.risk_profile))
        and ($f_warning_level is null or list_contains($f_warning_level, f.warning_level))
),

tier_sizes as (
    select
        tier,
        count(*) as customers
    from base
    group by tier
),

held as (
    select distinct
        h.customer_id,
        h.product_type
    from holdings as h
    where h.open_date <= last_day($month_start)
        and (h.close_date is null or h.close_date > last_day($month_start))
),

holders as (
    select
        b.tier,
        h.product_type,
        count(distinct b.customer_id) as holders
    from base as b
    inner join held as h on h.customer_id = b.customer_id
    group by b.tier, h.product_type
),

final as (
    select
        h.tier,
        h.product_type,
        h.holders,
        s.customers,
        h.holders / s.customers as share
    from holders as h
    inner join tier_sizes as s on s.tier = h.tier
)

select * from final
order by tier, product_type
