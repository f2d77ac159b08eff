-- The history windows behind the warning score (预警分): select-list lines, included (`-- include:
-- churn/warning_window_columns`) last in a select over `months_in` rows whose `window` clause ends with
-- churn/warning_window_frames. churn/warning_scoring.sql turns them into the six signals, the score and its level.
-- The including select may add windows of its own over the same partition and order: DuckDB sorts once for all
-- of them (the customer-month mart computes its lifecycle windows in the same pass).
sum(txn_count) over txn_recent as txn_recent,
count(*) over txn_recent as txn_recent_months,
sum(txn_count) over txn_before as txn_before,
count(*) over txn_before as txn_before_months,
sum(digital_logins) over login_recent as logins_recent,
count(*) over login_recent as logins_recent_months,
sum(digital_logins) over login_before as logins_before,
count(*) over login_before as logins_before_months,
max(aum_total) over aum_back as aum_before,
sum(complaints) over complaint_window as complaints_window,
max(case when txn_count > 0 then month_idx end) over history as last_active_idx,
min(month_idx) over history as first_idx
