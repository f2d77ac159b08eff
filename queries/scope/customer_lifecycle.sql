create or replace temp view customer_lifecycle as
select *
from memory.main.customer_lifecycle
where customer_id in (select customer_id from scope_customers)
