-- segment_penetration: per month-end, cell of the filter bar's dimensions and product type, the customers holding
-- that product at the month-end (a holding opened on or before it and not closed by it). A customer is in one
-- cell per month and counted once per product type, so holders add up across cells.  Built in $parts parts by
-- customer (clientscope.marts.customer_parts): the distinct over every customer-month × holding does not fit the
-- build's memory at a million customers; a part's cells hold its customers, so holders still add up.
with

held as (
    select distinct
        f.month,
        f.month_start,
        f.customer_id,
        f.region,
        f.branch_id,
        f.rm_id,
        f.city,
        f.tier,
        f.tier_alt,
        f.stage,
        f.acquisition_channel,
        f.gender,
        f.age_band,
        f.risk_profile,
        f.warning_level,
        h.product_type
    from customer_month_facts as f
    inner join holdings as h on h.customer_id = f.customer_id
    where h.open_date <= last_day(f.month_start)
        and (h.close_date is null or h.close_date > last_day(f.month_start))
        and hash(f.customer_id) % $parts = $part
),

final as (
    select
        month,
        month_start,
        region,
        branch_id,
        rm_id,
        city,
        tier,
        tier_alt,
        stage,
        acquisition_channel,
        gender,
        age_band,
        risk_profile,
        warning_level,
        product_type,
        count(*) as holders
    from held
    group by all
)

select * from final
