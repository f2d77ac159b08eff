-- Region → branch → RM options for the cascading filters (RMs without customers still listed).
select
    b.region,
    b.branch_id,
    b.branch_name,
    r.rm_id,
    r.rm_name
from branches as b
left join relationship_managers as r on r.branch_id = b.branch_id
order by b.region, b.branch_id, r.rm_id
