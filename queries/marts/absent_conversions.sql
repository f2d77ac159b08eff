-- A zero-row stand-in for the optional conversions table, created on the build cursor only (temporary,
-- connection-local), so touch_facts builds (with no next conversion) when no conversions were supplied.
create or replace temp view conversions as
select
    cast(null as varchar) as conversion_id,
    cast(null as varchar) as customer_id,
    cast(null as timestamp) as conversion_ts,
    cast(null as varchar) as product_type,
    cast(null as double) as value
where false
