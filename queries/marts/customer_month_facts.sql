-- customer_month_facts: one row per customer_months row, with the customer's attributes and everything
-- derived from the month and its history: tier, lifecycle stage, the warning score (预警分), its level and the
-- six signal flags (written once in churn/warning_signals.sql, shared with the churn model's signals).
-- Every threshold is a named parameter bound from metrics.yaml `rules` (see docs/metrics.md).
-- History windows run over month_idx (year * 12 + month) with RANGE frames, so a gap in a customer's
-- months never makes "3 months ago" point at the wrong month.
-- A closure belongs to the month of its close date (is_churned_month, stage churned); when the extract has no row
-- for that month the event is only in the churn_events mart.  next_month is the month whose opening book this row
-- is (the churn-rate denominator), empty for the latest month of data.
with

data_end as (
    select max(cast(month as date)) as last_month
    from customer_months
),

branches_in as (
    select branch_id, region
    from branches
),

customers_in as (
    select
        c.customer_id,
        c.open_date,
        c.close_date,
        c.birth_year,
        c.gender,
        c.city,
        c.branch_id,
        b.region,
        c.rm_id,
        c.acquisition_channel,
        c.risk_profile,
        c.tags
    from customers as c
    left join branches_in as b on b.branch_id = c.branch_id
),

-- amounts become exact money here, DECIMAL(18,2) (cents(): queries/marts/money.sql): every rule and sum sees cents
months_in as (
    select
        customer_id,
        cast(month as date) as month,
        year(month) * 12 + month(month) as month_idx,
        cents(aum_total) as aum_total,
        cents(deposits) as deposits,
        cents(wealth) as wealth,
        cents(insurance) as insurance,
        cents(loan_balance) as loan_balance,
        cents(card_spend) as card_spend,
        txn_count,
        cents(txn_amount) as txn_amount,
        digital_logins,
        products_held,
        complaints,
        cents(payroll_inflow) as payroll_inflow,
        cents(cross_border_spend) as cross_border_spend
    -- payroll_inflow and cross_border_spend are optional columns: the union by name adds them as nulls
    from (
        from customer_months
        union all by name
        select
            cast(null as double) as payroll_inflow,
            cast(null as double) as cross_border_spend
        where false
    )
),

-- holdings is optional: without the extract the build cursor has a zero-row stand-in and $use_holdings is false
closed_holdings as (
    select
        customer_id,
        close_date
    from holdings
    where close_date is not null
),

-- include: churn/warning_signals

-- tier_rank 1 is the highest tier: the first floor (highest first) the month-end AUM reaches. The lowest tier
-- takes every AUM below the next floor, negative (an overdrawn account) or missing included, so every row has a
-- tier and tier shares sum to 100 %.
tiered as (
    select
        m.*,
        coalesce(
            list_position(list_transform($tier_mins, lambda floor_aum: coalesce(m.aum_total, 0) >= floor_aum), true),
            len($tier_mins)
        ) as tier_rank,
        coalesce(
            list_position(
                list_transform($alt_tier_mins, lambda floor_aum: coalesce(m.aum_total, 0) >= floor_aum), true
            ),
            len($alt_tier_mins)
        ) as tier_alt_rank
    from months_in as m
),

windowed as (
    select
        t.*,
        max(t.tier_rank) over (
            partition by t.customer_id order by t.month_idx range between 1 preceding and 1 preceding
        ) as prev_tier_rank,
        sum(t.txn_count) over (
            partition by t.customer_id order by t.month_idx
            range between $dormant_months - 1 preceding and current row
        ) as txn_dormant_window,
        count(*) over (
            partition by t.customer_id order by t.month_idx
            range between $dormant_months - 1 preceding and current row
        ) as months_dormant_window,
        sum(t.txn_count) over (
            partition by t.customer_id order by t.month_idx
            range between $churn_dormant_months - 1 preceding and current row
        ) as txn_churn_window,
        count(*) over (
            partition by t.customer_id order by t.month_idx
            range between $churn_dormant_months - 1 preceding and current row
        ) as months_churn_window,
        max(t.tier_rank) over (
            partition by t.customer_id order by t.month_idx
            range between $growing_months preceding and $growing_months preceding
        ) as tier_rank_lookback,
        max(t.products_held) over (
            partition by t.customer_id order by t.month_idx
            range between $growing_months preceding and $growing_months preceding
        ) as products_lookback
    from tiered as t
),

joined as (
    select
        w.*,
        c.open_date,
        c.close_date,
        c.birth_year,
        c.gender,
        c.city,
        c.branch_id,
        c.region,
        c.rm_id,
        c.acquisition_channel,
        c.risk_profile,
        c.tags,
        date_trunc('month', w.month) as month_start,
        case when w.month < d.last_month then cast(last_day(w.month + interval 1 month) as date) end as next_month,
        year(w.month) - c.birth_year as age
    from windowed as w
    cross join data_end as d
    left join customers_in as c on c.customer_id = w.customer_id
),

flagged as (
    select
        j.*,
        coalesce(j.open_date <= j.month and date_diff('day', j.open_date, j.month) < $new_within_days, false) as is_new,
        coalesce(j.open_date >= j.month_start and j.open_date <= j.month, false) as is_opened_month,
        coalesce(j.txn_count, 0) > 0 as is_active,
        j.months_dormant_window = $dormant_months and coalesce(j.txn_dormant_window, 0) = 0 as is_dormant,
        -- closed during this month (a closure is booked in the month of its close date, never earlier)
        coalesce(j.close_date >= j.month_start and j.close_date <= j.month, false) as is_churned_month,
        coalesce(j.close_date < j.month_start, false) as is_closed_before,
        j.months_churn_window = $churn_dormant_months
            and coalesce(j.txn_churn_window, 0) = 0
            and coalesce(j.aum_total, 0) < $churn_aum_floor as is_soft_churn,
        coalesce(j.tier_rank < j.tier_rank_lookback, false)
            or coalesce(j.products_held > j.products_lookback, false) as is_growing,
        w.warning_score,
        w.warning_level,
        w.txn_drop_flag,
        w.aum_drop_flag,
        w.complaints_flag,
        w.closures_flag,
        w.inactive_flag,
        w.logins_drop_flag
    from joined as j
    inner join warning_signals as w on w.customer_id = j.customer_id and w.month_idx = j.month_idx
),

staged as (
    select
        f.*,
        f.is_churned_month or f.is_closed_before or f.is_soft_churn as is_churned,
        coalesce(
            lag(f.is_soft_churn) over (partition by f.customer_id order by f.month_idx),
            false
        ) as was_soft_churn
    from flagged as f
),

final as (
    select
        s.customer_id,
        s.month,
        s.month_start,
        s.month_idx,
        s.next_month,
        s.region,
        s.branch_id,
        s.rm_id,
        s.city,
        s.acquisition_channel,
        s.gender,
        s.birth_year,
        s.age,
        coalesce(
            $age_band_codes[list_position(list_transform($age_band_max, lambda max_age: s.age <= max_age), true)],
            'unknown'
        ) as age_band,
        s.risk_profile,
        s.tags,
        s.open_date,
        s.close_date,
        date_diff('month', s.open_date, s.month) as tenure_months,
        s.aum_total,
        s.deposits,
        s.wealth,
        s.insurance,
        s.loan_balance,
        s.card_spend,
        s.payroll_inflow,
        s.cross_border_spend,
        s.txn_count,
        s.txn_amount,
        s.digital_logins,
        s.products_held,
        s.complaints,
        $tier_codes[s.tier_rank] as tier,
        s.tier_rank,
        $tier_codes[s.prev_tier_rank] as prev_tier,
        $alt_tier_codes[s.tier_alt_rank] as tier_alt,
        s.tier_alt_rank,
        coalesce(
            list_filter(
                $stage_precedence,
                lambda stage_code: case stage_code
                    when 'churned' then s.is_churned
                    when 'new' then s.is_new
                    when 'dormant' then s.is_dormant
                    when 'growing' then s.is_growing
                    when 'active' then s.is_active
                    when 'inactive' then true
                    else false
                end
            )[1],
            'inactive'
        ) as stage,
        s.is_new,
        s.is_opened_month,
        s.is_active,
        s.is_dormant,
        s.is_growing,
        s.is_churned_month,
        s.is_soft_churn,
        s.is_churned,
        -- this row's month holds the customer's churn event: a closure in the month, or the first month of a
        -- soft churn; a closure after a soft churn is not counted again (the full list: the churn_events mart)
        (s.is_churned_month or s.is_soft_churn) and not s.was_soft_churn as is_churn_event,
        s.warning_score,
        s.warning_level,
        s.txn_drop_flag,
        s.aum_drop_flag,
        s.complaints_flag,
        s.closures_flag,
        s.inactive_flag,
        s.logins_drop_flag
    from staged as s
)

select * from final
