-- lifecycle/flow_served: the stage-flow Sankey for months A ($a_idx) and B ($b_idx, month indexes year * 12 +
-- month) from the serving aggregate marts/lifecycle_flow_pairs: one row per (from_state, to_state) with customers
-- and their AUM at A and B, as lifecycle/flow computes them from the detail rows.  The view's filters apply
-- through filtered_lifecycle_flow_pairs (its tier is the tier at A, else at the first row after A).
with

pairs as (
    select *
    from filtered_lifecycle_flow_pairs
    where month_a_idx = $a_idx and month_b_idx = $b_idx
),

final as (
    select
        from_state,
        to_state,
        sum(customers)::bigint as customers,
        coalesce(sum(aum_a), 0) as aum_a,
        coalesce(sum(aum_b), 0) as aum_b
    from pairs
    group by from_state, to_state
)

select * from final
order by from_state, to_state
