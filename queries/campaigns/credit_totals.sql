-- The view's conversions: how many, their value, how many had no touch in their look-back window (unattributed),
-- and how many earned credit from the selected touches (every touch in a window has linear credit).  Under a
-- campaign / channel selection only the selected touches' rows remain, so the conversions are those the
-- selection touched in their window.  Values are summed as exact money.
with

rows_in as (
    select conversion_id, value, n_touches, linear
    from filtered_campaign_credits
    where month between $start_month and $end_month
),

per_conversion as (
    select
        conversion_id,
        cast(any_value(value) as decimal(18, 2)) as value,
        max(n_touches) as n_touches,
        bool_or(coalesce(linear, 0) <> 0) as credited
    from rows_in
    group by conversion_id
),

final as (
    select
        count(*) as conversions,
        coalesce(sum(value), 0) as revenue,
        count(*) filter (where n_touches = 0) as unattributed,
        coalesce(sum(value) filter (where n_touches = 0), 0) as unattributed_revenue,
        count(*) filter (where credited) as credited
    from per_conversion
)

select * from final
