-- lifecycle_flow_pairs: the serving aggregate of the /lifecycle stage flow (clientscope/lifecycle/serving.py).
-- For every pair of data months A <= B (month_a_idx, month_b_idx = year * 12 + month): customers and their AUM at
-- A and B per (from_state, to_state) × the filter bar's dimensions (region, branch, RM, acquisition channel, and
-- `tier` = the tier of the row at A, else of the first row after A, as lifecycle/flow_states applies it).  The
-- states are lifecycle/flow_classify's, included below.  Other filters (city, gender, risk profile, tier_alt,
-- age band) are not in this grain: with one of them the page reads the detail (lifecycle/flow).  Why pairs at this
-- grain and not at every filter's: docs/lifecycle.md, "Serving layer".
with

months as (
    select distinct month_idx
    from customer_month_facts
),

pairs as (
    select
        a.month_idx as a_idx,
        b.month_idx as b_idx
    from months as a
    inner join months as b on a.month_idx <= b.month_idx
),

located as (
    select
        c.*,
        p.a_idx,
        p.b_idx,
        list_position(c.row_idx, p.a_idx) as at_a,
        list_position(c.row_idx, p.b_idx) as at_b,
        list_position(list_transform(c.row_idx, lambda idx: idx >= p.a_idx), true) as from_a
    from customer_lifecycle as c
    inner join pairs as p on c.first_idx <= p.b_idx and c.last_idx >= p.a_idx
    -- built in $parts parts by customer (clientscope.marts.customer_parts): a part's pairs are its customers'
    where hash(c.customer_id) % $parts = $part
),

-- include: lifecycle/flow_classify

final as (
    select
        a_idx as month_a_idx,
        b_idx as month_b_idx,
        from_state,
        to_state,
        region,
        branch_id,
        rm_id,
        acquisition_channel,
        ref_tier as tier,
        count(*) as customers,
        -- DECIMAL(18,2) like every mart's money (a cell's sum is far below its 10^16 limit)
        cast(sum(aum_a) as decimal(18, 2)) as aum_a,
        cast(sum(aum_b) as decimal(18, 2)) as aum_b
    from classified
    where from_state is not null
    group by all
)

select * from final
