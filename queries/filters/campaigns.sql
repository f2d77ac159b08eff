select campaign_id as value, campaign_name as label
from campaigns
order by start_date, campaign_id
