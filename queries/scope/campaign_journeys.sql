create or replace temp view campaign_journeys as
select *
from memory.main.campaign_journeys
where customer_id in (select customer_id from scope_customers)
