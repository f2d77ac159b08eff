-- Conversions of the period for the attribution engine: the customer filters apply as of the conversion's
-- month.  When a campaign or channel is selected ($select_customers), only the customers the selection
-- reached in the attribution window (see attribution_touches.sql) are kept.
with

filtered as (
    select conversion_id, customer_id, conversion_ts, value, month
    from conversion_facts
    where month between $start_month and $end_month
-- include: campaigns/customer_filters
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
