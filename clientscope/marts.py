"""Marts: the derived tables every page queries, built from the extract views by `queries/marts/*.sql`.

- `customer_month_facts`: the customer-month backbone with tier, lifecycle stage, warning score and signal flags.
- `churn_events`: one row per churn event, in the month the customer left, with their opening-book attributes.
- `opening_churn`: every opening-book row with the customer's next churn after it (the churn rate's numerator).
- `touch_facts`, `conversion_facts`, `campaign_facts`: marketing events with customer and campaign attributes.

The business rules (tier thresholds, stage windows, churn floor, warning-score signals and points) come from
metrics.yaml and are bound as `$named` parameters.  Amounts are exact money, DECIMAL(18,2), rounded once from the
extracts' values by the `cents()` macro (`queries/marts/money.sql`), so every sum over them is exact and the same
on every run.

`build_marts` materialises them as Parquet in the cache folder, keyed by the data version and a fingerprint of the
rules, the SQL and MARTS_VERSION (so changed extracts, rules, SQL or column types never reuse stale marts), writing
to a temporary folder that is renamed into place; `build_marts_in_memory` is the variant for tests and small
in-memory databases.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from clientscope import settings
from clientscope.churn.signals import SignalRules
from clientscope.db import QUERIES_DIR, Database, query_sql
from clientscope.lifecycle import serving as lifecycle_serving
from clientscope.mart import Mart
from clientscope.segments import serving as segments_serving

if TYPE_CHECKING:  # marts must not import the semantic package at run time (it imports MART_COLUMNS)
    from clientscope.semantic.model import Rules

log = logging.getLogger(__name__)
MARTS_VERSION = "3"  # bump to invalidate every cached mart when the layout changes (3: money as DECIMAL(18,2))
CUSTOMERS_PER_PART = 250_000  # per-customer marts with list columns fit the default DuckDB memory limit at this size


class MartOutOfMemory(RuntimeError):
    """A mart's query ran out of the build's DuckDB memory: says which mart and what to change."""


@contextmanager
def _naming(mart: Mart) -> Iterator[None]:
    # DuckDB's own message names neither the mart nor the setting: a bank's operator needs both
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        if "max_temp_directory_size" in str(exc):  # the disk under the spill folder is full, not the memory
            raise MartOutOfMemory(
                f"building the mart {mart.name}: DuckDB's spill folder ({settings.cache_root() / 'duckdb_spill'}) "
                f"filled the free disk it is on; the build spills what does not fit in its memory "
                f"({settings.duckdb_build_memory()}). Free disk space there or point CLIENTSCOPE_CACHE at a bigger "
                f"disk, or raise {settings.BUILD_MEMORY_ENV} on a machine with that much free memory, then run "
                "`clientscope build` again; nothing was written to the cache."
            ) from exc
        raise MartOutOfMemory(
            f"building the mart {mart.name}: DuckDB ran out of the build's memory "
            f"({settings.duckdb_build_memory()}). Raise {settings.BUILD_MEMORY_ENV} (for example to 6GB) on a machine "
            "with that much free memory, then run `clientscope build` again; nothing was written to the cache."
        ) from exc


MONEY_SQL = "marts/money"  # the cents() macro every mart rounds its amounts with
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_OPEN_AGE = 200  # the open last age band is "age <= 200"


CUSTOMER_MONTH_FACTS = Mart(
    name="customer_month_facts",
    requires=("customers", "customer_months", "branches"),
    stand_ins=("holdings",),
    after=(),
    order_by="month",
    money=(
        "aum_total", "deposits", "wealth", "insurance", "loan_balance", "card_spend", "payroll_inflow",
        "cross_border_spend", "txn_amount",
    ),
    columns=(
        "customer_id", "month", "month_start", "month_idx", "next_month", "region", "branch_id", "rm_id", "city",
        "acquisition_channel", "gender", "birth_year", "age", "age_band", "risk_profile", "tags", "open_date",
        "close_date", "tenure_months", "aum_total", "deposits", "wealth", "insurance", "loan_balance", "card_spend",
        "payroll_inflow", "cross_border_spend", "txn_count", "txn_amount", "digital_logins", "products_held",
        "complaints", "tier", "tier_rank", "prev_tier", "tier_alt", "tier_alt_rank", "stage", "is_new",
        "is_opened_month", "is_active", "is_dormant", "is_growing", "is_churned_month", "is_soft_churn", "is_churned",
        "is_churn_event", "warning_score", "warning_level", "txn_drop_flag", "aum_drop_flag", "complaints_flag",
        "closures_flag", "inactive_flag", "logins_drop_flag",
    ),
)  # fmt: skip
CHURN_EVENTS = Mart(
    name="churn_events",
    requires=("customers", "customer_months", "branches"),
    stand_ins=(),
    after=("customer_month_facts",),
    order_by="month",
    money=("aum_total", "deposits", "wealth", "insurance"),
    columns=(
        "customer_id", "month", "month_start", "reason", "event_date", "as_of_month", "in_opening_book", "region",
        "branch_id", "rm_id", "city", "acquisition_channel", "gender", "birth_year", "age_band", "risk_profile",
        "tags", "open_date", "close_date", "tenure_months", "aum_total", "deposits", "wealth", "insurance",
        "products_held", "txn_count", "tier", "tier_alt", "stage", "warning_score", "warning_level",
    ),
)  # fmt: skip
OPENING_CHURN = Mart(
    name="opening_churn",
    requires=("customers", "customer_months", "branches"),
    stand_ins=(),
    after=("customer_month_facts", "churn_events"),
    order_by="next_month",
    money=("aum_total",),
    columns=(
        "customer_id", "month", "next_month", "region", "branch_id", "rm_id", "city", "acquisition_channel", "gender",
        "age_band", "risk_profile", "tier", "tier_alt", "stage", "warning_level", "open_date", "close_date",
        "aum_total", "warning_score", "next_churn_month",
    ),
)  # fmt: skip
CAMPAIGN_FACTS = Mart(
    name="campaign_facts",
    requires=("campaigns",),
    stand_ins=(),
    after=(),
    money=("cost",),
    columns=(
        "campaign_id", "campaign_name", "campaign_type", "channel", "product_type", "target_segment",
        "control_share", "start_date", "end_date", "month", "cost",
    ),
)  # fmt: skip
TOUCH_FACTS = Mart(
    name="touch_facts",
    requires=("touches", "campaigns", "customers", "branches"),
    stand_ins=("conversions",),
    after=("customer_month_facts",),
    order_by="month",
    columns=(
        "touch_id", "customer_id", "campaign_id", "channel", "touch_type", "is_control", "touch_ts", "month",
        "campaign_type", "product_type", "region", "branch_id", "rm_id", "acquisition_channel", "gender",
        "age_band", "tier", "tier_alt", "stage", "warning_level", "next_conversion_ts",
        "observed_until",
    ),
)  # fmt: skip
CONVERSION_FACTS = Mart(
    name="conversion_facts",
    requires=("conversions", "customers", "branches"),
    stand_ins=("touches", "campaigns"),
    after=("customer_month_facts",),
    order_by="month",
    money=("value",),
    columns=(
        "conversion_id", "customer_id", "conversion_ts", "month", "product_type", "value", "campaign_id",
        "campaign_type", "channel", "attributed_touch_ts", "is_attributed", "region", "branch_id", "rm_id",
        "acquisition_channel", "gender", "age_band", "tier", "tier_alt", "stage", "warning_level",
    ),
)  # fmt: skip

CUSTOMER_LIFECYCLE = Mart(
    name="customer_lifecycle",
    requires=("customers", "customer_months", "branches"),
    stand_ins=(),
    after=("customer_month_facts",),
    order_by="open_date",  # the lifecycle page selects a cohort by open date
    by_customer_parts=True,
    money=("latest_aum", "book_aum", "row_aum"),
    columns=(
        "customer_id", "open_date", "close_date", "region", "branch_id", "rm_id", "city", "acquisition_channel",
        "gender", "risk_profile", "tier", "tier_alt", "age_band", "latest_stage", "latest_aum",
        "latest_month", "first_active_month", "first_active_offset", "churned_row_offset", "first_growing_offset",
        "active_offsets", "book_offsets", "book_aum", "first_idx", "last_idx", "row_idx", "row_stage", "row_aum",
        "row_tier", "row_tier_alt", "row_age_band",
    ),
)  # fmt: skip

# The marts over the extracts, and then each analysis's serving-layer aggregates over them (small, at the filter
# bar's grain; the Spark build leaves those to DuckDB, docs/spark.md).
CORE_MARTS: tuple[Mart, ...] = (
    CUSTOMER_MONTH_FACTS, CHURN_EVENTS, OPENING_CHURN, CAMPAIGN_FACTS, TOUCH_FACTS, CONVERSION_FACTS,
    CUSTOMER_LIFECYCLE,
)  # fmt: skip
MARTS: tuple[Mart, ...] = (*CORE_MARTS, *segments_serving.MARTS, *lifecycle_serving.MARTS)
MART_COLUMNS: Mapping[str, tuple[str, ...]] = {m.name: m.columns for m in MARTS}
# The money columns of each mart: DECIMAL(18,2) (lists of it for the per-customer histories), rounded from the
# extracts by cents() (queries/marts/money.sql); every other number is a count, a score, a share or an index.
MONEY_COLUMNS: Mapping[str, tuple[str, ...]] = {m.name: m.money for m in MARTS}


def mart_params(rules: Rules) -> dict[str, Any]:
    """Every `$named` value the mart SQL uses, from metrics.yaml `rules` (each file takes the ones it names)."""
    tiers = rules.tiers
    return {
        # the currency of the amounts: it picks the tier floors, and (unused by the SQL) keys the cache on its own
        "currency": rules.currency,
        "tier_codes": list(tiers.schemes[tiers.primary].codes),
        "tier_mins": list(tiers.primary_floors(rules.currency)),
        "alt_tier_codes": list(tiers.schemes[tiers.alternative].codes),
        "alt_tier_mins": list(tiers.alternative_floors(rules.currency)),
        "age_band_codes": [b.code for b in rules.age_bands],
        "age_band_max": [b.max_age if b.max_age is not None else _OPEN_AGE for b in rules.age_bands],
        "new_within_days": rules.lifecycle.new_within_days,
        "dormant_months": rules.lifecycle.dormant_months,
        "growing_months": rules.lifecycle.growing_lookback_months,
        "stage_precedence": list(rules.lifecycle.precedence),
        "churn_aum_floor": float(rules.churn.aum_floor),
        "churn_dormant_months": rules.churn.dormant_months,
        **SignalRules.from_rules(rules).sql_params(),
        "attribution_lookback_days": rules.conversion.attribution_lookback_days,
        **segments_serving.mart_params(rules.potential.model_dump()),
        **_funnel_params(rules),
    }


def _funnel_params(rules: Rules) -> dict[str, int]:
    """The lifecycle funnel's windows (the names of clientscope.lifecycle.view.FunnelWindows.params)."""
    funnel = rules.lifecycle.funnel
    early, late = funnel.retention_months
    return {
        "activation_days": funnel.activation_days,
        "retain_early": early,
        "retain_late": late,
        "growth_months": funnel.growth_months,
        "churn_months": funnel.churn_months,
    }


