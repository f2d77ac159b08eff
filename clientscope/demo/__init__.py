"""The synthetic demo bank: `generate(out_dir, ...)` writes every contract table as Parquet.

Conventions the rest of the app can rely on:

- **Deterministic.** The same arguments give byte-identical files.  Nothing reads the clock:
  `end_month` ("YYYY-MM") fixes the last month-end and `months` counts month-ends back from it.
  Each chunk of `chunk_customers` customers draws from its own generator seeded from
  (seed, chunk index); the chunk size is therefore one of the arguments that define the data.
- **Layout.** branches, relationship_managers, products and campaigns are single files
  `<table>.parquet`; the customer-keyed tables are `<table>/part-NNNNN.parquet`, one part per chunk.
  A `_demo.json` marker records the arguments and row counts.
- **customer_months rows.** A customer has a row for every month-end `m` of the window with
  `open_date ≤ m < close_date`: from the month they opened (or the window's first month) up to the
  month-end *before* the close date.  The close month itself has no row, so no row is ever dated
  after `close_date`.  Every customer in `customers` has at least one row; nobody closes before
  the window starts, and a closed customer never reopens.
- **Rows order.** customer_months parts are sorted by (month, customer_id), so month filters prune
  row groups; the event tables are sorted by customer and time.
- **Holdings and products_held.** A holding counts at month-end `m` when `open_date ≤ m < close_date`;
  `products_held` is the number of distinct product types counted that way.
- **Churn signal.** About 1-1.5% of open customers close each month.  Most of them (85%) drift for
  3-6 months first: fewer transactions and logins, falling balances, more complaints, products
  redeemed, payroll moving away.  Dormancy (months without activity) happens to others too.
- **Campaigns.** Control customers get one `is_control` touch row dated on the campaign's first
  day; treated customers convert `lift` times as often as controls (see `reference.CAMPAIGN_CALENDAR`).
"""

from clientscope.demo.generator import DemoSummary, generate

__all__ = ["DemoSummary", "generate"]
