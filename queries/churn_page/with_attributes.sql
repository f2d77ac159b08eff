-- The churn page's cached rows (`page_rows`: one row per customer-month, registered on the build cursor) with
-- the attributes its filters test, as of that month: written once into scores.parquet and flags.parquet, so the
-- page's queries filter them directly instead of joining the customer-month mart on every request.
select
    r.*,
    f.region,
    f.branch_id,
    f.rm_id,
    f.tier,
    f.acquisition_channel
from page_rows as r
inner join customer_month_facts as f on f.customer_id = r.customer_id and f.month = r.month
