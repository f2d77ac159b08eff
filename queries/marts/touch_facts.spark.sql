-- Spark variant of touch_facts.sql (docs/spark.md, "One source of truth"): Spark SQL has no ASOF join, so on Spark
-- the CTEs below replace the CTEs of the same name in touch_facts.sql; every other CTE is touch_facts.sql's own,
-- transpiled. Written in DuckDB's dialect like every query file and transpiled the same way; the final select only
-- makes the file a statement. tests/test_spark_variants.py runs touch_facts.sql with these CTEs on DuckDB and checks
-- that the mart is unchanged, and tests/test_spark_build.py compares the two engines' marts row for row.
--
-- The first conversion at or after each touch, without a join: touches and conversions of a customer in one time
-- line (a conversion after a touch at the same instant, as `>=` wants), and for each touch the earliest conversion
-- time from its place onwards. A touch without a customer or a time has no next conversion, as in the ASOF join.
with

touch_timeline as (
    select
        touch_id,
        customer_id,
        campaign_id,
        channel,
        touch_type,
        is_control,
        touch_ts,
        month,
        touch_ts as event_ts,
        0 as event_kind,
        cast(null as timestamp) as conversion_ts
    from touches_in
    union all
    select
        cast(null as varchar) as touch_id,
        customer_id,
        cast(null as varchar) as campaign_id,
        cast(null as varchar) as channel,
        cast(null as varchar) as touch_type,
        cast(null as boolean) as is_control,
        cast(null as timestamp) as touch_ts,
        cast(null as date) as month,
        conversion_ts as event_ts,
        1 as event_kind,
        conversion_ts
    from conversions_in
    where customer_id is not null and conversion_ts is not null
),

touches_next as (
    select
        touch_id,
        customer_id,
        campaign_id,
        channel,
        touch_type,
        is_control,
        touch_ts,
        month,
        case when customer_id is not null and touch_ts is not null then next_conversion_ts end as next_conversion_ts
    from (
        select
            *,
            min(conversion_ts) over (
                partition by customer_id order by event_ts, event_kind
                rows between current row and unbounded following
            ) as next_conversion_ts
        from touch_timeline
    )
    where event_kind = 0
)

select * from touches_next
