-- Conversions of the period for the attribution engine: the customer filters apply as of the conversion's
-- month.  When a campaign or channel is selected ($select_customers), only the customers the selection
-- reached in the attribution window (see attribution_touches.sql) are kept.
with

filtered as (
    select conversion_id, customer_id, conversion_ts, value, month
    from conversion_facts
    where month between $start_month and $end_month
        and ($f_region is null or list_contains($f_region, region))
        and ($f_branch is null or list_contains($f_branch, branch_id))
        and ($f_rm is null or list_contains($f_rm, rm_id))
        and ($f_tier is null or list_contains($f_tier, tier))
        and ($f_tier_alt is null or list_contains($f_tier_alt, tier_alt))
        and ($f_stage is null or list_contains($f_stage, stage))
        and ($f_acquisition_channel is null or list_contains($f_acquisition_channel, acquisition_channel))
        and ($f_gender is null or list_contains($f_gender, gender))
        and ($f_age_band is null or list_contains($f_age_band, age_band))
        and ($f_risk_level is null or list_contains($f_risk_level, risk_level))
),

reached as (
    select distinct customer_id
    from touch_facts
    where not is_control
        and touch_ts >= $touch_from
        and touch_ts < $touch_to
        and ($f_campaign is null or list_contains($f_campaign, campaign_id))
        and ($f_channel is null or list_contains($f_channel, channel))
        and ($f_campaign_type is null or list_contains($f_campaign_type, campaign_type))
        and ($f_product_type is null or list_contains($f_product_type, product_type))
),

final as (
    select conversion_id, customer_id, conversion_ts, value, month
    from filtered
    where not $select_customers
        or customer_id in (select customer_id from reached)
)

select * from final
