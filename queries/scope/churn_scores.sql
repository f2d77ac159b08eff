create or replace temp view churn_scores as
select *
from memory.main.churn_scores
where customer_id in (select customer_id from scope_customers)
