create or replace temp view rollup_customer_month as
select r.*
from memory.main.rollup_customer_month as r
inner join scope_units as u on u.branch_id = r.branch_id
where u.rms is null or list_contains(u.rms, r.rm_id)
