-- Foreign-key values with no matching row in the referenced table; an empty (NULL) reference is not an orphan.
with child as (
    select value
    from validation_fk_child
    where value is not null
),

orphans as (
    select child.value
    from child
    anti join validation_fk_parent as parent on child.value = parent.value
),

final as (
    select
        count(*) as orphan_rows,
        count(distinct value) as orphan_values,
        min(value) as example
    from orphans
)

select * from final
