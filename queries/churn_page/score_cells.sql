-- The churn page's serving-layer aggregate (written by the build step beside scores.parquet): the scored customers
-- at the latest month-end counted per filter cell (region, branch, RM, tier, acquisition channel), risk level,
-- probability bin and signal mask, so that a filter change sums a few cells instead of scanning every customer.
-- $edges are the bin edges (ascending, starting at 0; the model's cut-offs included): bin i holds
-- edges[i] <= probability < edges[i + 1]. signal_mask has bit k set when signal k fires (order: txn_drop, aum_drop,
-- complaints, closures, inactive, logins_drop — clientscope.churn.view.SIGNALS). AUM is summed exactly (cents).
select
    region,
    branch_id,
    rm_id,
    tier,
    acquisition_channel,
    risk_level,
    least(len(list_filter($edges, lambda edge: edge <= churn_probability)), len($edges) - 1) as bin,
    (case when txn_drop_flag then 1 else 0 end)
        + (case when aum_drop_flag then 2 else 0 end)
        + (case when complaints_flag then 4 else 0 end)
        + (case when closures_flag then 8 else 0 end)
        + (case when inactive_flag then 16 else 0 end)
        + (case when logins_drop_flag then 32 else 0 end) as signal_mask,
    count(*) as customers,
    coalesce(sum(cast(aum_total as decimal(18, 2))), 0) as aum_total
from page_scores
group by all
order by region, branch_id, rm_id, tier, acquisition_channel, risk_level, bin, signal_mask
