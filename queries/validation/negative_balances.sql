-- Balances below zero, one row per balance column that has any: how many rows and the most negative example.
with candidates as (
    select
        customer_id,
        month,
        cast(aum_total as double) as aum_total,
        cast(deposits as double) as deposits,
        cast(wealth as double) as wealth,
        cast(insurance as double) as insurance,
        cast(loan_balance as double) as loan_balance
    from customer_months
    where aum_total < 0 or deposits < 0 or wealth < 0 or insurance < 0 or loan_balance < 0
),

balances as (
    unpivot candidates
    on aum_total, deposits, wealth, insurance, loan_balance
    into name column_name value amount
),

ranked as (
    select
        column_name,
        customer_id,
        month,
        amount,
        count(*) over (partition by column_name) as negative_rows,
        row_number() over (partition by column_name order by amount, customer_id, month) as example_rank
    from balances
    where amount < 0
),

final as (
    select
        column_name,
        negative_rows,
        customer_id,
        month,
        amount
    from ranked
    where example_rank = 1
)

select * from final
order by column_name
