-- How many customers the extract has (sizes the parts of the per-customer marts).
select count(*) as customers
from customers
