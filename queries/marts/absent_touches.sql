-- A zero-row stand-in for the optional touches table, created on the build cursor only (temporary,
-- connection-local), so conversion_facts builds without attribution when no touches were supplied.
create or replace temp view touches as
select
    cast(null as varchar) as touch_id,
    cast(null as varchar) as customer_id,
    cast(null as varchar) as campaign_id,
    cast(null as varchar) as channel,
    cast(null as timestamp) as touch_ts,
    cast(null as varchar) as touch_type,
    cast(null as boolean) as is_control
where false
