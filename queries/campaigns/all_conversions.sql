-- Every conversion, for the build step's credits and journeys (clientscope/campaigns/serving.py).
with

final as (
    select conversion_id, customer_id, conversion_ts, value, month
    from conversion_facts
)

select * from final
