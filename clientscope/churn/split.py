"""The churn model's out-of-time split: which month-ends train, which test, and the customers sampled.

Split (documented in docs/churn-model.md): a month m has a known label when its outcome window
(m, last day of m + 3 months] ends at or before the last month-end of the extract. The test
period is the latest `test_months` labelled months. Training months are the labelled months
whose outcome window ends at or before the first test month-end, so every training label was
already known when the first test prediction is made, and no training feature month falls in a
test outcome window.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl

from clientscope import settings
from clientscope.atomic_files import kept_parquet
from clientscope.churn.card import ModelConfig, Periods
from clientscope.churn.signals import ALL_CUSTOMERS, HORIZON_MONTHS, Sample
from clientscope.db import Database, run_named


def add_months_end(month_end: date, months: int) -> date:
    """The last day of the month `months` after the month of `month_end`."""
    index = month_end.year * 12 + month_end.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def plan_periods(months: list[date], test_months: int = 3) -> Periods:
    """The out-of-time split for the extract's month-ends (see the module docstring)."""
    data_end = max(months) if months else date.min
    labelled = sorted(m for m in months if add_months_end(m, HORIZON_MONTHS) <= data_end)
    test = labelled[-test_months:] if test_months > 0 else []
    train = [m for m in labelled if test and add_months_end(m, HORIZON_MONTHS) <= test[0]]
    if len(test) < test_months or not train:
        needed = test_months + 2 * HORIZON_MONTHS
        raise ValueError(
            f"the churn model needs at least {needed} month-ends of customer_months "
            f"(training, a {HORIZON_MONTHS}-month gap, {test_months} test months and their "
            f"{HORIZON_MONTHS}-month outcome); the extract has {len(months)}"
        )
    return Periods(train[0], train[-1], test[0], test[-1], data_end)


def plan_sample(open_rows: pl.DataFrame, first: date, last: date, config: ModelConfig) -> Sample:
    """Keep every customer unless the months first..last would exceed `max_rows` customer-months."""
    in_range = open_rows.filter(pl.col("month").is_between(first, last))
    rows = int(in_range["open_customers"].sum())
    if rows <= config.max_rows:
        return Sample(config.seed, ALL_CUSTOMERS)
    return Sample(config.seed, max(1, ALL_CUSTOMERS * config.max_rows // rows))


def month_counts(db: Database) -> pl.DataFrame:
    """Month-ends of the extract with their open customers (queries/churn/months.sql).

    Kept per data version under the cache root (`churn/months-<version>.parquet`): the churn page's first visit
    and the build step ask before they open anything else, and the query joins every customer-month (2 s at 1M
    customers).
    """
    if db.data_dir is None:  # an in-memory database has no data version to key a file by
        return run_named(db, "churn/months").frame
    path = settings.cache_root() / "churn" / f"months-{db.version}.parquet"
    return kept_parquet(path, lambda: run_named(db, "churn/months").frame)


def latest_month(db: Database) -> date:
    months = month_counts(db)["month"]
    if months.is_empty():
        raise ValueError("customer_months has no rows: there is no month to score")
    return months.max()
