"""The `/churn` page's numbers: the risk distribution, at-risk customers by drill level, the signal mix and
trend, and the retention action list (`queries/churn_page/*.sql` over the page files, filtered by the view).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from clientscope.access.masking import mask_frame
from clientscope.cache import run_named_cached
from clientscope.churn.files import ChurnData, histogram_edges
from clientscope.churn.reasons import with_reasons
from clientscope.churn.view import LEVELS, RISK_LEVELS, SIGNALS, selected_levels, selected_signal
from clientscope.db import FULL_SCOPE, ViewerScope, query_sql
from clientscope.kpis import period_bounds
from clientscope.marts import params_for
from clientscope.semantic.filtering import ViewFilters
from clientscope.view_context import PageContext

SORTABLE = ("churn_probability", "aum_total")


# The customer attributes the page files carry (as of each row's month): the filters the page applies.
PAGE_DIMENSIONS: tuple[str, ...] = ("region", "branch", "rm", "tier", "acquisition_channel")


def page_filters(pc: PageContext) -> ViewFilters:
    """The view's filters the page applies (bar, drill path and cross-filters on the page files' attributes)."""
    return pc.filters.only(*PAGE_DIMENSIONS)


def filter_params(pc: PageContext, *, with_levels: bool = True) -> dict[str, Any]:
    """The page's own selections as SQL parameters: the risk levels and the chosen signal (and its mask bit)."""
    # x.risk_level is the page's own cross-filter on the model's level (clientscope.churn.view.RISK_CROSS)
    clicked = pc.state.cross.get("risk_level")
    signal = selected_signal(pc.state)
    return {
        "levels": [clicked] if with_levels and clicked in RISK_LEVELS else None,
        "signal": signal,
        "signal_bit": 1 << SIGNALS.index(signal) if signal else None,
    }


def _query(pc: PageContext, name: str, params: Mapping[str, Any]) -> pl.DataFrame:
    # Only the parameters the file names are bound: DuckDB rejects unused ones.
    bound = params_for(query_sql(f"churn_page/{name}"), params)
    return run_named_cached(pc.db, f"churn_page/{name}", bound, scope=pc.scope, filters=page_filters(pc)).frame


