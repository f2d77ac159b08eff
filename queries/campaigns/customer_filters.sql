-- The page filters on the customer's attributes as of the event's month, as `and` conditions over the columns
-- touch_facts and conversion_facts share; included (`-- include: campaigns/customer_filters`) after a condition.
        and ($f_region is null or list_contains($f_region, region))
        and ($f_branch is null or list_contains($f_branch, branch_id))
        and ($f_rm is null or list_contains($f_rm, rm_id))
        and ($f_tier is null or list_contains($f_tier, tier))
        and ($f_tier_alt is null or list_contains($f_tier_alt, tier_alt))
        and ($f_stage is null or list_contains($f_stage, stage))
        and ($f_acquisition_channel is null or list_contains($f_acquisition_channel, acquisition_channel))
        and ($f_gender is null or list_contains($f_gender, gender))
        and ($f_age_band is null or list_contains($f_age_band, age_band))
        and ($f_warning_level is null or list_contains($f_warning_level, warning_level))
