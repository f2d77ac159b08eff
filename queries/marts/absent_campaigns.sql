-- A zero-row stand-in for the optional campaigns table (see absent_touches.sql).
create or replace temp view campaigns as
select
    cast(null as varchar) as campaign_id,
    cast(null as varchar) as campaign_name,
    cast(null as varchar) as campaign_type,
    cast(null as varchar) as channel,
    cast(null as date) as start_date,
    cast(null as date) as end_date,
    cast(null as double) as cost,
    cast(null as varchar) as target_segment,
    cast(null as varchar) as product_type,
    cast(null as double) as control_share
where false
