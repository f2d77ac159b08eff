-- Per campaign (and in total): customers reached and touches (control excluded), the reached customers who
-- converted, and the control group and its converters.  The same definitions as the metrics.yaml conversion
-- metrics campaign_conversion_rate and control_conversion_rate: a customer converts when any of their
-- conversions falls in [touch_ts, touch_ts + $window_days days] of one of their touches in the period; the
-- view's filters (customer attributes as of the touch's month, campaign and channel: `filtered_touch_facts`)
-- narrow the touches only.
-- Complete windows only: a touch is *measurable* when touch date + $window_days <= observed_until (the data's
-- last month-end, queries/marts/touch_facts.sql); the rates count measurable touches only (reached_measurable,
-- control_measurable and their converters), reached and touches count every touch of the period.
with

touches_in as (
    select customer_id, campaign_id, is_control, touch_ts, next_conversion_ts, observed_until
    from filtered_touch_facts
    where month between $start_month and $end_month
),

-- next_conversion_ts: the customer's first conversion at or after the touch (queries/marts/touch_facts.sql)
flagged as (
    select
        customer_id,
        campaign_id,
        is_control,
        cast(touch_ts as date) + cast($window_days as integer) <= observed_until as measurable,
        coalesce(next_conversion_ts <= touch_ts + to_days(cast($window_days as integer)), false) as converted
    from touches_in
),

final as (
    select
        campaign_id,
        grouping(campaign_id) = 1 as is_total,
        count(distinct customer_id) filter (where not is_control) as reached,
        count(*) filter (where not is_control) as touches,
        count(distinct customer_id) filter (where not is_control and measurable) as reached_measurable,
        count(distinct customer_id) filter (where not is_control and measurable and converted) as reached_converted,
        count(distinct customer_id) filter (where is_control) as control_customers,
        count(distinct customer_id) filter (where is_control and measurable) as control_measurable,
        count(distinct customer_id) filter (where is_control and measurable and converted) as control_converted
    from flagged
    group by grouping sets ((campaign_id), ())
)

select * from final
order by is_total, campaign_id
