-- One customer's marketing touches (control-group assignments included and flagged).
with

final as (
    select
        touch_id,
        campaign_id,
        channel,
        touch_type,
        touch_ts,
        is_control
    from touches
    where customer_id = $customer_id
)

select * from final
order by touch_ts, touch_id
