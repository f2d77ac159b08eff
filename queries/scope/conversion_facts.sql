create or replace temp view conversion_facts as
select *
from memory.main.conversion_facts
where customer_id in (select customer_id from scope_customers)
