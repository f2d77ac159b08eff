-- The built credit rows of every customer part (clientscope/campaigns/serving.py), in the order the page's
-- period filter prunes row groups by.
select *
from read_parquet($paths)
order by month, conversion_id, touch_id
