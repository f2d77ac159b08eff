-- The rows of churn/signals.sql and churn/signals_without_holdings.sql (`-- include: churn/signal_rows`), which
-- differ only in `closed_holdings`. Not a query on its own: it continues their `with` clause.
-- Every window looks backwards only (rows at or before the month), so features never see the
-- future; only the label columns (outcome_end, label_known, churned_3m) read customers.close_date.
-- Customers are sampled by a seeded hash ($sample_per_10000 of 10,000; 10000 keeps everyone) so large
-- extracts train in seconds. The value columns keep their default-window names (complaints_2m, closures_3m,
-- txn_last3, logins_last3); their windows are the ones in metrics.yaml `rules.risk`.
customers_in as (
    select
        customer_id,
        open_date,
        close_date,
        birth_year,
        branch_id,
        rm_id,
        risk_profile
    from customers
    where hash(customer_id, $sample_seed) % 10000 < $sample_per_10000
),

data_end as (
    select max(month) as data_end
    from customer_months
),

months_in as (
    select
        cm.customer_id,
        cast(cm.month as date) as month,
        year(cm.month) * 12 + month(cm.month) as month_idx,
        cm.aum_total,
        cm.deposits,
        cm.wealth,
        cm.insurance,
        cm.loan_balance,
        cm.card_spend,
        cm.txn_count,
        cm.txn_amount,
        cm.digital_logins,
        cm.products_held,
        cm.complaints
    from customer_months as cm
    semi join customers_in as c on cm.customer_id = c.customer_id
),

-- include: churn/warning_signals

final as (
    select
        m.customer_id,
        m.month,
        c.branch_id,
        c.rm_id,
        w.txn_trend,
        w.aum_trend,
        w.complaints_recent as complaints_2m,
        w.closures_recent as closures_3m,
        w.inactive_months,
        w.logins_trend,
        w.txn_drop_flag,
        w.aum_drop_flag,
        w.complaints_flag,
        w.closures_flag,
        w.inactive_flag,
        w.logins_drop_flag,
        w.warning_score,
        w.warning_level,
        m.aum_total,
        m.deposits,
        m.wealth,
        m.insurance,
        m.loan_balance,
        m.card_spend,
        m.txn_count,
        m.txn_amount,
        m.digital_logins,
        m.products_held,
        m.complaints,
        w.txn_recent::bigint as txn_last3,
        w.logins_recent::bigint as logins_last3,
        m.month_idx - (year(c.open_date) * 12 + month(c.open_date)) as tenure_months,
        year(m.month) - c.birth_year as age,
        case c.risk_profile
            when 'C1' then 1 when 'C2' then 2 when 'C3' then 3 when 'C4' then 4 when 'C5' then 5
        end as risk_rank,
        last_day(m.month + interval 3 month) as outcome_end,
        last_day(m.month + interval 3 month) <= d.data_end as label_known,
        case
            when last_day(m.month + interval 3 month) <= d.data_end
                then coalesce(c.close_date <= last_day(m.month + interval 3 month), false)
        end as churned_3m
    from months_in as m
    inner join warning_signals as w on w.customer_id = m.customer_id and w.month_idx = m.month_idx
    inner join customers_in as c on m.customer_id = c.customer_id
    cross join data_end as d
    -- only customers still open at the month-end can be at risk
    where (c.close_date is null or c.close_date > m.month)
        and m.month >= coalesce($first_month::date, m.month)
        and m.month <= coalesce($last_month::date, m.month)
)

select * from final
order by customer_id, month