def params_for(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of `params` a statement names (DuckDB rejects unused parameters)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())  # comments may mention $names
    return {name: params[name] for name in dict.fromkeys(_PARAM.findall(code))}


def buildable(db: Database) -> tuple[Mart, ...]:
    """The marts whose required extracts are present, in build order."""
    return tuple(m for m in MARTS if db.has(*m.requires))


def fingerprint(rules: Rules) -> str:
    """Changes whenever the rules, the mart SQL or the mart layout change."""
    digest = hashlib.sha256(MARTS_VERSION.encode())
    digest.update(json.dumps(mart_params(rules), sort_keys=True).encode())
    digest.update(query_sql(MONEY_SQL).encode())
    for mart in MARTS:
        digest.update(query_sql(mart.sql_name).encode())
        variant = QUERIES_DIR / f"{mart.sql_name}.spark.sql"  # its Spark CTEs (docs/spark.md): one cache, two engines
        if variant.is_file():
            digest.update(variant.read_bytes())
    return digest.hexdigest()[:12]


def marts_dir(db: Database, rules: Rules) -> Path:
    return settings.cache_root() / "marts" / db.version / fingerprint(rules)


def _relation(cur: duckdb.DuckDBPyConnection, db: Database, mart: Mart, params: Mapping[str, Any]):
    cur.execute(query_sql(MONEY_SQL))  # the cents() macro: one rounding rule for every amount of every mart
    for table in mart.stand_ins:
        if not db.has(table):
            cur.execute(query_sql(f"marts/absent_{table}"))
    sql = query_sql(mart.sql_name)
    relation = cur.sql(sql, params=params_for(sql, params))
    return relation.order(mart.order_by) if mart.order_by else relation


