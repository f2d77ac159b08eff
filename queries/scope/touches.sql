create or replace temp view touches as
select *
from memory.main.touches
where customer_id in (select customer_id from scope_customers)
