-- One customer's complaints and service interactions.
with

final as (
    select
        complaint_id,
        complaint_ts,
        channel,
        category,
        resolved
    from complaints
    where customer_id = $customer_id
)

select * from final
order by complaint_ts desc, complaint_id
