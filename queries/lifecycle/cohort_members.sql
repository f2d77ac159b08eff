-- lifecycle/cohort_members: one row per customer of the acquisition cohort (open_date in $cohort_start..$cohort_end),
-- with every funnel step of clientscope/lifecycle.py decided here, once (the windows are the $named parameters,
-- from metrics.yaml rules.lifecycle.funnel):
--   month_offset  = calendar months since the month of opening (0 = the opening month), from month_idx, so a
--                   gap in a customer's months never shifts "month 3" (offsets are in the customer_lifecycle mart);
--   activated     = the first month with txn_count > 0 ends at most $activation_days days after open_date;
--   retained_*    = activated, and active (txn_count > 0, not churned) in the month $retain_early (then
--                   $retain_late) months after the opening month;
--   grown         = retained at $retain_late, and is_growing (higher tier or more products than
--                   rules.lifecycle.growing_lookback_months before) in some month 1..$growth_months;
--   churned       = a churn within $churn_months months of opening: the month of the close date (when it is
--                   not after the latest month of data) or a month the mart marks churned (is_churned: the
--                   closure month, or soft churn below the AUM floor), whichever comes first.
-- Month-varying attributes (tier, tier_alt, age_band) are taken at the customer's first month (entry).
-- Observation runs through the latest month of data (the as-of month).  measurable_* say whether a customer is
-- *measurable* for a step (metrics.yaml rules.lifecycle.funnel, complete windows only): the step's window and
-- the windows of every step before it have fully elapsed by the as-of month-end — activation: open_date +
-- $activation_days days <= that month-end; a checkpoint k months after opening: the month k months after the
-- opening month is <= the as-of month (retention_months rise, so the late checkpoint covers the early one).
-- Churned (the outflow) needs only its own $churn_months window.
with

as_of as (
    select max(month_idx) as as_of_idx, max(month) as as_of_month
    from customer_month_facts
),

-- the per-customer aggregates are built once per data version (queries/marts/customer_lifecycle.sql)
members as (
    select
        *,
        first_growing_offset <= $growth_months as grew
    from customer_lifecycle
    where open_date between $cohort_start and $cohort_end
),

filtered as (
    select m.*
    from members as m
    where ($f_region is null or list_contains($f_region, m.region))
      and ($f_branch is null or list_contains($f_branch, m.branch_id))
      and ($f_rm is null or list_contains($f_rm, m.rm_id))
      and ($f_channel is null or list_contains($f_channel, m.acquisition_channel))
      and ($f_gender is null or list_contains($f_gender, m.gender))
      and ($f_city is null or list_contains($f_city, m.city))
      and ($f_risk_profile is null or list_contains($f_risk_profile, m.risk_profile))
      and ($f_tier is null or list_contains($f_tier, m.entry_tier))
      and ($f_tier_alt is null or list_contains($f_tier_alt, m.entry_tier_alt))
      and ($f_age_band is null or list_contains($f_age_band, m.entry_age_band))
),

stepped as (
    select
        f.*,
        date_trunc('month', f.open_date)::date as open_month,
        date_diff('day', f.open_date, f.first_active_month) as days_to_activate,
        coalesce(date_diff('day', f.open_date, f.first_active_month) <= $activation_days, false) as activated,
        coalesce(list_contains(f.active_offsets, $retain_early), false) as active_early,
        coalesce(list_contains(f.active_offsets, $retain_late), false) as active_late,
        least(
            f.churned_row_offset,
            case
                when f.close_date <= a.as_of_month
                    then year(f.close_date) * 12 + month(f.close_date) - (year(f.open_date) * 12 + month(f.open_date))
            end
        ) as churn_offset,
        a.as_of_idx - (year(f.open_date) * 12 + month(f.open_date)) as observed_months,
        date_diff('day', f.open_date, a.as_of_month) as observed_days
    from filtered as f
    cross join as_of as a
),

final as (
    select
        s.customer_id,
        s.open_date,
        s.open_month,
        s.close_date,
        s.region,
        s.branch_id,
        b.branch_name,
        s.rm_id,
        r.rm_name,
        s.city,
        s.acquisition_channel,
        s.gender,
        s.risk_profile,
        s.entry_tier,
        s.entry_tier_alt,
        s.entry_age_band,
        s.first_active_offset,
        s.days_to_activate,
        s.activated,
        s.activated and s.active_early as retained_early,
        s.activated and s.active_early and s.active_late as retained_late,
        s.activated and s.active_early and s.active_late and coalesce(s.grew, false) as grown,
        coalesce(s.churn_offset <= $churn_months, false) as churned,
        s.churn_offset,
        s.observed_months,
        s.observed_days >= $activation_days as measurable_activation,
        s.observed_days >= $activation_days and s.observed_months >= $retain_early as measurable_early,
        s.observed_days >= $activation_days and s.observed_months >= $retain_late as measurable_late,
        s.observed_days >= $activation_days
            and s.observed_months >= greatest($retain_late, $growth_months) as measurable_growth,
        s.observed_months >= $churn_months as measurable_churn,
        coalesce(s.active_offsets, []) as active_offsets,
        coalesce(s.book_offsets, []) as book_offsets,
        coalesce(s.book_aum, []) as book_aum,
        s.latest_month,
        s.latest_stage,
        s.latest_aum
    from stepped as s
    left join branches as b on b.branch_id = s.branch_id
    left join relationship_managers as r on r.rm_id = s.rm_id
)

select * from final
order by open_date, customer_id
