-- The stage-flow states, included (`-- include: lifecycle/flow_states`) by lifecycle/flow (the Sankey) and
-- lifecycle/flow_customers (a link's customers). For month A ($month_a) and month B ($month_b):
--   at A: the stage of the customer's row at A; 'not_yet' when the first row comes after A (acquired between
--         A and B); 'gap' when there are rows before and after A but none at A; customers whose rows all
--         end before A (gone before A) are left out.
--   at B: the stage of the row at B, 'reactivated' when dormant at A and active or growing at B; 'gap' when
--         there is no row at B but a later one; 'churned' when the rows end before B (the relationship ended).
-- Month-varying filters (tier, tier_alt, age_band) apply to the row at A, else the first row after A.
-- Reads the per-customer lists of the customer_lifecycle mart, not the customer-month rows. Ends with `states`.
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

per_customer as (
    select
        customer_id,
        a_idx,
        b_idx,
        region,
        branch_id,
        rm_id,
        city,
        acquisition_channel,
        gender,
        risk_profile,
        row_tier[from_a] as ref_tier,
        row_tier_alt[from_a] as ref_tier_alt,
        row_age_band[from_a] as ref_age_band,
        row_stage[at_a] as stage_a,
        row_stage[at_b] as stage_b,
        row_aum[at_a] as aum_a,
        row_aum[at_b] as aum_b,
        first_idx,
        last_idx
    from located
),

states as (
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
      and ($f_region is null or list_contains($f_region, p.region))
      and ($f_branch is null or list_contains($f_branch, p.branch_id))
      and ($f_rm is null or list_contains($f_rm, p.rm_id))
      and ($f_channel is null or list_contains($f_channel, p.acquisition_channel))
      and ($f_gender is null or list_contains($f_gender, p.gender))
      and ($f_city is null or list_contains($f_city, p.city))
      and ($f_risk_profile is null or list_contains($f_risk_profile, p.risk_profile))
      and ($f_tier is null or list_contains($f_tier, p.ref_tier))
      and ($f_tier_alt is null or list_contains($f_tier_alt, p.ref_tier_alt))
      and ($f_age_band is null or list_contains($f_age_band, p.ref_age_band))
),
