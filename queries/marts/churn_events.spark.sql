-- Spark variant of churn_events.sql (docs/spark.md, "One source of truth"): Spark SQL has no ASOF join, so on Spark
-- the CTE below replaces the CTE of the same name in churn_events.sql; every other CTE is churn_events.sql's own,
-- transpiled. Written in DuckDB's dialect like every query file and transpiled the same way; the final select only
-- makes the file a statement. tests/test_spark_variants.py runs churn_events.sql with this CTE on DuckDB and checks
-- that the mart is unchanged, and tests/test_spark_build.py compares the two engines' marts row for row.
--
-- The customer's last row before the event month: a range join within the customer (event_rows holds only the
-- customers with an event, and an event has one row per customer and month), keeping the latest earlier row.
with

with_prior as (
    select
        e.customer_id,
        e.month,
        e.reason,
        e.has_row,
        p.month as prior_month,
        p.is_soft_churn as prior_soft_churn
    from events as e
    left join event_rows as p on p.customer_id = e.customer_id and e.month > p.month
    qualify row_number() over (partition by e.customer_id, e.month order by p.month desc nulls last) = 1
)

select * from with_prior
