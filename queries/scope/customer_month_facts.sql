create or replace temp view customer_month_facts as
select *
from memory.main.customer_month_facts
where customer_id in (select customer_id from scope_customers)
