"""Tier migration: the from-tier × to-tier matrix between two month-ends, its summary and per-tier flows.

The month-end pairs of a default view (`serving.MIGRATION_SPANS`) come from the serving layer's
`segment_migration`; any other pair is paired from the month-end detail (`migration_detail.sql`), and
`is_served` says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.db import FULL_SCOPE
from clientscope.segments.serving import CLOSED, NEW, page_query
from clientscope.segments.view import SegmentsView, axis_filters, axis_view_filters, tier_codes
from clientscope.semantic.periods import month_start
from clientscope.view_context import PageContext


def is_served(pc: PageContext, view: SegmentsView) -> bool:
    """Whether the serving layer holds the migration between the view's two month-ends."""
    # which pairs exist says nothing about any customer: asked once per data version for every viewer
    spans = run_named_cached(pc.db, "segments/migration_spans", scope=FULL_SCOPE).frame
    pairs = {(f"{a:%Y-%m}", f"{b:%Y-%m}") for a, b in spans.select("from_start", "to_start").iter_rows()}
    return (view.opening_month, view.to_month) in pairs


def migration(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """The from-tier × to-tier matrix of the migration period `view.from_month` .. `view.to_month`, zero cells
    included: the tier at the month-end before the period (`view.opening_month`) against the tier at its last
    month-end, so a move in the period's first month is counted.

    Rows: from ∈ new + tiers; columns: to ∈ tiers + closed.  Columns: from_tier, to_tier, customers,
    aum_from (AUM at the opening month-end), aum_to (at the later one).
    """
    picked = axis_filters(pc).get("tier")  # customers whose from or to tier is one of them
    params = {"from_start": month_start(view.opening_month), "to_start": month_start(view.to_month), "tiers": picked}
    filters = axis_view_filters(pc).without("tier")
    if is_served(pc, view):
        frame = run_named_cached(pc.db, page_query("migration", filters), params, scope=pc.scope, filters=filters).frame
    else:
        params = {**params, "new_code": NEW, "closed_code": CLOSED}
        frame = run_named_cached(pc.db, "segments/migration_detail", params, scope=pc.scope, filters=filters).frame
    tiers = tier_codes(pc)
    cells = pl.DataFrame(
        [{"from_tier": a, "to_tier": b} for a in (*tiers, NEW) for b in (*tiers, CLOSED) if (a, b) != (NEW, CLOSED)],
        schema={"from_tier": pl.Utf8, "to_tier": pl.Utf8},
    )
    return cells.join(frame, on=["from_tier", "to_tier"], how="left").with_columns(
        pl.col("customers").fill_null(0).cast(pl.Int64),
        pl.col("aum_from").fill_null(0.0),
        pl.col("aum_to").fill_null(0.0),
    )


@dataclass(frozen=True)
class MigrationSummary:
    upgrades: int
    downgrades: int
    stayed: int
    new: int
    closed: int
    upgraded_aum: float  # AUM of upgraded customers at the later month-end
    downgraded_aum: float  # AUM of downgraded customers at the earlier month-end
    new_aum: float  # at the later month-end
    closed_aum: float  # at the earlier month-end

    @property
    def net_moves(self) -> int:
        return self.upgrades - self.downgrades

    @property
    def net_aum_moved_up(self) -> float:
        """AUM that arrived in higher tiers (upgraders, later month) − AUM that left them (downgraders, earlier)."""
        return self.upgraded_aum - self.downgraded_aum


def migration_summary(matrix: pl.DataFrame, tiers: tuple[str, ...]) -> MigrationSummary:
    """Upgrades, downgrades, new and closed customers and the AUM they moved (tiers: highest first)."""
    rank = {tier: i for i, tier in enumerate(tiers)}
    counts = {"up": 0, "down": 0, "same": 0, NEW: 0, CLOSED: 0}
    aum = {"up": 0.0, "down": 0.0, NEW: 0.0, CLOSED: 0.0}
    for row in matrix.iter_rows(named=True):
        origin, target, n = row["from_tier"], row["to_tier"], int(row["customers"] or 0)
        if origin == NEW:
            counts[NEW] += n
            aum[NEW] += row["aum_to"] or 0.0
        elif target == CLOSED:
            counts[CLOSED] += n
            aum[CLOSED] += row["aum_from"] or 0.0
        elif rank[target] < rank[origin]:
            counts["up"] += n
            aum["up"] += row["aum_to"] or 0.0
        elif rank[target] > rank[origin]:
            counts["down"] += n
            aum["down"] += row["aum_from"] or 0.0
        else:
            counts["same"] += n
    return MigrationSummary(
        upgrades=counts["up"],
        downgrades=counts["down"],
        stayed=counts["same"],
        new=counts[NEW],
        closed=counts[CLOSED],
        upgraded_aum=aum["up"],
        downgraded_aum=aum["down"],
        new_aum=aum[NEW],
        closed_aum=aum[CLOSED],
    )


def tier_flows(matrix: pl.DataFrame, tiers: tuple[str, ...]) -> pl.DataFrame:
    """Per tier: opening, in from other tiers, new, out to other tiers, closed, closing (customers and AUM).

    AUM moving in is counted at the later month-end, AUM moving out at the earlier one;
    net_aum_moved = aum_in − aum_out (moves between tiers only).
    """
    rows = []
    for tier in tiers:
        out_rows = matrix.filter(pl.col("from_tier") == tier)
        in_rows = matrix.filter(pl.col("to_tier") == tier)
        moved_in = in_rows.filter(~pl.col("from_tier").is_in([tier, NEW]))
        new_in = in_rows.filter(pl.col("from_tier") == NEW)
        moved_out = out_rows.filter(~pl.col("to_tier").is_in([tier, CLOSED]))
        closed = out_rows.filter(pl.col("to_tier") == CLOSED)
        rows.append(
            {
                "tier": tier,
                "opening": int(out_rows["customers"].sum()),
                "opening_aum": float(out_rows["aum_from"].sum()),
                "moved_in": int(moved_in["customers"].sum()),
                "aum_in": float(moved_in["aum_to"].sum()),
                "new": int(new_in["customers"].sum()),
                "moved_out": int(moved_out["customers"].sum()),
                "aum_out": float(moved_out["aum_from"].sum()),
                "closed": int(closed["customers"].sum()),
                "closing": int(in_rows["customers"].sum()),
                "closing_aum": float(in_rows["aum_to"].sum()),
            }
        )
    frame = pl.DataFrame(rows)
    return frame.with_columns((pl.col("aum_in") - pl.col("aum_out")).alias("net_aum_moved")) if rows else frame
