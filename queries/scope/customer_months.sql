create or replace temp view customer_months as
select *
from memory.main.customer_months
where customer_id in (select customer_id from scope_customers)
