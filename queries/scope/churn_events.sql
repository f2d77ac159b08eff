create or replace temp view churn_events as
select *
from memory.main.churn_events
where customer_id in (select customer_id from scope_customers)
