-- The customers the viewer may see (the scoped customers view).
select customer_id
from customers
order by customer_id
