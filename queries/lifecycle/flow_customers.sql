-- lifecycle/flow_customers: the customers behind one link of the stage-flow Sankey ($from_state → $to_state,
-- month A = $month_a, month B = $month_b), one row each, for the drill list (lifecycle/flow aggregates them).
-- The states (where each customer is at A and at B) are lifecycle/flow_states.sql, included below.
with

-- include: lifecycle/flow_states

final as (
    select
        s.customer_id,
        c.open_date,
        s.region,
        s.branch_id,
        b.branch_name,
        s.rm_id,
        r.rm_name,
        s.acquisition_channel,
        s.from_state,
        s.to_state,
        s.aum_a,
        s.aum_b
    from states as s
    inner join customers as c on c.customer_id = s.customer_id
    left join branches as b on b.branch_id = s.branch_id
    left join relationship_managers as r on r.rm_id = s.rm_id
    where s.from_state = $from_state
      and s.to_state = $to_state
)

select * from final
order by aum_b desc nulls last, customer_id
