-- segment_tag_mix: customers and AUM per month-end, cell of the filter bar's dimensions and marketing tag. Tags are
-- a list per customer: a customer counts once under each of their tags, and a customer without tags under a null
-- tag (the page names it). Customer counts add up across cells of one tag.  Built in $parts parts by customer
-- (clientscope.marts.customer_parts): grouping every customer-month by the cell ran out of the build's memory at
-- a million customers on Spark-written marts; a part's cells hold its customers, so counts still add up.
with

tagged as (
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
        aum_total,
        unnest(case when tags is null or len(tags) = 0 then [null] else list_distinct(tags) end) as tag
    from customer_month_facts
    where hash(customer_id) % $parts = $part
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
        tag,
        count(*) as customers,
        cast(sum(aum_total) as decimal(18, 2)) as aum_total
    from tagged
    group by all
)

select * from final
