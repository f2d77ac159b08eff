-- Customers and AUM by marketing tag and tier at one month-end ($month_start), in the cells the view's filters keep
-- (marts/segment_tag_mix.sql). Tags are a list per customer: a customer with two tags counts under both, a
-- customer without tags under $no_tag, so the tag totals can exceed the customer count.
-- Included by segments/tag_mix.sql (every filter) and segments/tag_mix_core.sql (filters on the filter bar's own
-- dimensions only), after a `cells` CTE that reads the serving layer.

final as (
    select
        coalesce(tag, $no_tag) as tag,
        tier,
        cast(sum(customers) as bigint) as customers,
        sum(aum_total) as aum_total
    from cells
    where month_start = $month_start
    group by all
)
