-- Customers and AUM by marketing tag and tier at one month-end ($month_start), under the page filters
-- ($f_<dimension>: null = no filter). Tags are a list per customer: a customer with two tags counts under
-- both, a customer without tags under $no_tag, so the tag totals can exceed the customer count.
with

facts as (
    select
        f.customer_id,
        f.tier,
        f.aum_total,
        f.tags
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

tagged as (
    select
        customer_id,
        tier,
        aum_total,
        unnest(
            case when tags is null or len(tags) = 0 then [$no_tag] else list_distinct(tags) end
        ) as tag
    from facts
),

final as (
    select
        tag,
        tier,
        count(distinct customer_id) as customers,
        sum(aum_total) as aum_total
    from tagged
    group by tag, tier
)

select * from final
order by tag, tier