def distribution(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """Customers and AUM per probability bin: bin, low, high, risk_level, customers, aum_total.

    Every filter applies except the risk-level cross-filter (the chart shows every level and marks the
    selected one).
    """
    edges = histogram_edges(data.card)
    params = filter_params(pc, with_levels=False)
    frame = _query(pc, "distribution", params)
    lows = pl.Series("low", edges[:-1], dtype=pl.Float64)
    highs = pl.Series("high", edges[1:], dtype=pl.Float64)
    bins = pl.DataFrame({"bin": list(range(1, len(edges))), "low": lows, "high": highs})
    return frame.join(bins, on="bin", how="left").select(
        "bin", "low", "high", "risk_level", pl.col("customers").cast(pl.Int64), pl.col("aum_total").cast(pl.Float64)
    )


def level_totals(dist: pl.DataFrame) -> pl.DataFrame:
    """Customers and AUM per risk level (high, medium, low; zero rows included) from `distribution`."""
    levels = pl.DataFrame({"risk_level": list(RISK_LEVELS)})
    sums = dist.group_by("risk_level").agg(pl.col("customers").sum(), pl.col("aum_total").sum())
    return levels.join(sums, on="risk_level", how="left").with_columns(
        pl.col("customers").fill_null(0).cast(pl.Int64), pl.col("aum_total").fill_null(0.0)
    )


@dataclass(frozen=True)
class Headline:
    customers: int  # scored customers in the filtered scope (all levels)
    aum_total: float
    at_risk_customers: int  # at the selected levels
    at_risk_aum: float

    @property
    def at_risk_share(self) -> float | None:
        return self.at_risk_customers / self.customers if self.customers else None

    @property
    def at_risk_aum_share(self) -> float | None:
        return self.at_risk_aum / self.aum_total if self.aum_total else None


def headline(pc: PageContext, totals: pl.DataFrame) -> Headline:
    chosen = totals.filter(pl.col("risk_level").is_in(list(selected_levels(pc.state))))
    return Headline(
        customers=int(totals["customers"].sum()),
        aum_total=float(totals["aum_total"].sum()),
        at_risk_customers=int(chosen["customers"].sum()),
        at_risk_aum=float(chosen["aum_total"].sum()),
    )


def at_risk_by(pc: PageContext, data: ChurnData, level: str) -> pl.DataFrame:
    """code, customers, at_risk_customers, at_risk_aum, aum_total per `level` (region, branch, rm or tier)."""
    if level not in (*LEVELS, "tier"):
        raise ValueError(f"unknown level {level!r}")
    params = {
        **filter_params(pc, with_levels=False),
        "level": level,
        "at_risk_levels": list(selected_levels(pc.state)),
    }
    frame = _query(pc, "at_risk_by", params)
    return frame.with_columns(
        pl.col("customers").cast(pl.Int64),
        pl.col("at_risk_customers").cast(pl.Int64),
        pl.col("at_risk_aum").cast(pl.Float64),
        pl.col("aum_total").cast(pl.Float64),
    )


def reason_mix(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """signal, customers (with it firing), share — among the selected customers at the selected risk levels."""
    params = {**filter_params(pc), "levels": list(selected_levels(pc.state))}
    row = _query(pc, "reason_mix", params).row(0, named=True)
    total = int(row["customers"] or 0)
    return pl.DataFrame(
        {
            "signal": list(SIGNALS),
            "customers": [int(row[s] or 0) for s in SIGNALS],
            "share": [(int(row[s] or 0) / total) if total else None for s in SIGNALS],
        },
        schema={"signal": pl.String, "customers": pl.Int64, "share": pl.Float64},
    )


def _month_end(month: str) -> date:
    first = date.fromisoformat(month + "-01")
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def signal_shares(pc: PageContext, data: ChurnData) -> pl.DataFrame:
    """month, customers, then per signal the customers with it firing and their share (`<signal>_share`)."""
    start, end = period_bounds(pc)
    levels = pc.state.cross.get("risk_level")
    params = {
        **filter_params(pc, with_levels=False),
        "levels": [levels] if levels in RISK_LEVELS else None,
        "first_month": date.fromisoformat(start + "-01") if start else date.min,
        "last_month": _month_end(end) if end else date.max,
    }
    frame = _query(pc, "signal_shares", params)
    return frame.with_columns(
        pl.col("customers").cast(pl.Int64),
        *(pl.col(s).cast(pl.Int64) for s in SIGNALS),
        *((pl.col(s) / pl.col("customers")).alias(f"{s}_share") for s in SIGNALS),
    )


def signal_shares_long(wide: pl.DataFrame) -> pl.DataFrame:
    """month, signal, firing, customers, share — one row per month and signal (for the line chart)."""
    if wide.is_empty():
        return pl.DataFrame(
            schema={
                "month": pl.Date,
                "signal": pl.String,
                "firing": pl.Int64,
                "customers": pl.Int64,
                "share": pl.Float64,
            }
        )
    parts = [
        wide.select(
            "month",
            pl.lit(s).alias("signal"),
            pl.col(s).alias("firing"),
            "customers",
            pl.col(f"{s}_share").alias("share"),
        )
        for s in SIGNALS
    ]
    return pl.concat(parts)


@dataclass(frozen=True)
class ActionPage:
    rows: pl.DataFrame
    total: int


def action_list(
    pc: PageContext,
    data: ChurnData,
    *,
    offset: int = 0,
    limit: int = 100,
    sort_key: str = "churn_probability",
    descending: bool = True,
    levels: Sequence[str] | None = (),
    mask: bool = True,
) -> ActionPage:
    """One page of the retention action list, riskiest first, with reasons and the suggested action in words.

    `levels` () means the selected risk levels (at risk by default); None means every level (an RM's full
    customer list). Columns: customer_id, name, phone (masked unless the viewer may see personal data; `mask`
    False leaves that to the Excel builder, which masks by the same rule), region,
    branch_id, branch_name, rm_id, rm_name, tier, aum_total, churn_probability, risk_level, warning_score,
    reason_codes, reason_1..3, reasons (joined), action, plus the signal values and flags.
    """
    if sort_key not in SORTABLE:
        raise ValueError(f"cannot sort the action list by {sort_key!r}")
    chosen = list(selected_levels(pc.state)) if levels == () else (list(levels) if levels is not None else None)
    params = {
        **filter_params(pc),
        "levels": chosen,
        "sort_key": sort_key,
        "descending": descending,
        "limit": max(0, int(limit)),
        "offset": max(0, int(offset)),
    }
    frame = _query(pc, "action_list", params)
    total = int(frame["total_rows"][0]) if frame.height else _count(pc, data, params)
    return ActionPage(worded(frame, data, pc.lang, pc.scope if mask else FULL_SCOPE), total)


def _count(pc: PageContext, data: ChurnData, params: dict[str, Any]) -> int:
    """The row count when the requested page is past the end (the page query returns no row to carry it)."""
    if params["offset"] == 0:
        return 0
    first = _query(pc, "action_list", {**params, "offset": 0, "limit": 1})
    return int(first["total_rows"][0]) if first.height else 0


def worded(frame: pl.DataFrame, data: ChurnData, lang: str, scope: ViewerScope) -> pl.DataFrame:
    """Add reasons and the action in `lang`; add missing personal columns; mask them unless allowed."""
    for column in ("name", "phone"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    frame = with_reasons(frame, data.rules, lang)
    frame = frame.with_columns(
        pl.concat_str(
            ["reason_1", "reason_2", "reason_3"], separator="；" if lang == "zh_CN" else "; ", ignore_nulls=True
        )
        .replace("", None)
        .alias("reasons")
    )
    return mask_frame(frame, scope)