def _build_each(db: Database, rules: Rules, write: Callable[[Mart, list[duckdb.DuckDBPyRelation]], None]) -> None:
    # closures come from the holdings extract when there is one (the same switch as churn_signals.load_signals)
    params = {**mart_params(rules), "use_holdings": db.has("holdings")}
    for mart in buildable(db):
        parts = customer_parts(db) if mart.by_customer_parts else 1
        cur = db.con.cursor()  # its own connection: the stand-in temp views never leak into queries
        try:
            with _naming(mart):
                part_params = [{**params, "parts": parts, "part": part} for part in range(parts)]
                write(mart, [_relation(cur, db, mart, p) for p in part_params])
        finally:
            cur.close()


def write_mart(db: Database, rules: Rules, mart: Mart, folder: Path) -> None:
    """Build one mart with DuckDB into `folder` (from the marts already registered) and register it."""
    params = {**mart_params(rules), "use_holdings": db.has("holdings")}
    parts = customer_parts(db) if mart.by_customer_parts else 1
    cur = db.con.cursor()
    try:
        relations = [_relation(cur, db, mart, {**params, "parts": parts, "part": part}) for part in range(parts)]
        paths = mart_files(folder, mart, len(relations))
        with _naming(mart):
            for relation, path in zip(relations, paths, strict=True):
                relation.write_parquet(str(path), compression="zstd")
    finally:
        cur.close()
    db.register(mart.name, db.con.read_parquet([str(p) for p in paths]))


