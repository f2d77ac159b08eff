-- One customer's conversions with the campaign they are attributed to by last touch (conversion_facts mart).
with

final as (
    select
        conversion_id,
        conversion_ts,
        product_type,
        value,
        campaign_id,
        channel,
        is_attributed
    from conversion_facts
    where customer_id = $customer_id
)

select * from final
order by conversion_ts, conversion_id
