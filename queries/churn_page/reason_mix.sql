-- How many of the selected customers (filters, risk levels, signal) have each early-warning signal firing
-- at the scoring month: one row, one column per signal plus the customer count (bits of signal_mask, in the
-- order of clientscope.churn.view.SIGNALS).
with

-- include: churn_page/cells

final as (
    select
        coalesce(sum(customers), 0) as customers,
        coalesce(sum(customers) filter (where (signal_mask & 1) <> 0), 0) as txn_drop,
        coalesce(sum(customers) filter (where (signal_mask & 2) <> 0), 0) as aum_drop,
        coalesce(sum(customers) filter (where (signal_mask & 4) <> 0), 0) as complaints,
        coalesce(sum(customers) filter (where (signal_mask & 8) <> 0), 0) as closures,
        coalesce(sum(customers) filter (where (signal_mask & 16) <> 0), 0) as inactive,
        coalesce(sum(customers) filter (where (signal_mask & 32) <> 0), 0) as logins_drop
    from cells
)

select * from final
