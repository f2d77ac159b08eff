select distinct channel as value
from touches
order by 1
