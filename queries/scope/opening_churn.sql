create or replace temp view opening_churn as
select *
from memory.main.opening_churn
where customer_id in (select customer_id from scope_customers)
