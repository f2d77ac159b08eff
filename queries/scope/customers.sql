create or replace temp view customers as
select *
from memory.main.customers
where customer_id in (select customer_id from scope_customers)
