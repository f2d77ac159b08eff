-- conversion_facts: one row per conversion, with the customer's attributes in the month it happened and a
-- last-touch attribution: the latest non-control touch of the same customer within the look-back window
-- (rules.conversion.attribution_lookback_days) before the conversion.  The multi-touch models live in
-- clientscope.analytics; this column is what the simple campaign KPIs (CPA, ROI) use.
with

conversions_in as (
    select
        conversion_id,
        customer_id,
        cast(conversion_ts as timestamp) as conversion_ts,
        last_day(cast(conversion_ts as date)) as month,
        product_type,
        cents(value) as value
    from conversions
),

touches_in as (
    select touch_id, customer_id, campaign_id, channel, cast(touch_ts as timestamp) as touch_ts
    from touches
    where not is_control
),

campaigns_in as (
    select campaign_id, campaign_type
    from campaigns
),

last_touch as (
    select
        v.conversion_id,
        t.campaign_id,
        t.channel,
        t.touch_ts
    from conversions_in as v
    inner join touches_in as t
        on t.customer_id = v.customer_id
        and t.touch_ts <= v.conversion_ts
        and t.touch_ts >= v.conversion_ts - to_days(cast($attribution_lookback_days as integer))
    qualify row_number() over (partition by v.conversion_id order by t.touch_ts desc, t.touch_id desc) = 1
),

customers_in as (
    select c.customer_id, c.branch_id, b.region, c.rm_id, c.acquisition_channel, c.gender
    from customers as c
    left join branches as b on b.branch_id = c.branch_id
),

facts_in as (
    select customer_id, month, tier, tier_alt, stage, age_band, warning_level
    from customer_month_facts
),

final as (
    select
        v.conversion_id,
        v.customer_id,
        v.conversion_ts,
        v.month,
        v.product_type,
        v.value,
        l.campaign_id,
        p.campaign_type,
        l.channel,
        l.touch_ts as attributed_touch_ts,
        l.campaign_id is not null as is_attributed,
        c.region,
        c.branch_id,
        c.rm_id,
        c.acquisition_channel,
        c.gender,
        f.age_band,
        f.tier,
        f.tier_alt,
        f.stage,
        f.warning_level
    from conversions_in as v
    left join last_touch as l on l.conversion_id = v.conversion_id
    left join campaigns_in as p on p.campaign_id = l.campaign_id
    left join customers_in as c on c.customer_id = v.customer_id
    left join facts_in as f on f.customer_id = v.customer_id and f.month = v.month
)

select * from final
