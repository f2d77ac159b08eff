"""One chunk of customers, start to finish: every customer-keyed table for them, nothing kept afterwards.

A chunk's random numbers come from its own generator, seeded from (seed, chunk index), so a chunk's
output depends only on the arguments and never on what ran before it.  Row ids of the event tables
(holdings, touches, conversions, complaints) are numbered later by the caller, which knows the
running totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clientscope.demo.activity import complaint_rows, month_rows
from clientscope.demo.campaigns import CampaignPlan, campaign_activity
from clientscope.demo.conversions import organic_conversions
from clientscope.demo.dynamics import simulate
from clientscope.demo.holdings import (
    add_conversion_holdings,
    base_holdings,
    held_matrix,
    holdings_frame,
    loan_balances,
)
from clientscope.demo.org import Org
from clientscope.demo.people import customer_ids, customers_frame, draw_population
from clientscope.demo.reference import PRODUCTS
from clientscope.demo.window import Window

CHUNK_STREAM = 2  # the seed-sequence branch for chunks (0: organisation, 1: campaigns)


@dataclass(frozen=True)
class ChunkSpec:
    seed: int
    index: int
    first_number: int  # global number of the chunk's first customer (1-based)
    size: int
    id_width: int


def chunk_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, CHUNK_STREAM, index])


def build_chunk(spec: ChunkSpec, org: Org, plans: tuple[CampaignPlan, ...], window: Window) -> dict[str, pl.DataFrame]:
    """The chunk's customers, customer_months, holdings, touches, conversions and complaints (ids still to number)."""
    rng = chunk_rng(spec.seed, spec.index)
    pop = draw_population(rng, org, window, spec.first_number, spec.size)
    traj = simulate(rng, pop, window)
    holdings = base_holdings(rng, pop, traj, window)
    touches, campaign_conversions = campaign_activity(rng, plans, pop, traj, holdings, window)
    conversions = pl.concat([organic_conversions(rng, pop, traj, window), campaign_conversions])
    holdings = add_conversion_holdings(rng, holdings, conversions, pop, traj, window)
    held = held_matrix(holdings, pop.size, window)
    months = month_rows(rng, pop, traj, held, loan_balances(holdings, pop.size, window), window)
    complaints = complaint_rows(rng, months, pop, window)
    ids = customer_ids(pop.numbers, spec.id_width)

    return {
        "customers": customers_frame(rng, org, pop, traj.close_day, spec.id_width),
        "customer_months": _with_customer_id(months, ids),
        "holdings": _with_customer_id(holdings_frame(holdings), ids),
        "touches": _with_customer_id(touches.sort("customer", "touch_ts", "campaign_id", maintain_order=True), ids),
        "conversions": _with_customer_id(_conversion_rows(conversions), ids),
        "complaints": _with_customer_id(complaints, ids),
    }


def _with_customer_id(frame: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """Replace the chunk-local `customer` index by the customer id string."""
    return frame.with_columns(ids.gather(frame["customer"]).alias("customer")).rename({"customer": "customer_id"})


def _conversion_rows(conversions: pl.DataFrame) -> pl.DataFrame:
    ordered = conversions.sort("customer", "ts", "product", maintain_order=True)  # stable: ties keep draw order
    product_types = pl.Series([p.product_type for p in PRODUCTS])
    return ordered.select(
        "customer",
        pl.col("ts").alias("conversion_ts"),
        product_types.gather(ordered["product"]).alias("product_type"),
        "value",
    )
