-- How many of the selected customers (filters, risk levels, signal) have each early-warning signal firing
-- at the scoring month: one row, one column per signal plus the customer count.
with

-- include: churn_page/scored

final as (
    select
        count(*) as customers,
        count(*) filter (where txn_drop_flag) as txn_drop,
        count(*) filter (where aum_drop_flag) as aum_drop,
        count(*) filter (where complaints_flag) as complaints,
        count(*) filter (where closures_flag) as closures,
        count(*) filter (where inactive_flag) as inactive,
        count(*) filter (where logins_drop_flag) as logins_drop
    from scored
)

select * from final
