"""`generate()`: the whole demo bank, chunk by chunk, written atomically."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

import numpy as np
import polars as pl
from tqdm import tqdm

from clientscope.contract import TABLES, table
from clientscope.demo.campaigns import campaigns_frame, plan_campaigns
from clientscope.demo.chunk import ChunkSpec, build_chunk
from clientscope.demo.org import build_org
from clientscope.demo.reference import PRODUCTS
from clientscope.demo.schema import conform
from clientscope.demo.window import build_window, to_date
from clientscope.demo.writer import atomic_folder, write_marker, write_table

ORG_STREAM = 0
CAMPAIGN_STREAM = 1
EVENT_ID_WIDTH = 9
# Event tables whose ids the generator numbers across chunks: table → (id column, prefix).
EVENT_IDS: dict[str, tuple[str, str]] = {
    "holdings": ("holding_id", "H"),
    "touches": ("touch_id", "T"),
    "conversions": ("conversion_id", "V"),
    "complaints": ("complaint_id", "Q"),
}
PART_TABLES = ("customers", "customer_months", "holdings", "touches", "conversions", "complaints")


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: row counts per contract table, the months covered and the seed."""

    out_dir: Path
    seed: int
    customers: int
    months: int
    first_month: date  # first month-end
    last_month: date  # last month-end
    rows: Mapping[str, int]


def generate(
    out_dir: Path,
    *,
    customers: int = 50_000,
    months: int = 24,
    seed: int = 42,
    end_month: str = "2026-10",
    progress: bool = False,
    chunk_customers: int = 100_000,
) -> DemoSummary:
    """Write the synthetic bank's extracts (every contract table) into `out_dir`; same arguments, same bytes."""
    _check_arguments(customers, months, seed, chunk_customers)
    window = build_window(end_month, months)
    org = build_org(np.random.default_rng([seed, ORG_STREAM]))
    plans = plan_campaigns(np.random.default_rng([seed, CAMPAIGN_STREAM]), window, customers)
    counts = {t.name: 0 for t in TABLES}
    with atomic_folder(Path(out_dir)) as tmp:
        small = {
            "branches": org.branches,
            "relationship_managers": org.relationship_managers,
            "products": _products_frame(),
            "campaigns": campaigns_frame(plans),
        }
        for name, frame in small.items():
            write_table(conform(frame, table(name)), tmp / f"{name}.parquet")
            counts[name] = frame.height
        id_width = max(7, len(str(customers)))
        n_chunks = -(-customers // chunk_customers)
        for index in tqdm(range(n_chunks), desc="demo bank", unit="chunk", file=sys.stderr, disable=not progress):
            first = index * chunk_customers
            spec = ChunkSpec(seed, index, first + 1, min(chunk_customers, customers - first), id_width)
            frames = build_chunk(spec, org, plans, window)
            for name in PART_TABLES:
                frame = _number_events(name, frames.pop(name), counts[name])
                write_table(conform(frame, table(name)), tmp / name / f"part-{index:05d}.parquet")
                counts[name] += frame.height
        summary = DemoSummary(
            out_dir=Path(out_dir),
            seed=seed,
            customers=customers,
            months=months,
            first_month=to_date(window.month_ends[0]),
            last_month=to_date(window.month_ends[-1]),
            rows=MappingProxyType(counts),
        )
        write_marker(tmp, _marker(summary, end_month, chunk_customers))
    return summary


def _check_arguments(customers: int, months: int, seed: int, chunk_customers: int) -> None:
    if customers < 1:
        raise ValueError(f"customers must be at least 1, got {customers}")
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if chunk_customers < 1:
        raise ValueError(f"chunk_customers must be at least 1, got {chunk_customers}")


def _products_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "product_type": [p.product_type for p in PRODUCTS],
            "product_name": [p.product_name for p in PRODUCTS],
            "category": [p.category for p in PRODUCTS],
        }
    )


def _number_events(name: str, frame: pl.DataFrame, offset: int) -> pl.DataFrame:
    """Give event rows global ids (prefix + running number) continuing from the previous chunks."""
    if name not in EVENT_IDS:
        return frame
    column, prefix = EVENT_IDS[name]
    numbers = pl.int_range(offset + 1, offset + 1 + pl.len(), dtype=pl.Int64)
    return frame.with_columns((pl.lit(prefix) + numbers.cast(pl.String).str.zfill(EVENT_ID_WIDTH)).alias(column))


def _marker(summary: DemoSummary, end_month: str, chunk_customers: int) -> dict[str, object]:
    """Arguments and row counts of the run: identifies the folder as demo data (no clock, so it is reproducible)."""
    return {
        "generator": "clientscope.demo",
        "seed": summary.seed,
        "customers": summary.customers,
        "months": summary.months,
        "end_month": end_month,
        "chunk_customers": chunk_customers,
        "first_month": summary.first_month.isoformat(),
        "last_month": summary.last_month.isoformat(),
        "rows": dict(summary.rows),
    }
