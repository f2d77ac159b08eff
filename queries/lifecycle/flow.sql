-- lifecycle/flow: where the customers in each stage at month A ($month_a) are at month B ($month_b), for the
-- stage-flow Sankey, from the detail rows.  One row per (from_state, to_state) with customers and their AUM at A
-- and B.  The page reads the serving aggregate (lifecycle/flow_served) unless a filter is outside its grain.
-- The states (where each customer is at A and at B) are lifecycle/flow_states.sql, included below.
with

-- include: lifecycle/flow_states

final as (
    select
        from_state,
        to_state,
        count(*) as customers,
        coalesce(sum(aum_a), 0) as aum_a,
        coalesce(sum(aum_b), 0) as aum_b
    from states
    where from_state is not null
    group by from_state, to_state
)

select * from final
order by from_state, to_state
