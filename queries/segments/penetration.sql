-- Product penetration at one month-end ($month_start): per tier and product type, the customers holding the
-- product at the month-end (marts/segment_penetration.sql), in the cells the view's filters keep. The page divides
-- by the tier's customers (a metric of the semantic layer).
with

final as (
    select
        tier,
        product_type,
        cast(sum(holders) as bigint) as holders
    from filtered_segment_penetration
    where month_start = $month_start
    group by tier, product_type
)

select * from final
order by tier, product_type
