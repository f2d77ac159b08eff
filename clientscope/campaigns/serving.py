"""The campaigns page's serving layer, built once per data version in the build step.

- `campaign_credits`: every conversion's credit rows under every attribution model (`credits.CREDIT_COLUMNS` plus the
  customer's filter-bar attributes as of the conversion's month), for metrics.yaml's default look-back and the
  default half-life.  The page sums them by the view's filters; only another look-back or half-life recomputes.
- `campaign_journeys`: every journey (converting or not) with its channel path, placed in a month and a customer
  filter cell, for the top-paths table.

The rule models' credits of a conversion depend on its path alone, so they are the same in every view.  The Markov
model shares each conversion's credit by the removal effects of one chain, fitted here over the journeys of the
page's default view (the last 12 months of data, every customer, the default look-back): the default view shows
exactly what the engine computes for it, and every other view (a filter, another period, a narrower viewer scope)
sums the same per-conversion credits, so its parts add up to the whole (docs/attribution.md, *Serving layer*).

Written with Python (the engine is polars), like the churn page files: under the cache folder, keyed by the data
version and a digest of the rules, the mart SQL and this layout, written to a temporary folder renamed into place.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import operator
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from clientscope import settings
from clientscope.atomic_files import kept_parquet
from clientscope.campaigns import credits
from clientscope.campaigns.markov import TransitionCounts, chain_of, count_transitions, removal_effects
from clientscope.db import Database, query_sql, run_named
from clientscope.marts import fingerprint, write_folder_atomically
from clientscope.semantic.periods import DEFAULT_PERIOD_MONTHS, add_months, month_start

if TYPE_CHECKING:  # the build step imports this module before the semantic package is needed
    from clientscope.semantic.model import Rules

log = logging.getLogger(__name__)

SERVING_VERSION = "1"  # bump when the files' layout changes
DEFAULT_HALF_LIFE_DAYS = 7  # the page's default half-life (days) of the time-decay model; the credits are built for it
TABLES: tuple[str, ...] = ("campaign_credits", "campaign_journeys")
REQUIRED: tuple[str, ...] = ("touch_facts", "conversion_facts", "customer_month_facts")
_SQL = (
    "campaigns/all_touches",
    "campaigns/all_conversions",
    "campaigns/build_credits",
    "campaigns/build_journeys",
    "campaigns/sorted_credits",
    "campaigns/sorted_journeys",
    "filters/months",
)
_SORTED = {"campaign_credits": "campaigns/sorted_credits", "campaign_journeys": "campaigns/sorted_journeys"}
TOUCHES_PER_PART = 1_000_000  # the build's frames of a part of the customers stay well under 1 GB
_ROW_CAP = 2_000_000_000


def serving_dir(db: Database, rules: Rules) -> Path:
    digest = hashlib.sha256(SERVING_VERSION.encode())
    digest.update(fingerprint(rules).encode())
    digest.update(str((rules.conversion.attribution_lookback_days, DEFAULT_HALF_LIFE_DAYS)).encode())
    for name in _SQL:
        digest.update(query_sql(name).encode())
    return settings.cache_root() / "campaigns" / f"{db.version}-{digest.hexdigest()[:12]}"


def serving_present(db: Database, rules: Rules) -> bool:
    return db.data_dir is not None and all((serving_dir(db, rules) / f"{t}.parquet").is_file() for t in TABLES)


def build_campaign_files(db: Database, rules: Rules) -> None:
    """Write (or reuse) this data version's credit and journey files and register them as tables."""
    if not db.has(*REQUIRED):
        return
    if db.data_dir is None:  # a test's in-memory database: no version to key files on
        events = _events(db, rules)
        for name, frame in _part_frames(db, events, 0).items():
            db.register(name, db.con.from_arrow(frame.to_arrow()))
        return
    folder = serving_dir(db, rules)
    if not serving_present(db, rules):
        log.info("building campaign credits into %s", folder)
        write_folder_atomically(folder, lambda tmp: _write(db, rules, tmp))
    for name in TABLES:
        db.register(name, db.con.read_parquet(str(folder / f"{name}.parquet")))


