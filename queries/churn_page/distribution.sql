-- Risk distribution at the scoring month: customers and AUM per churn-probability bin and risk level, summed
-- from the page's cells (bins were cut by the build step at the model's edges, cut-offs included).
with

-- include: churn_page/cells

final as (
    select
        bin,
        risk_level,
        sum(customers) as customers,
        coalesce(sum(aum_total), 0) as aum_total
    from cells
    group by bin, risk_level
)

select * from final
order by bin, risk_level
