create or replace temp view relationship_managers as
select *
from memory.main.relationship_managers
where rm_id in (select distinct rm_id from memory.main.customers where customer_id in (select customer_id from scope_customers))
