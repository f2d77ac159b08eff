-- Product penetration at one month-end ($month_start): per tier and product type, the customers holding the
-- product at the month-end (marts/segment_penetration.sql), in the cells the view's filters keep. The page divides
-- by the tier's customers (a metric of the semantic layer).
-- Included by segments/penetration.sql (every filter) and segments/penetration_core.sql (filters on the filter bar's own
-- dimensions only), after a `cells` CTE that reads the serving layer.

final as (
    select
        tier,
        product_type,
        cast(sum(holders) as bigint) as holders
    from cells
    where month_start = $month_start
    group by tier, product_type
)
