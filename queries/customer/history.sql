-- One customer's months on the books: tier, balances and their parts, activity, stage and risk score.
with

final as (
    select
        month,
        tier,
        tier_rank,
        stage,
        aum_total,
        deposits,
        wealth,
        insurance,
        loan_balance,
        card_spend,
        txn_count,
        txn_amount,
        digital_logins,
        products_held,
        complaints,
        warning_score,
        warning_level
    from customer_month_facts
    where customer_id = $customer_id
)

select * from final
order by month
