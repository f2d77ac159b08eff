-- Every attribution model's credit by touch channel and campaign over the view's conversions: the sum of the
-- credits (attributed conversions) and of credit × conversion value (attributed revenue).  Reads the credit rows
-- (clientscope/campaigns/credits.py): a campaign / channel filter keeps the selected touches' credit only.
with

credits_in as (
    select channel, campaign_id, value, first_touch, last_touch, linear, time_decay, position_based, markov
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
        channel,
        campaign_id as campaign,
        sum(credit) as attributed_conversions,
        sum(credit * coalesce(value, 0)) as attributed_revenue
    from long
    where credit <> 0
    group by model, channel, campaign_id
)

select * from final
order by model, channel, campaign
