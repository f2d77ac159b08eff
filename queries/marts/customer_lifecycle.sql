-- customer_lifecycle: one row per customer with customer-month rows, holding what the /lifecycle cohort funnel
-- and retention read, aggregated once per data version instead of on every filter change
-- (queries/lifecycle/cohort_members.sql selects a cohort by open_date and applies the funnel windows here).
--   month_offset (per row) = calendar months since the month of opening (0 = the opening month), from
--                            month_idx, so a gap in a customer's months never shifts "month 3";
--   tier, tier_alt, age_band = month-varying attributes at the customer's first month (the *entry* values),
--                            named like the metrics.yaml columns so that the compiled filters
--                            (filtered_customer_lifecycle) select a cohort by its entry tier / tier_alt / age band;
--   first_growing_offset   = the first month 1.. after opening in which is_growing holds;
--   active_offsets         = offsets of the active (txn_count > 0), not churned months;
--   book_offsets, book_aum = offsets and AUM (0 when missing) of the months on the books (not churned);
--   first_idx, last_idx    = the first and last month_idx with a row;
--   row_idx, row_stage, row_aum, row_tier, row_tier_alt, row_age_band = every row's month_idx (ascending) with
--                            its stage, AUM, tier, tier_alt and age band, for the stage flow between two months
--                            (queries/lifecycle/flow_states.sql).
with

facts as (
    select
        customer_id,
        month,
        month_idx,
        open_date,
        close_date,
        region,
        branch_id,
        rm_id,
        city,
        acquisition_channel,
        gender,
        risk_profile,
        age_band,
        tier,
        tier_alt,
        stage,
        aum_total,
        is_active,
        is_churned,
        is_growing,
        month_idx - (year(open_date) * 12 + month(open_date)) as month_offset
    from customer_month_facts
    -- built in $parts parts by customer (clientscope.marts.customer_parts): list aggregates cannot spill to disk
    where hash(customer_id) % $parts = $part
),

final as (
    select
        customer_id,
        any_value(open_date) as open_date,
        any_value(close_date) as close_date,
        any_value(region) as region,
        any_value(branch_id) as branch_id,
        any_value(rm_id) as rm_id,
        any_value(city) as city,
        any_value(acquisition_channel) as acquisition_channel,
        any_value(gender) as gender,
        any_value(risk_profile) as risk_profile,
        arg_min(tier, month_idx) as tier,
        arg_min(tier_alt, month_idx) as tier_alt,
        arg_min(age_band, month_idx) as age_band,
        arg_max(stage, month_idx) as latest_stage,
        arg_max(aum_total, month_idx) as latest_aum,
        max(month) as latest_month,
        min(month) filter (where is_active) as first_active_month,
        min(month_offset) filter (where is_active) as first_active_offset,
        min(month_offset) filter (where is_churned) as churned_row_offset,
        min(month_offset) filter (where is_growing and month_offset >= 1) as first_growing_offset,
        list(month_offset order by month_offset) filter (where is_active and not is_churned) as active_offsets,
        list(month_offset order by month_offset) filter (where not is_churned) as book_offsets,
        list(coalesce(aum_total, 0) order by month_offset) filter (where not is_churned) as book_aum,
        min(month_idx) as first_idx,
        max(month_idx) as last_idx,
        list(month_idx order by month_idx) as row_idx,
        list(stage order by month_idx) as row_stage,
        list(aum_total order by month_idx) as row_aum,
        list(tier order by month_idx) as row_tier,
        list(tier_alt order by month_idx) as row_tier_alt,
        list(age_band order by month_idx) as row_age_band
    from facts
    group by customer_id
)

select * from final
