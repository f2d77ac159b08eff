-- The stage-flow states of one month pair from the detail rows, included (`-- include: lifecycle/flow_states`) by
-- lifecycle/flow (the Sankey, when a filter is outside the serving aggregate's grain) and lifecycle/flow_customers
-- (a link's customers).  Month A = $month_a, month B = $month_b; the states are lifecycle/flow_classify's.
-- The view's filters apply to the row at A, else the first row after A (filtered_customer_month_facts, so
-- month-varying dimensions such as tier take that row's value).  Ends with `states`.
bounds as (
    select
        year($month_a) * 12 + month($month_a) as a_idx,
        year($month_b) * 12 + month($month_b) as b_idx
),

-- a customer's rows are lists in the customer_lifecycle mart (month_idx ascending): the row at A or B is found by
-- position, and "the row at A, else the first one after A" is the first position whose month_idx >= A
located as (
    select
        c.*,
        b.a_idx,
        b.b_idx,
        list_position(c.row_idx, b.a_idx) as at_a,
        list_position(c.row_idx, b.b_idx) as at_b,
        list_position(list_transform(c.row_idx, lambda idx: idx >= b.a_idx), true) as from_a
    from customer_lifecycle as c
    cross join bounds as b
    where c.first_idx <= b.b_idx and c.last_idx >= b.a_idx
),

-- include: lifecycle/flow_classify

states as (
    select c.*
    from classified as c
    where exists (
        select 1
        from filtered_customer_month_facts as f
        where f.customer_id = c.customer_id and f.month_idx = c.ref_idx
    )
),
