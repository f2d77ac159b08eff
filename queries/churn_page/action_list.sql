-- The retention action list: scored customers in the filtered scope at the selected risk levels, riskiest
-- first (or by AUM when $sort_key = 'aum_total'), one page of $limit rows from $offset. Equal probabilities are
-- ordered by AUM (highest first), then customer id: the model card's tie rule (docs/churn-model.md §3). `total_rows` is the
-- number of rows before paging. Personal columns (name, phone) are taken only when the extract has them.
with

-- include: churn_page/scored

personal as (
    select columns(lambda col: col in ('customer_id', 'name', 'phone'))
    from customers
),

final as (
    select
        s.* exclude (acquisition_channel),
        b.branch_name,
        r.rm_name,
        p.* exclude (customer_id),
        count(*) over () as total_rows
    from scored as s
    left join branches as b on b.branch_id = s.branch_id
    left join relationship_managers as r on r.rm_id = s.rm_id
    left join personal as p on p.customer_id = s.customer_id
)

select * from final
order by
    case when $sort_key = 'aum_total' and $descending then aum_total end desc nulls last,
    case when $sort_key = 'aum_total' and not $descending then aum_total end asc nulls last,
    case when $sort_key = 'churn_probability' and not $descending then churn_probability end asc nulls last,
    churn_probability desc,
    aum_total desc nulls last,
    customer_id
limit $limit offset $offset
