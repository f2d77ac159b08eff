-- The retention action list: scored customers in the filtered scope at the selected risk levels, riskiest
-- first (or by AUM when $sort_key = 'aum_total'), one page of $limit rows from $offset. Equal probabilities are
-- ordered by AUM (highest first), then customer id: the model card's tie rule (docs/churn-model.md §3). `total_rows` is the
-- number of rows before paging. Personal columns (name, phone) are taken only when the extract has them; they,
-- the branch and the RM names are joined to the page's rows only (joined before paging, every scored customer was
-- matched against the customers extract for a page of 50).
with

-- include: churn_page/scored

personal as (
    select columns(lambda col: col in ('customer_id', 'name', 'phone'))
    from customers
),

-- the sort keys as columns, so that the page and its rows after the joins are ordered by one rule
keyed as (
    select
        *,
        case when $sort_key = 'aum_total' and $descending then aum_total end as aum_down,
        case when $sort_key = 'aum_total' and not $descending then aum_total end as aum_up,
        case when $sort_key = 'churn_probability' and not $descending then churn_probability end as probability_up
    from scored
),

page as (
    select
        *,
        (select count(*) from scored) as total_rows
    from keyed
    order by aum_down desc nulls last, aum_up nulls last, probability_up nulls last, churn_probability desc,
        aum_total desc nulls last, customer_id
    limit $limit offset $offset
),

final as (
    select
        s.* exclude (acquisition_channel, total_rows),
        b.branch_name,
        r.rm_name,
        p.* exclude (customer_id),
        s.total_rows
    from page as s
    left join branches as b on b.branch_id = s.branch_id
    left join relationship_managers as r on r.rm_id = s.rm_id
    left join personal as p on p.customer_id = s.customer_id
)

select * exclude (aum_down, aum_up, probability_up)
from final
order by aum_down desc nulls last, aum_up nulls last, probability_up nulls last, churn_probability desc,
    aum_total desc nulls last, customer_id
