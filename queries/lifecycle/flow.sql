-- lifecycle/flow: where the customers in each stage at month A ($month_a) are at month B ($month_b), for the
-- stage-flow Sankey.  One row per (from_state, to_state) with customers and their AUM at A and B.
-- States (the same CTE as lifecycle/flow_customers; a test checks both agree):
--   at A: the stage of the customer's row at A; 'not_yet' when the first row comes after A (acquired between
--         A and B); 'gap' when there are rows before and after A but none at A; customers whose rows all
--         end before A (gone before A) are left out.
--   at B: the stage of the row at B, 'reactivated' when dormant at A and active or growing at B; 'gap' when
--         there is no row at B but a later one; 'churned' when the rows end before B (the relationship ended).
-- Month-varying filters (tier, tier_alt, age_band) apply to the row at A, else the first row after A.
with

bounds as (
    select
        year($month_a) * 12 + month($month_a) as a_idx,
        year($month_b) * 12 + month($month_b) as b_idx
),

facts as (
    select
        f.customer_id,
        f.month_idx,
        f.stage,
        f.aum_total,
        f.region,
        f.branch_id,
        f.rm_id,
        f.city,
        f.acquisition_channel,
        f.gender,
        f.risk_profile,
        f.tier,
        f.tier_alt,
        f.age_band,
        b.a_idx,
        b.b_idx
    from customer_month_facts as f
    cross join bounds as b
),

per_customer as (
    select
        customer_id,
        any_value(a_idx) as a_idx,
        any_value(b_idx) as b_idx,
        any_value(region) as region,
        any_value(branch_id) as branch_id,
        any_value(rm_id) as rm_id,
        any_value(city) as city,
        any_value(acquisition_channel) as acquisition_channel,
        any_value(gender) as gender,
        any_value(risk_profile) as risk_profile,
        arg_min(tier, month_idx) filter (where month_idx >= a_idx) as ref_tier,
        arg_min(tier_alt, month_idx) filter (where month_idx >= a_idx) as ref_tier_alt,
        arg_min(age_band, month_idx) filter (where month_idx >= a_idx) as ref_age_band,
        any_value(stage) filter (where month_idx = a_idx) as stage_a,
        any_value(stage) filter (where month_idx = b_idx) as stage_b,
        sum(aum_total) filter (where month_idx = a_idx) as aum_a,
        sum(aum_total) filter (where month_idx = b_idx) as aum_b,
        min(month_idx) as first_idx,
        max(month_idx) as last_idx
    from facts
    group by customer_id
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
