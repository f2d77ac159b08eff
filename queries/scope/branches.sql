create or replace temp view branches as
select *
from memory.main.branches
where branch_id in (select distinct branch_id from memory.main.customers where customer_id in (select customer_id from scope_customers))
