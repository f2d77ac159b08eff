-- Amounts (validation_amounts: id, value; one money column of one table) that the marts cannot hold to the cent
-- as DECIMAL(18,2) (docs/metrics.md, "Money"): not a number, infinite, or $amount_limit or more in absolute value.
with unusable as (
    select
        id,
        cast(value as double) as amount
    from validation_amounts
    where not isfinite(cast(value as double)) or abs(cast(value as double)) >= $amount_limit
),

final as (
    select
        count(*) as bad_rows,
        min(id) as example_id,
        arg_min(amount, id) as example_amount
    from unusable
)

select * from final
