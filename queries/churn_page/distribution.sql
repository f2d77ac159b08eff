-- Risk distribution at the scoring month: customers and AUM per churn-probability bin and risk level.
-- Scores come from the page's cached parquet ($scores_path, every open customer at the latest month-end);
-- joining the scoped customer_month_facts applies the viewer's row-level security and the page filters.
-- $edges are the bin edges (ascending, starting at 0); bin i holds edges[i] <= probability < edges[i + 1].
with

-- include: churn_page/scored

binned as (
    select
        least(len(list_filter($edges, lambda edge: edge <= churn_probability)), len($edges) - 1) as bin,
        risk_level,
        aum_total
    from scored
),

final as (
    select
        bin,
        risk_level,
        count(*) as customers,
        coalesce(sum(aum_total), 0) as aum_total
    from binned
    group by bin, risk_level
)

select * from final
order by bin, risk_level
