-- The churn page's scored customers, included (`-- include: churn_page/scored`) by its action list: every open
-- customer at the latest month-end with its score and the attributes the page filters on, from the page's cached
-- scores (`filtered_churn_scores`: scoped like every customer-keyed table and narrowed by the view's filters),
-- narrowed by the risk levels ($levels) and the chosen signal ($signal). Ends with `scored`.
scored as (
    select
        customer_id,
        month,
        churn_probability,
        risk_level,
        warning_score,
        warning_level,
        aum_total,
        txn_trend,
        aum_trend,
        complaints_2m,
        closures_3m,
        inactive_months,
        logins_trend,
        txn_drop_flag,
        aum_drop_flag,
        complaints_flag,
        closures_flag,
        inactive_flag,
        logins_drop_flag,
        region,
        branch_id,
        rm_id,
        tier,
        acquisition_channel
    from filtered_churn_scores
    where ($levels is null or list_contains($levels, risk_level))
        and (
            $signal is null
            or case $signal
                when 'txn_drop' then txn_drop_flag
                when 'aum_drop' then aum_drop_flag
                when 'complaints' then complaints_flag
                when 'closures' then closures_flag
                when 'inactive' then inactive_flag
                when 'logins_drop' then logins_drop_flag
                else false
            end
        )
),
