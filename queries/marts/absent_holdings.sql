-- A zero-row stand-in for the optional holdings table, created on the build cursor only (temporary,
-- connection-local), so customer_month_facts counts closures from products_held when no holdings were supplied.
create or replace temp view holdings as
select
    cast(null as varchar) as customer_id,
    cast(null as varchar) as product_type,
    cast(null as date) as open_date,
    cast(null as date) as close_date
where false
