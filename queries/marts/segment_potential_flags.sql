-- segment_potential_flags: every candidate for the "potential" rule at every month-end, with its signals and
-- `is_potential` (the serving layer of the segments page: its summary sums these rows by cell, its customer list
-- pages through them). The rule (clientscope.segments.potential.PotentialRule; thresholds from metrics.yaml
-- rules.potential as $potential_* parameters, tier floors as $tier_mins, highest tier first):
-- an open customer below the top tier at a month-end is potential when
--   1. headroom: AUM >= $potential_headroom_share x the floor of the tier above, and
--   2. at least $potential_min_signals of these signals fire (a signal without data never fires):
--      - AUM growth: AUM >= (1 + $potential_aum_growth_min) x the AUM $potential_growth_months months before;
--      - card spend, cross-border spend, payroll inflow: the average of the customer's rows in the last
--        $potential_lookback_months months >= $potential_peer_share x the median of the tier above.
-- The peer medians are over the whole bank at that month-end, so a customer's flag is the same for every viewer.
with

-- averages over the lookback window and the AUM growth_months before, over month_idx (RANGE frames: a gap in a
-- customer's months never shifts the window)
history as (
    select
        *,
        avg(coalesce(card_spend, 0)) over recent as card_spend_avg,
        avg(cross_border_spend) over recent as cross_border_avg,
        avg(payroll_inflow) over recent as payroll_avg,
        max(aum_total) over earlier as aum_before
    from customer_month_facts
    window
        recent as (
            partition by customer_id order by month_idx
            range between $potential_lookback_months - 1 preceding and current row
        ),
        earlier as (
            partition by customer_id order by month_idx
            range between $potential_growth_months preceding and $potential_growth_months preceding
        )
),

-- the typical (median) activity of each tier at each month-end, over the whole book
peers as (
    select
        month_idx,
        tier_rank,
        median(card_spend_avg) as peer_card_spend,
        median(cross_border_avg) as peer_cross_border,
        median(payroll_avg) as peer_payroll
    from history
    group by month_idx, tier_rank
),

-- candidates: open customers below the top tier, each compared with the tier directly above
scored as (
    select
        f.*,
        $tier_mins[f.tier_rank - 1] as next_tier_min,
        f.aum_total / nullif(f.aum_before, 0) - 1 as aum_growth,
        coalesce(f.aum_before > 0 and f.aum_total >= f.aum_before * (1 + $potential_aum_growth_min), false)
            as sig_aum_growth,
        coalesce(q.peer_card_spend > 0 and f.card_spend_avg >= $potential_peer_share * q.peer_card_spend, false)
            as sig_card_spend,
        coalesce(
            q.peer_cross_border > 0 and f.cross_border_avg >= $potential_peer_share * q.peer_cross_border, false
        ) as sig_cross_border,
        coalesce(q.peer_payroll > 0 and f.payroll_avg >= $potential_peer_share * q.peer_payroll, false)
            as sig_payroll
    from history as f
    left join peers as q on q.month_idx = f.month_idx and q.tier_rank = f.tier_rank - 1
    where f.tier_rank > 1
        and f.stage <> 'churned'
),

flagged as (
    select
        *,
        cast(sig_aum_growth as integer) + cast(sig_card_spend as integer)
            + cast(sig_cross_border as integer) + cast(sig_payroll as integer) as signals,
        coalesce(aum_total >= $potential_headroom_share * next_tier_min, false) as has_headroom
    from scored
),

final as (
    select
        customer_id,
        month,
        month_start,
        region,
        branch_id,
        rm_id,
        city,
        tier,
        tier_rank,
        tier_alt,
        stage,
        acquisition_channel,
        gender,
        age_band,
        risk_profile,
        warning_level,
        tags,
        aum_total,
        next_tier_min,
        aum_growth,
        card_spend_avg,
        cross_border_avg,
        payroll_avg,
        sig_aum_growth,
        sig_card_spend,
        sig_cross_border,
        sig_payroll,
        signals,
        has_headroom and signals >= $potential_min_signals as is_potential,
        products_held,
        txn_count,
        tenure_months
    from flagged
)

select * from final
