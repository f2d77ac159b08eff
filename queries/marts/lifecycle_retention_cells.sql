-- lifecycle_retention_cells: the serving aggregate of the /lifecycle cohort-retention heatmap
-- (clientscope/lifecycle/serving.py).  Per opening month × every filter the page applies to a cohort (entry tier,
-- tier_alt and age band, in columns named like the metrics.yaml dimensions) × month offset k (calendar months since
-- the opening month): `active` = customers active in month k (txn_count > 0, not churned: the mart's
-- active_offsets), `aum` = the AUM at month k of the customers on the books (not churned) in it (book_aum, missing
-- AUM as 0).  Active months are months on the books, so one pass over the book months counts both.
-- The cohort sizes come from lifecycle_cohort_cells.
with

book as (
    select
        date_trunc('month', open_date)::date as open_month,
        region,
        branch_id,
        rm_id,
        city,
        acquisition_channel,
        gender,
        risk_profile,
        tier,
        tier_alt,
        age_band,
        active_offsets,
        unnest(book_offsets) as month_offset,
        unnest(book_aum) as aum
    from customer_lifecycle
),

final as (
    select
        open_month,
        region,
        branch_id,
        rm_id,
        city,
        acquisition_channel,
        gender,
        risk_profile,
        tier,
        tier_alt,
        age_band,
        month_offset,
        count(*) filter (where coalesce(list_contains(active_offsets, month_offset), false)) as active,
        -- DECIMAL(18,2) like every mart's money (a cell's sum is far below its 10^16 limit)
        cast(sum(aum) as decimal(18, 2)) as aum
    from book
    group by all
)

select * from final
