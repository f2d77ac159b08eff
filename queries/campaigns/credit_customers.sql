-- The converted customers of the view under one model ($model): one row per customer whose conversions earned
-- credit (from the selected touches, if any): conversions, their value, the credit and credit × value, the last
-- conversion, and the campaign with the most credit (ties: the smaller campaign id).  Largest revenue first.
with

credits_in as (
    select
        conversion_id,
        customer_id,
        conversion_ts,
        value,
        campaign_id,
        case $model
            when 'first_touch' then first_touch
            when 'last_touch' then last_touch
            when 'linear' then linear
            when 'time_decay' then time_decay
            when 'position_based' then position_based
            when 'markov' then markov
        end as credit
    from filtered_campaign_credits
    where month between $start_month and $end_month
),

credited as (
    select *
    from credits_in
    where credit <> 0
),

per_conversion as (
    select
        conversion_id,
        any_value(customer_id) as customer_id,
        any_value(conversion_ts) as conversion_ts,
        any_value(value) as value,
        sum(credit) as credit
    from credited
    group by conversion_id
),

per_campaign as (
    select customer_id, campaign_id, sum(credit) as credit
    from credited
    group by customer_id, campaign_id
),

top_campaign as (
    select customer_id, campaign_id as top_campaign
    from per_campaign
    qualify row_number() over (partition by customer_id order by credit desc, campaign_id) = 1
),

per_customer as (
    select
        customer_id,
        cast(count(*) as bigint) as conversions,
        sum(value) as conversion_value,
        sum(credit) as attributed_conversions,
        sum(credit * value) as attributed_revenue,
        max(conversion_ts) as last_conversion
    from per_conversion
    group by customer_id
),

final as (
    select p.*, t.top_campaign
    from per_customer as p
    left join top_campaign as t on t.customer_id = p.customer_id
)

select * from final
order by attributed_revenue desc, customer_id
