create or replace temp view lifecycle_retention_cells as
select r.*
from memory.main.lifecycle_retention_cells as r
inner join scope_units as u on u.branch_id = r.branch_id
where u.rms is null or list_contains(u.rms, r.rm_id)
