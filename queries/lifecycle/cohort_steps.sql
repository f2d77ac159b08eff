-- The funnel steps of each customer of `members` (rows of the customer_lifecycle mart), decided once for the page's
-- lists (lifecycle/cohort_members) and its serving aggregate (marts/lifecycle_cohort_cells), which include this
-- (`-- include: lifecycle/cohort_steps`) after their own `members`; it ends with `steps`.  The windows are the
-- $named parameters, from metrics.yaml rules.lifecycle.funnel:
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
-- Month-varying attributes (tier, tier_alt, age_band) are the customer's first month's (entry), as in the mart.
-- Observation runs through the latest month of data (the as-of month).  measurable_* say whether a customer is
-- *measurable* for a step (metrics.yaml rules.lifecycle.funnel, complete windows only): the step's window and
-- the windows of every step before it have fully elapsed by the as-of month-end — activation: open_date +
-- $activation_days days <= that month-end; a checkpoint k months after opening: the month k months after the
-- opening month is <= the as-of month (retention_months rise, so the late checkpoint covers the early one).
-- Churned (the outflow) needs only its own $churn_months window.
as_of as (
    select max(month_idx) as as_of_idx, max(month) as as_of_month
    from customer_month_facts
),

stepped as (
    select
        m.*,
        date_trunc('month', m.open_date)::date as open_month,
        date_diff('day', m.open_date, m.first_active_month) as days_to_activate,
        coalesce(date_diff('day', m.open_date, m.first_active_month) <= $activation_days, false) as is_activated,
        coalesce(list_contains(m.active_offsets, $retain_early), false) as active_early,
        coalesce(list_contains(m.active_offsets, $retain_late), false) as active_late,
        coalesce(m.first_growing_offset <= $growth_months, false) as grew,
        least(
            m.churned_row_offset,
            case
                when m.close_date <= a.as_of_month
                    then year(m.close_date) * 12 + month(m.close_date) - (year(m.open_date) * 12 + month(m.open_date))
            end
        ) as churn_offset,
        a.as_of_idx - (year(m.open_date) * 12 + month(m.open_date)) as observed_months,
        date_diff('day', m.open_date, a.as_of_month) as observed_days
    from members as m
    cross join as_of as a
),

steps as (
    select
        s.*,
        s.is_activated as activated,
        s.is_activated and s.active_early as retained_early,
        s.is_activated and s.active_early and s.active_late as retained_late,
        s.is_activated and s.active_early and s.active_late and s.grew as grown,
        coalesce(s.churn_offset <= $churn_months, false) as churned,
        s.observed_days >= $activation_days as measurable_activation,
        s.observed_days >= $activation_days and s.observed_months >= $retain_early as measurable_early,
        s.observed_days >= $activation_days and s.observed_months >= $retain_late as measurable_late,
        s.observed_days >= $activation_days
            and s.observed_months >= greatest($retain_late, $growth_months) as measurable_growth,
        s.observed_months >= $churn_months as measurable_churn
    from stepped as s
),
