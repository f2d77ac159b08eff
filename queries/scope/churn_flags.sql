create or replace temp view churn_flags as
select *
from memory.main.churn_flags
where customer_id in (select customer_id from scope_customers)