@dataclass(frozen=True)
class _Events:
    """Every contacted touch and conversion, the default view's window, and the customer parts they are read in.

    A customer's credits and journeys read only their own touches, so the frames are computed a part of the
    customers at a time (the whole bank's at once took 5 GB at scale M) and the parts sorted into one file.
    """

    touches: pl.DataFrame
    conversions: pl.DataFrame
    lookback_days: int
    in_window: pl.Expr  # the touches the page's default view reads
    in_period: pl.Expr  # the conversions the page's default view reads
    parts: int

    def part(self, part: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        def mine(frame: pl.DataFrame) -> pl.DataFrame:
            return frame if self.parts == 1 else frame.filter(pl.col("customer_id").hash() % self.parts == part)

        return mine(self.touches), mine(self.conversions)

    def default_view(self, touches: pl.DataFrame, conversions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        return touches.filter(self.in_window), conversions.filter(self.in_period)


def _events(db: Database, rules: Rules, touches_per_part: int | None = None) -> _Events:
    touches = run_named(db, "campaigns/all_touches", row_cap=_ROW_CAP).frame
    conversions = run_named(db, "campaigns/all_conversions", row_cap=_ROW_CAP).frame
    lookback = rules.conversion.attribution_lookback_days
    in_window, in_period = _default_window(db, lookback)
    parts = 1 if touches_per_part is None else max(1, math.ceil(touches.height / touches_per_part))
    return _Events(touches, conversions, lookback, in_window, in_period, parts)


def _write(db: Database, rules: Rules, folder: Path) -> None:
    events = _events(db, rules, TOUCHES_PER_PART)
    effects = _effects(events)
    pieces = folder / "parts"
    pieces.mkdir()
    for part in range(events.parts):
        for name, frame in _part_frames(db, events, part, effects).items():
            frame.write_parquet(pieces / f"{name}.{part:04d}.parquet", compression="zstd")
    cur = db.con.cursor()
    try:
        for name in TABLES:
            sql = query_sql(_SORTED[name])
            paths = [str(pieces / f"{name}.{part:04d}.parquet") for part in range(events.parts)]
            cur.sql(sql, params={"paths": paths}).write_parquet(
                str(folder / f"{name}.parquet"), compression="zstd", row_group_size=100_000
            )
    finally:
        cur.close()
    shutil.rmtree(pieces)
    log.info("campaign credits built in %d customer parts", events.parts)


def _effects(events: _Events) -> pl.DataFrame:
    """The Markov removal effects of one chain over the default view's journeys, counted a part at a time."""

    def steps(part: int) -> TransitionCounts:
        journeys = credits.journeys_of(*events.default_view(*events.part(part)), lookback_days=events.lookback_days)
        return count_transitions(journeys, by=credits.MARKOV_STATES)

    return removal_effects(chain_of(functools.reduce(operator.add, map(steps, range(events.parts)))))


def _part_frames(
    db: Database, events: _Events, part: int, effects: pl.DataFrame | None = None
) -> dict[str, pl.DataFrame]:
    """The credit and journey rows of one part of the customers, with their filter cells."""
    lookback = events.lookback_days
    touches, conversions = events.part(part)
    view_journeys = credits.journeys_of(*events.default_view(touches, conversions), lookback_days=lookback)
    effects = credits.removal_effects_of(view_journeys) if effects is None else effects
    rows = credits.credit_rows(
        touches, conversions, effects, lookback_days=lookback, half_life_days=DEFAULT_HALF_LIFE_DAYS
    )
    journeys = pl.concat(
        [
            credits.journey_rows(view_journeys, touches).with_columns(journey_set=pl.lit("default")),
            credits.journey_rows(
                credits.journeys_of(touches, conversions, lookback_days=lookback), touches
            ).with_columns(journey_set=pl.lit("all")),
        ]
    )
    return {
        "campaign_credits": _with_cells(db, "campaigns/build_credits", "credit_frame", rows),
        "campaign_journeys": _with_cells(db, "campaigns/build_journeys", "journey_frame", journeys),
    }


def _default_window(db: Database, lookback: int) -> tuple[pl.Expr, pl.Expr]:
    """Which touches and conversions the page's default view reads: conversions of the last 12 months of data,
    touches from the look-back before its first day to its end."""
    months = run_named(db, "filters/months").frame["value"].to_list()
    if not months:
        return pl.lit(False), pl.lit(False)
    first = month_start(months[-DEFAULT_PERIOD_MONTHS:][0])
    after = add_months(month_start(months[-1]), 1)
    touch_from = datetime.combine(first, datetime.min.time()) - timedelta(days=lookback)
    touch_to = datetime.combine(after, datetime.min.time())
    in_window = (pl.col("touch_ts") >= touch_from) & (pl.col("touch_ts") < touch_to)
    in_period = (pl.col("month") >= first) & (pl.col("month") < after)
    return in_window, in_period


def _with_cells(db: Database, name: str, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` joined to the customer attributes by `queries/<name>.sql` (which reads it as `table`)."""
    cur = db.con.cursor()
    try:
        cur.register(table, frame.to_arrow())
        return cur.sql(query_sql(name)).pl()
    finally:
        cur.close()


def kept_answer(
    db: Database, rules: Rules, name: str, params: Mapping[str, Any], run: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """`queries/<name>.sql`'s answer for the whole bank with no filters, kept beside this version's credits.

    The campaigns page's first visit asks for the per-campaign distinct customers of the default period, an exact
    count over every touch (0.5 s at scale M); the build step asks once (`clientscope.campaigns.table.warm`) and
    every process after it reads the file. Keyed by the query's text and parameters, so another period or window
    is another file (written on its first use, a few kB each). Callers pass the whole-bank, unfiltered case only."""
    if db.data_dir is None:  # a test's in-memory database: no version to key files on
        return run()
    return kept_parquet(kept_answer_path(db, rules, name, params), run)


def kept_answer_path(db: Database, rules: Rules, name: str, params: Mapping[str, Any]) -> Path:
    digest = hashlib.sha256(query_sql(name).encode())
    digest.update(repr(sorted(params.items())).encode())
    return serving_dir(db, rules) / "answers" / f"{name.replace('/', '-')}-{digest.hexdigest()[:16]}.parquet"
