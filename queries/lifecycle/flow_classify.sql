-- The stage-flow states of each customer of `located` (rows of the customer_lifecycle mart with the month indexes
-- a_idx, b_idx of months A and B and the list positions at_a, at_b and from_a), included
-- (`-- include: lifecycle/flow_classify`) by lifecycle/flow_states (the detail, one month pair) and by
-- marts/lifecycle_flow_pairs (the serving aggregate, every month pair) so that both decide the states the same
-- way; it ends with `classified`.
--   at A: the stage of the customer's row at A; 'not_yet' when the first row comes after A (acquired between
--         A and B); 'gap' when there are rows before and after A but none at A; customers whose rows all
--         end before A (gone before A) are left out (by `located`).
--   at B: the stage of the row at B, 'reactivated' when dormant at A and active or growing at B; 'gap' when
--         there is no row at B but a later one; 'churned' when the rows end before B (the relationship ended).
-- ref_idx / ref_tier: the row at A, else the first row after A (what month-varying filters apply to).
per_customer as (
    select
        customer_id,
        a_idx,
        b_idx,
        region,
        branch_id,
        rm_id,
        acquisition_channel,
        row_idx[from_a] as ref_idx,
        row_tier[from_a] as ref_tier,
        row_stage[at_a] as stage_a,
        row_stage[at_b] as stage_b,
        row_aum[at_a] as aum_a,
        row_aum[at_b] as aum_b,
        first_idx,
        last_idx
    from located
),

classified as (
    select
        p.*,
        case
            when p.stage_a is not null then p.stage_a
            when p.first_idx > p.a_idx then 'not_yet'
            when p.last_idx > p.a_idx then 'gap'
        end as from_state,
        case
            when p.stage_b is not null and p.stage_a = 'dormant' and p.stage_b in ('active', 'growing')
                then 'reactivated'
            when p.stage_b is not null then p.stage_b
            when p.last_idx > p.b_idx then 'gap'
            else 'churned'
        end as to_state
    from per_customer as p
    where p.first_idx <= p.b_idx
),
