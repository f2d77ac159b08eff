-- Conversions of the period for a recomputed attribution (a look-back or half-life other than the built one):
-- the customer filters apply as of the conversion's month (run with the view's customer filters only).
with

final as (
    select conversion_id, customer_id, conversion_ts, value, month
    from filtered_conversion_facts
    where month between $start_month and $end_month
)

select * from final
