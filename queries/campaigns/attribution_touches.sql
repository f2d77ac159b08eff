-- Contacted touches (control rows excluded) for the attribution engine, narrowed by the page filters.
-- Window: [$touch_from, $touch_to) = the period widened by the look-back, so every conversion of the period
-- has its whole path.  A customer's touches are kept when the customer attributes as of the touch's month
-- match the filters, or when the customer has a matching conversion in the period (a tier change between a
-- touch and the conversion never cuts a converting journey).  When a campaign or channel is selected
-- ($select_customers), only the customers the selection reached are kept, with all their touches, and
-- `selected` marks the selection's own touches: the page reports the credit those touches earn.
with

filtered_conversions as (
    select distinct customer_id
    from conversion_facts
    where month between $start_month and $end_month
-- include: campaigns/customer_filters
),

touches_in as (
    select
        touch_id,
        customer_id,
        campaign_id,
        channel,
        touch_ts,
        (
            true
-- include: campaigns/customer_filters
        ) as customer_match,
        ($f_campaign is null or list_contains($f_campaign, campaign_id))
        and ($f_channel is null or list_contains($f_channel, channel))
        and ($f_campaign_type is null or list_contains($f_campaign_type, campaign_type))
        and ($f_product_type is null or list_contains($f_product_type, product_type)) as selected
    from touch_facts
    where not is_control
        and touch_ts >= $touch_from
        and touch_ts < $touch_to
),

population as (
    select *
    from touches_in
    where customer_match
        or customer_id in (select customer_id from filtered_conversions)
),

reached as (
    select distinct customer_id
    from population
    where selected
),

final as (
    select
        touch_id,
        customer_id,
        campaign_id,
        channel,
        touch_ts,
        coalesce(selected, false) as selected
    from population
    where not $select_customers
        or customer_id in (select customer_id from reached)
)

select * from final
