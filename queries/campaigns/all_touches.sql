-- Every contacted touch (control rows excluded), for the build step's credits and journeys
-- (clientscope/campaigns/serving.py).
with

final as (
    select touch_id, customer_id, campaign_id, channel, touch_ts, campaign_type, product_type
    from touch_facts
    where not is_control
)

select * from final
