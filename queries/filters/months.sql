select distinct strftime(month, '%Y-%m') as value
from customer_months
order by 1
