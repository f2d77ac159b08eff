-- The most frequent channel sequences of the view's journeys: journeys, converting journeys and their rate.
-- Built journeys (clientscope/campaigns/credits.py): $journey_set 'default' holds those of the page's default
-- period, 'all' those of every touch and conversion, placed in the month of their conversion or last touch.
-- The customer filters keep a journey by its customer's attributes at that point; a campaign / channel selection
-- does not narrow it (the table has no touch columns: the page says so).
with

journeys_in as (
    select path, converted
    from filtered_campaign_journeys
    where journey_set = $journey_set
        and (journey_set = 'default' or month between $start_month and $end_month)
),

final as (
    select
        path,
        cast(count(*) as bigint) as journeys,
        cast(count(*) filter (where converted) as bigint) as conversions,
        count(*) filter (where converted) / count(*) as conversion_rate
    from journeys_in
    group by path
)

select * from final
order by journeys desc, conversions desc, path
limit $limit
