-- The built journeys (`journey_frame`, registered by clientscope/campaigns/serving.py) placed in a month and a
-- customer filter cell: a converting journey by its conversion (month and attributes as of it), a non-converting
-- one by its last touch.  `journey_set` is 'default' for the journeys of the page's default view and 'all' for
-- those of every touch and conversion of the data (any other period).
with

conversion_cells as (
    select
        conversion_id,
        month,
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

touch_cells as (
    select
        touch_id,
        month,
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
    from touch_facts
),

final as (
    select
        j.journey_set,
        coalesce(v.month, t.month) as month,
        j.customer_id,
        j.path,
        j.converted,
        coalesce(v.region, t.region) as region,
        coalesce(v.branch_id, t.branch_id) as branch_id,
        coalesce(v.rm_id, t.rm_id) as rm_id,
        coalesce(v.acquisition_channel, t.acquisition_channel) as acquisition_channel,
        coalesce(v.gender, t.gender) as gender,
        coalesce(v.age_band, t.age_band) as age_band,
        coalesce(v.tier, t.tier) as tier,
        coalesce(v.tier_alt, t.tier_alt) as tier_alt,
        coalesce(v.stage, t.stage) as stage,
        coalesce(v.warning_level, t.warning_level) as warning_level
    from journey_frame as j
    left join conversion_cells as v on j.converted and v.conversion_id = j.conversion_id
    left join touch_cells as t on not j.converted and t.touch_id = j.last_touch_id
)

select * from final
order by all  -- journey_set, then month first: the page prunes row groups by them
