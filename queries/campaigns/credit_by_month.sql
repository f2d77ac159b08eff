-- Every attribution model's credit by conversion month and campaign (the trend chart and sheet); the same rows
-- as credit_by_model.sql.
with

credits_in as (
    select month, campaign_id, value, first_touch, last_touch, linear, time_decay, position_based, markov
    from filtered_campaign_credits
    where month between $start_month and $end_month
        and n_touches > 0
),

long as (
    unpivot credits_in
    on first_touch, last_touch, linear, time_decay, position_based, markov
    into name model value credit
),

final as (
    select
        model,
        month,
        campaign_id,
        sum(credit) as attributed_conversions,
        sum(credit * coalesce(value, 0)) as attributed_revenue
    from long
    where credit <> 0
    group by model, month, campaign_id
)

select * from final
order by model, month, campaign_id
