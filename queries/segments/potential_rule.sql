-- The "potential" rule, included by segments/potential.sql and segments/potential_list.sql (`-- include:`):
-- the CTEs from the candidates' activity to `flagged_potential`, one row per candidate with its signals and
-- `is_potential`. Not a query on its own: it continues the `with` clause of the file that includes it.
--
-- The "potential" rule (clientscope.segments.PotentialRule; thresholds are $named parameters): an open
-- customer below the top tier at the month-end ($month_start) is potential when
--   1. headroom: AUM >= $headroom_share x the floor of the tier above ($tier_mins, highest first), and
--   2. at least $min_signals of these signals fire (a signal without data never fires):
--      - AUM growth: AUM >= (1 + $aum_growth_min) x the AUM $growth_months months before;
--      - card spend, cross-border spend, payroll inflow: the average of the last $lookback_months months
--        >= $peer_share x the median of the tier above (medians over the whole book in scope).
-- Page filters ($f_<dimension>, null = no filter) narrow the candidates, not the peer medians.

-- payroll_inflow and cross_border_spend are optional extract columns: the mart holds them as nulls when absent
window_rows as (
    select
        customer_id,
        card_spend,
        payroll_inflow,
        cross_border_spend
    from customer_month_facts
    where month_start > cast($month_start - to_months(cast($lookback_months as integer)) as date)
        and month_start <= $month_start
),

activity as (
    select
        customer_id,
        avg(coalesce(card_spend, 0)) as card_spend_avg,
        avg(cross_border_spend) as cross_border_avg,
        avg(payroll_inflow) as payroll_avg
    from window_rows
    group by customer_id
),

aum_before as (
    select
        customer_id,
        aum_total as aum_before
    from customer_month_facts
    where month_start = cast($month_start - to_months(cast($growth_months as integer)) as date)
),

snapshot as (
    select
        f.customer_id,
        f.tier,
        f.tier_rank,
        f.stage,
        f.aum_total,
        f.region,
        f.branch_id,
        f.rm_id,
        f.city,
        f.tier_alt,
        f.acquisition_channel,
        f.gender,
        f.age_band,
        f.risk_profile,
        f.warning_level,
        f.tags,
        f.products_held,
        f.txn_count,
        f.tenure_months,
        a.card_spend_avg,
        a.cross_border_avg,
        a.payroll_avg,
        b.aum_before
    from customer_month_facts as f
    left join activity as a on a.customer_id = f.customer_id
    left join aum_before as b on b.customer_id = f.customer_id
    where f.month_start = $month_start
),

-- the typical (median) activity of each tier across the book in scope, before the page filters
peers as (
    select
        tier_rank,
        median(card_spend_avg) as peer_card_spend,
        median(cross_border_avg) as peer_cross_border,
        median(payroll_avg) as peer_payroll
    from snapshot
    group by tier_rank
),

-- candidates: open customers below the top tier, each compared with the tier directly above
scored as (
    select
        f.*,
        $tier_mins[f.tier_rank - 1] as next_tier_min,
        f.aum_total / nullif(f.aum_before, 0) - 1 as aum_growth,
        coalesce(f.aum_before > 0 and f.aum_total >= f.aum_before * (1 + $aum_growth_min), false)
            as sig_aum_growth,
        coalesce(q.peer_card_spend > 0 and f.card_spend_avg >= $peer_share * q.peer_card_spend, false)
            as sig_card_spend,
        coalesce(q.peer_cross_border > 0 and f.cross_border_avg >= $peer_share * q.peer_cross_border, false)
            as sig_cross_border,
        coalesce(q.peer_payroll > 0 and f.payroll_avg >= $peer_share * q.peer_payroll, false) as sig_payroll
    from snapshot as f
    left join peers as q on q.tier_rank = f.tier_rank - 1
    where f.tier_rank > 1
        and f.stage <> 'churned'
        and ($f_region is null or list_contains($f_region, f.region))
        and ($f_branch is null or list_contains($f_branch, f.branch_id))
        and ($f_rm is null or list_contains($f_rm, f.rm_id))
        and ($f_city is null or list_contains($f_city, f.city))
        and ($f_tier is null or list_contains($f_tier, f.tier))
        and ($f_tier_alt is null or list_contains($f_tier_alt, f.tier_alt))
        and ($f_stage is null or list_contains($f_stage, f.stage))
        and ($f_acquisition_channel is null or list_contains($f_acquisition_channel, f.acquisition_channel))
        and ($f_gender is null or list_contains($f_gender, f.gender))
        and ($f_age_band is null or list_contains($f_age_band, f.age_band))
        and ($f_risk_profile is null or list_contains($f_risk_profile, f.risk_profile))
        and ($f_warning_level is null or list_contains($f_warning_level, f.warning_level))
),

flagged as (
    select
        *,
        cast(sig_aum_growth as integer) + cast(sig_card_spend as integer)
            + cast(sig_cross_border as integer) + cast(sig_payroll as integer) as signals,
        coalesce(aum_total >= $headroom_share * next_tier_min, false) as has_headroom
    from scored
),

flagged_potential as (
    select
        *,
        has_headroom and signals >= $min_signals as is_potential
    from flagged
),

