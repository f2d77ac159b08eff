select distinct acquisition_channel as value
from customers
where acquisition_channel is not null
order by 1
