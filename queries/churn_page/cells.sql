-- The churn page's cells (`-- include: churn_page/cells`): the serving-layer aggregate of the scores
-- (`filtered_churn_score_cells`, see score_cells.sql) at the risk levels $levels (null: every level) with the
-- chosen signal firing ($signal_bit: its bit in signal_mask; null: any). Ends with `cells`.
cells as (
    select *
    from filtered_churn_score_cells
    where ($levels is null or list_contains($levels, risk_level))
        and ($signal_bit is null or (signal_mask & $signal_bit) <> 0)
),
