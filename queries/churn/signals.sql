-- Churn signals, levels and the 3-month churn label for every open customer-month.
-- Every window looks backwards only (rows at or before the month), so features never see the
-- future; only the label columns (outcome_end, label_known, churned_3m) read customers.close_date.
-- Months are numbered (year * 12 + month) so range frames count calendar months even when a
-- customer's history has gaps. Customers are sampled by a seeded hash ($sample_per_10000 of
-- 10,000; 10000 keeps everyone) so large extracts train in seconds.
with customers_in as (
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
        cm.month,
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

windowed as (
    select
        *,
        sum(txn_count) over last_3 as txn_last3,
        sum(txn_count) over prev_3 as txn_prev3,
        count(*) over last_3 as months_last3,
        count(*) over prev_3 as months_prev3,
        sum(digital_logins) over last_3 as logins_last3,
        sum(digital_logins) over prev_3 as logins_prev3,
        max(aum_total) over back_3 as aum_3m_ago,
        sum(complaints) over last_2 as complaints_2m,
        max(case when txn_count > 0 then month_idx end) over history as last_active_idx,
        min(month_idx) over history as first_idx,
        max(products_held) over back_1 as products_prev
    from months_in
    window
        by_customer as (partition by customer_id order by month_idx),
        history as (by_customer range between unbounded preceding and current row),
        last_2 as (by_customer range between 1 preceding and current row),
        last_3 as (by_customer range between 2 preceding and current row),
        prev_3 as (by_customer range between 5 preceding and 3 preceding),
        back_1 as (by_customer range between 1 preceding and 1 preceding),
        back_3 as (by_customer range between 3 preceding and 3 preceding)
),

product_drops as (
    select
        *,
        -- a fall in products held counts as closures; the first observed month has no fall
        greatest(coalesce(products_prev, products_held) - products_held, 0) as products_dropped
    from windowed
),

signals as (
    select
        *,
        case
            when months_last3 = 3 and months_prev3 = 3 and txn_prev3 > 0
                then txn_last3::double / txn_prev3 - 1
        end as txn_trend,
        case
            when months_last3 = 3 and months_prev3 = 3 and logins_prev3 > 0
                then logins_last3::double / logins_prev3 - 1
        end as logins_trend,
        case when aum_3m_ago > 0 then aum_total / aum_3m_ago - 1 end as aum_trend,
        month_idx - coalesce(last_active_idx, first_idx - 1) as inactive_months,
        sum(products_dropped) over (
            partition by customer_id order by month_idx range between 2 preceding and current row
        ) as closures_3m
    from product_drops
),

final as (
    select
        s.customer_id,
        s.month,
        c.branch_id,
        c.rm_id,
        hash(s.customer_id, s.month) as tie_key,
        s.txn_trend,
        s.aum_trend,
        s.complaints_2m::integer as complaints_2m,
        s.closures_3m::integer as closures_3m,
        s.inactive_months::integer as inactive_months,
        s.logins_trend,
        coalesce(s.txn_trend <= -$txn_drop, false) as txn_drop_flag,
        coalesce(s.aum_trend <= -$aum_drop, false) as aum_drop_flag,
        s.complaints_2m >= $complaints_min as complaints_flag,
        s.closures_3m >= $closures_min as closures_flag,
        s.inactive_months >= $inactive_months_min as inactive_flag,
        coalesce(s.logins_trend <= -$logins_drop, false) as logins_drop_flag,
        s.aum_total,
        s.deposits,
        s.wealth,
        s.insurance,
        s.loan_balance,
        s.card_spend,
        s.txn_count,
        s.txn_amount,
        s.digital_logins,
        s.products_held,
        s.complaints,
        s.txn_last3::bigint as txn_last3,
        s.logins_last3::bigint as logins_last3,
        s.month_idx - (year(c.open_date) * 12 + month(c.open_date)) as tenure_months,
        year(s.month) - c.birth_year as age,
        case c.risk_profile
            when 'C1' then 1 when 'C2' then 2 when 'C3' then 3 when 'C4' then 4 when 'C5' then 5
        end as risk_rank,
        last_day(s.month + interval 3 month) as outcome_end,
        last_day(s.month + interval 3 month) <= d.data_end as label_known,
        case
            when last_day(s.month + interval 3 month) <= d.data_end
                then coalesce(c.close_date <= last_day(s.month + interval 3 month), false)
        end as churned_3m
    from signals as s
    inner join customers_in as c on s.customer_id = c.customer_id
    cross join data_end as d
    -- only customers still open at the month-end can be at risk
    where (c.close_date is null or c.close_date > s.month)
        and s.month >= coalesce($first_month::date, s.month)
        and s.month <= coalesce($last_month::date, s.month)
)

select * from final
order by customer_id, month
