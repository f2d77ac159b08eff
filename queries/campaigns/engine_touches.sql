-- Contacted touches (control rows excluded) for a recomputed attribution, run with the view's customer filters
-- only.  Window: [$touch_from, $touch_to) = the period widened by the look-back, so every conversion of the period
-- has its whole path.  A customer's touches are kept when the customer's attributes as of the touch's month match
-- the filters, or when the customer has a matching conversion in the period (a tier change between a touch and the
-- conversion never cuts a converting journey).  The campaign / channel selection is applied to these rows in
-- clientscope/campaigns/attribution.py (its filters are on the touch, not the customer).
with

matching as (
    select touch_id
    from filtered_touch_facts
    where not is_control
        and touch_ts >= $touch_from
        and touch_ts < $touch_to
),

converting as (
    select distinct customer_id
    from filtered_conversion_facts
    where month between $start_month and $end_month
),

final as (
    select touch_id, customer_id, campaign_id, channel, touch_ts, campaign_type, product_type
    from touch_facts
    where not is_control
        and touch_ts >= $touch_from
        and touch_ts < $touch_to
        and (
            touch_id in (select touch_id from matching)
            or customer_id in (select customer_id from converting)
        )
)

select * from final
