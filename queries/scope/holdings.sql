create or replace temp view holdings as
select *
from memory.main.holdings
where customer_id in (select customer_id from scope_customers)
