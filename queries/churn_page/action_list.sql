-- The retention action list: scored customers in the filtered scope at the selected risk levels, riskiest
-- first (or by AUM when $sort_key = 'aum_total'), one page of $limit rows from $offset. `total_rows` is the
-- number of rows before paging. Personal columns (name, phone) are taken only when the extract has them.
with scores as (
    select *
    from read_parquet($scores_path)
),

scored as (
    select
        s.customer_id,
        s.month,
        s.churn_probability,
        s.risk_level,
        s.rule_points,
        s.aum_total,
        s.txn_trend,
        s.aum_trend,
        s.complaints_2m,
        s.closures_3m,
        s.inactive_months,
        s.logins_trend,
        s.txn_drop_flag,
        s.aum_drop_flag,
        s.complaints_flag,
        s.closures_flag,
        s.inactive_flag,
        s.logins_drop_flag,
        f.region,
        f.branch_id,
        f.rm_id,
        f.tier
    from scores as s
    inner join customer_month_facts as f on f.customer_id = s.customer_id and f.month = s.month
    where ($regions is null or list_contains($regions, f.region))
        and ($branches is null or list_contains($branches, f.branch_id))
        and ($rms is null or list_contains($rms, f.rm_id))
        and ($tiers is null or list_contains($tiers, f.tier))
        and ($channels is null or list_contains($channels, f.acquisition_channel))
        and ($levels is null or list_contains($levels, s.risk_level))
        and (
            $signal is null
            or case $signal
                when 'txn_drop' then s.txn_drop_flag
                when 'aum_drop' then s.aum_drop_flag
                when 'complaints' then s.complaints_flag
                when 'closures' then s.closures_flag
                when 'inactive' then s.inactive_flag
                when 'logins_drop' then s.logins_drop_flag
                else false
            end
        )
),

personal as (
    select columns(lambda col: col in ('customer_id', 'name', 'phone'))
    from customers
),

final as (
    select
        s.*,
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
    customer_id
limit $limit offset $offset
