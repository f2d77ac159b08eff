-- The built journey rows of every customer part (clientscope/campaigns/serving.py), in build_journeys.sql's order.
select *
from read_parquet($paths)
order by all
