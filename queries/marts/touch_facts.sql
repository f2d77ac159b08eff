-- touch_facts: one row per marketing touch (or control-group assignment), with the campaign's type and
-- product, the customer's home branch / region / RM, and the customer's tier, stage and risk in the
-- month of the touch (null when the customer had no month row then, e.g. a prospect).
-- next_conversion_ts is the customer's first conversion at or after the touch (an ASOF join): "converted within
-- N days of the touch" is then one comparison, so conversion metrics need no join at query time
-- (clientscope/semantic/compiler.py, NEXT_EVENT_COLUMNS).
-- observed_until is the data's last month-end (the latest month of customer_month_facts, the as-of month): a
-- conversion window counts only when it ends by then (complete windows only, metrics.yaml conversion metrics).
with

touches_in as (
    select
        touch_id,
        customer_id,
        campaign_id,
        channel,
        touch_type,
        is_control,
        cast(touch_ts as timestamp) as touch_ts,
        last_day(cast(touch_ts as date)) as month
    from touches
),

conversions_in as (
    select customer_id, cast(conversion_ts as timestamp) as conversion_ts
    from conversions
),

campaigns_in as (
    select campaign_id, campaign_type, product_type
    from campaigns
),

customers_in as (
    select c.customer_id, c.branch_id, b.region, c.rm_id, c.acquisition_channel, c.gender
    from customers as c
    left join branches as b on b.branch_id = c.branch_id
),

data_end as (
    select max(month) as observed_until
    from customer_month_facts
),

facts_in as (
    select customer_id, month, tier, tier_alt, stage, age_band, warning_level
    from customer_month_facts
),

-- each touch with the customer's first conversion at or after it (an ASOF join; Spark has none, so
-- touch_facts.spark.sql replaces this CTE when the mart is built on Spark: docs/spark.md)
touches_next as (
    select
        t.*,
        v.conversion_ts as next_conversion_ts
    from touches_in as t
    asof left join conversions_in as v on v.customer_id = t.customer_id and v.conversion_ts >= t.touch_ts
),

final as (
    select
        t.touch_id,
        t.customer_id,
        t.campaign_id,
        t.channel,
        t.touch_type,
        t.is_control,
        t.touch_ts,
        t.month,
        p.campaign_type,
        p.product_type,
        c.region,
        c.branch_id,
        c.rm_id,
        c.acquisition_channel,
        c.gender,
        f.age_band,
        f.tier,
        f.tier_alt,
        f.stage,
        f.warning_level,
        t.next_conversion_ts,
        d.observed_until
    from touches_next as t
    cross join data_end as d
    left join campaigns_in as p on p.campaign_id = t.campaign_id
    left join customers_in as c on c.customer_id = t.customer_id
    left join facts_in as f on f.customer_id = t.customer_id and f.month = t.month
)

select * from final
