-- The customers a restricted viewer may see; null parameters mean "no restriction".
create or replace temp table scope_customers as
select c.customer_id
from memory.main.customers as c
inner join memory.main.branches as b on b.branch_id = c.branch_id
where ($scope_regions is null or list_contains($scope_regions, b.region))
  and ($scope_branches is null or list_contains($scope_branches, c.branch_id))
  and ($scope_rms is null or list_contains($scope_rms, c.rm_id))
