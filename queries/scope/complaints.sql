create or replace temp view complaints as
select *
from memory.main.complaints
where customer_id in (select customer_id from scope_customers)
