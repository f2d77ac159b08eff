create or replace temp view conversions as
select *
from memory.main.conversions
where customer_id in (select customer_id from scope_customers)
