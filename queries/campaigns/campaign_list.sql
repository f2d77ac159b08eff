-- Every campaign with its attributes and cost; `cost_in_period` is the cost when the campaign starts in the
-- period (metrics.yaml books campaign_cost in the start month), else null.
with

campaigns_in as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        channel,
        product_type,
        start_date,
        end_date,
        month,
        cost
    from campaign_facts
),

final as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        channel,
        product_type,
        start_date,
        end_date,
        case when month between $start_month and $end_month then cost end as cost_in_period
    from campaigns_in
)

select * from final
order by start_date, campaign_id
