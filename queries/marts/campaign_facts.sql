-- campaign_facts: one row per campaign; its cost is booked in the month the campaign starts.
with

campaigns_in as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        channel,
        product_type,
        target_segment,
        control_share,
        start_date,
        end_date,
        cost
    from campaigns
),

final as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        channel,
        product_type,
        target_segment,
        control_share,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        last_day(cast(start_date as date)) as month,
        cents(cost) as cost
    from campaigns_in
)

select * from final
