-- The branches a restricted viewer may see, with the RM restriction (null: none), for tables keyed by branch and
-- RM rather than by customer (the rollups).  The same rule as scope_customers.sql: a customer is visible when their
-- branch is listed here and their RM passes `rms`, so a rollup row is visible exactly when its customers are.
create or replace temp table scope_units as
select
    b.branch_id,
    cast($scope_rms as varchar[]) as rms
from memory.main.branches as b
where ($scope_regions is null or list_contains($scope_regions, b.region))
  and ($scope_branches is null or list_contains($scope_branches, b.branch_id))
