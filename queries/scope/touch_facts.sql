create or replace temp view touch_facts as
select *
from memory.main.touch_facts
where customer_id in (select customer_id from scope_customers)