def customer_parts(db: Database) -> int:
    """How many parts a per-customer mart is built in (one per CUSTOMERS_PER_PART customers)."""
    customers = int(db.con.sql(query_sql("marts/customer_count")).fetchall()[0][0])
    return max(1, math.ceil(customers / CUSTOMERS_PER_PART))


def build_marts_in_memory(db: Database, rules: Rules) -> None:
    """Build every mart into memory and register it on `db` (tests and small in-memory databases)."""

    def keep(mart: Mart, relations: list[duckdb.DuckDBPyRelation]) -> None:
        db.register(mart.name, db.con.from_arrow(pa.concat_tables([r.to_arrow_table() for r in relations])))

    _build_each(db, rules, keep)


def build_marts(db: Database, rules: Rules) -> None:
    """Materialise the marts as Parquet under the cache folder (reused when present) and register them.

    A database without a data folder (built by a test from a connection) has no version to key a cache
    on, so its marts are built in memory instead.
    """
    if db.data_dir is None:
        build_marts_in_memory(db, rules)
        return
    final = marts_dir(db, rules)
    if not final.is_dir():
        _write_atomically(db, rules, final)
    _register_folder(db, final)


def _write_atomically(db: Database, rules: Rules, final: Path) -> None:
    log.info("building marts into %s", final)

    def write_all(tmp: Path) -> None:
        def write(mart: Mart, relations: list[duckdb.DuckDBPyRelation]) -> None:
            start = time.perf_counter()
            paths = mart_files(tmp, mart, len(relations))
            for relation, path in zip(relations, paths, strict=True):
                relation.write_parquet(str(path), compression="zstd")  # runs the part's query now
            db.register(mart.name, db.con.read_parquet([str(p) for p in paths]))  # later marts read it
            # an operator tuning a scheduled refresh needs to know which mart the time went to
            log.info("mart %s built in %.1f s (%.0f MB)", mart.name, time.perf_counter() - start, _megabytes(paths))

        _build_each(db, rules, write)

    write_folder_atomically(final, write_all)


def write_folder_atomically(final: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary folder beside `final`, then rename it into place.

    Readers never see a half-written folder; when another worker renamed its own copy first, that copy is kept.
    """
    tmp = final.parent / f".tmp-{final.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        write(tmp)
        tmp.rename(final)
    except OSError:
        if not final.is_dir():  # not a lost race with another worker: a real failure
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _megabytes(paths: list[Path]) -> float:
    return sum(path.stat().st_size for path in paths) / 1e6


def mart_files(folder: Path, mart: Mart, parts: int) -> list[Path]:
    if parts == 1:
        return [folder / f"{mart.name}.parquet"]
    return [folder / f"{mart.name}.part{part:03d}.parquet" for part in range(parts)]


def _register_folder(db: Database, folder: Path) -> None:
    for mart in buildable(db):
        paths = sorted(folder.glob(f"{mart.name}.part*.parquet")) or [folder / f"{mart.name}.parquet"]
        if all(path.is_file() for path in paths):
            db.register(mart.name, db.con.read_parquet([str(p) for p in paths]))
