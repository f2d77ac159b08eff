create or replace temp view campaign_credits as
select *
from memory.main.campaign_credits
where customer_id in (select customer_id from scope_customers)
