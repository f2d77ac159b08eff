create or replace temp view segment_tag_mix_core as
select r.*
from memory.main.segment_tag_mix_core as r
inner join scope_units as u on u.branch_id = r.branch_id
where u.rms is null or list_contains(u.rms, r.rm_id)
