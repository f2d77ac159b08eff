-- The built credit rows (`credit_frame`, registered by clientscope/campaigns/serving.py) with the customer's
-- attributes as of the conversion's month, the columns the view's filters name (metrics.yaml dimension columns):
-- a customer filter keeps a conversion's rows, a campaign / channel filter keeps the selected touches' rows.
-- Sorted by month, so a period reads only its row groups.
with

attributes as (
    select
        conversion_id,
        region,
        branch_id,
        rm_id,
        acquisition_channel,
        gender,
        age_band,
        tier,
        tier_alt,
        stage,
        warning_level
    from conversion_facts
),

final as (
    select c.*, a.* exclude (conversion_id)
    from credit_frame as c
    left join attributes as a on a.conversion_id = c.conversion_id
)

select * from final
order by month, conversion_id, touch_id
