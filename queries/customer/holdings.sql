-- One customer's products: every holding with its open and close dates (held = not closed).
with

final as (
    select
        holding_id,
        product_type,
        open_date,
        close_date,
        close_date is null as is_held
    from holdings
    where customer_id = $customer_id
)

select * from final
order by open_date, product_type, holding_id
