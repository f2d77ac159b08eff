"""Data behind the segments page: tier mix and trend, breakdowns, product penetration, tier migration and
"potential" customers.

Metrics (customers, AUM, products per customer) come from the semantic layer; what it cannot express —
marketing tags (a list per customer), holdings open at a month-end, the pairing of two month-ends and the
potential rule — is SQL in `queries/segments/`.  Every query runs under the viewer's scope.

Charts that have the tier as an axis (mix, trend, breakdown, penetration, migration, potential customers)
are not narrowed by a tier *cross-filter* (as in Superset, the chart that emits a cross-filter is not
filtered by it): the clicked tier is highlighted instead, while the filter bar's tier choice still narrows
them.  The KPI cards and the customer list of the book honour every filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.components.page import FILTER_DIMENSIONS, PageContext
from clientscope.customer_list import (
    NO_TAG,
    CustomerSegment,
    ListSource,
    bind,
    customer_filters,
    filter_params,
    register_source,
)
from clientscope.i18n import MESSAGES, t
from clientscope.kpis import period_bounds
from clientscope.semantic import (
    FormatSpec,
    MetricRequest,
    compare_query,
    format_change,
    format_value,
    run_compiled,
    run_metric_query,
)
from clientscope.state import ViewState

NEW = "new"  # migration: on the books at the later month-end only
CLOSED = "closed"  # migration: on the books at the earlier month-end only
TAG = "tag"  # the breakdown by marketing tag (not a metrics.yaml dimension: tags are a list column)
BREAKDOWNS: tuple[str, ...] = ("region", "branch", "age_band", "gender", TAG, "acquisition_channel", "risk_profile")
DEFAULT_BREAKDOWN = "region"
TREND_MEASURES: tuple[str, ...] = ("count", "aum", "share")
MIX_MEASURES: tuple[str, ...] = ("count", "aum", "share")
HEADLINE_METRICS: tuple[str, ...] = ("customers", "aum_total", "aum_per_customer", "products_per_customer")
MOVE_SEPARATOR = "-"


@dataclass(frozen=True)
class PotentialRule:
    """When a customer below the top tier looks like the tier above ("potential" customers).

    A customer on the books at the month-end, not churned, whose tier has a tier above, is potential when
    1. headroom: AUM ≥ `headroom_share` × the floor of the tier above (metrics.yaml tier thresholds), and
    2. at least `min_signals` of these signals fire (a signal without data never fires):
       - AUM growth: AUM ≥ (1 + `aum_growth_min`) × the AUM `growth_months` months before;
       - card spend, cross-border spend, payroll inflow: the average over the last `lookback_months`
         months ≥ `peer_share` × the median of the tier above (over the whole book in scope).
    Cross-border spend and payroll inflow are optional extract columns; without them two signals remain.
    The values come from metrics.yaml `rules.potential`; the defaults here are the same.
    """

    headroom_share: float = 0.5
    aum_growth_min: float = 0.15
    growth_months: int = 3
    lookback_months: int = 3
    peer_share: float = 0.5
    min_signals: int = 2

    def sql_params(self) -> dict[str, Any]:
        return asdict(self)


POTENTIAL_RULE = PotentialRule()  # the defaults; the app uses `potential_rule(model)` (metrics.yaml)


def potential_rule(model) -> PotentialRule:
    """The rule as configured in metrics.yaml `rules.potential`."""
    return PotentialRule(**model.rules.potential.model_dump())


SIGNALS: tuple[str, ...] = ("aum_growth", "card_spend", "cross_border", "payroll")


@dataclass(frozen=True)
class SegmentsView:
    """The page's own settings, read from the URL (`dim` and `p.<name>` options) and validated."""

    start: str
    end: str
    trend: str  # p.trend: count | aum | share
    breakdown: str  # dim=<dimension>, or p.by=tag
    mix: str  # p.mix: count | aum | share (the breakdown chart's measure)
    tag: str | None  # p.tag: the customer list's tag
    from_month: str  # p.from: the migration period's first month (default: the period's first month)
    to_month: str  # p.to: the migration period's last month (default: the period's last month)
    move: tuple[str, str] | None  # p.move=<from>-<to>: the migration cell the customer list shows
    potential: bool  # p.list=potential: the customer list shows the potential customers

    @property
    def opening_month(self) -> str:
        """The month-end the migration starts from: the one before `from_month` (as the churn rate's opening book),
        so the moves of the period's first month are counted."""
        return previous_month(self.from_month)


def tier_codes(pc: PageContext) -> tuple[str, ...]:
    """The primary scheme's tier codes, highest first."""
    return tuple(pc.model.tier_labels(pc.lang))


def tier_floors(pc: PageContext) -> list[float]:
    """The primary scheme's floors in the currency of the data, highest tier first."""
    return list(pc.model.rules.tiers.primary_floors(pc.model.currency))


def known_tags(pc: PageContext) -> tuple[str, ...]:
    """The tags present in the customers extract, most common first."""
    return tuple(run_named_cached(pc.db, "segments/tags", scope=pc.scope).frame["tag"].to_list())


def tag_label(tag: str, lang: str) -> str:
    """A tag's display label (known demo tags are translated; other tags show as written)."""
    key = "segments.tag.none" if tag == NO_TAG else f"segments.tag.{tag}"
    return t(key, lang) if key in MESSAGES else tag


def segments_view(pc: PageContext, tags: tuple[str, ...] | None = None) -> SegmentsView:
    state = pc.state
    start, end = period_bounds(pc)
    months = [m for m in pc.choices.months if start <= m <= end] or [end]
    breakdown = TAG if state.options.get("by") == TAG else (state.dim if state.dim in BREAKDOWNS else DEFAULT_BREAKDOWN)
    from_month = state.option("from", pc.choices.months, months[0])
    to_month = state.option("to", pc.choices.months, months[-1])
    if from_month > to_month:
        from_month, to_month = to_month, from_month
    tag = state.options.get("tag")
    if tag is not None and tag != NO_TAG and tag not in (tags if tags is not None else known_tags(pc)):
        tag = None
    return SegmentsView(
        start=start,
        end=end,
        trend=state.option("trend", TREND_MEASURES, "count"),
        breakdown=breakdown,
        mix=state.option("mix", MIX_MEASURES, "count"),
        tag=tag,
        from_month=from_month,
        to_month=to_month,
        move=parse_move(state.options.get("move"), tier_codes(pc)),
        potential=state.options.get("list") == "potential",
    )


def parse_move(raw: str | None, tiers: tuple[str, ...]) -> tuple[str, str] | None:
    """`p.move=<from>-<to>` → (from, to) when both ends are valid (from: a tier or new; to: a tier or closed)."""
    if not raw:
        return None
    origin, sep, target = raw.partition(MOVE_SEPARATOR)
    if sep and origin in (*tiers, NEW) and target in (*tiers, CLOSED) and (origin, target) != (NEW, CLOSED):
        return origin, target
    return None


def move_option(origin: str, target: str) -> str:
    return f"{origin}{MOVE_SEPARATOR}{target}"


def month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def previous_month(month: str) -> str:
    """`YYYY-MM` of the month before `month` (`2025-01` → `2024-12`)."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


# --- filters ---------------------------------------------------------------------------------------------------


def axis_filters(pc: PageContext, dimension: str = "tier") -> dict[str, list[str]]:
    """The page's metric filters without the cross-filter on `dimension` (for charts with it as an axis)."""
    state = replace(pc.state, cross={k: v for k, v in pc.state.cross.items() if k != dimension})
    return {FILTER_DIMENSIONS.get(k, k): list(v) for k, v in state.effective_filters().items()}


def selected(pc: PageContext, dimension: str) -> tuple[str, ...]:
    """Values of `dimension` picked on the page (cross-filter first, then the filter bar): highlighted."""
    key = next((k for k, d in FILTER_DIMENSIONS.items() if d == dimension), dimension)
    if dimension in pc.state.cross:
        return (pc.state.cross[dimension],)
    if key in pc.state.cross:
        return (pc.state.cross[key],)
    return tuple(pc.state.filters.get(key, ()))


def _customer_params(filters: Mapping[str, list[str]]) -> dict[str, Any]:
    return filter_params(filters)


def _detail(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(~pl.col("is_total")) if "is_total" in frame.columns else frame


def _total(frame: pl.DataFrame) -> dict[str, Any]:
    if "is_total" not in frame.columns:
        return {}
    totals = frame.filter(pl.col("is_total"))
    return totals.row(0, named=True) if totals.height else {}


# --- tier mix, trend, breakdown --------------------------------------------------------------------------------


def tier_mix(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Customers and AUM per tier at the period's last month, their shares, and the prior (MoM / QoQ / YoY).

    Columns: tier, customers, customers_prior, customers_change, customers_share, customers_share_prior,
    customers_share_change, and the same for aum_total.  Every tier of the scheme has a row.
    """
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=("tier",),
        filters=axis_filters(pc),
        grain="month",
        start=view.end,
        end=view.end,
        totals="grand",
    )
    frame = run_compiled(pc.db, compare_query(pc.model, request, pc.state.compare), pc.scope, "tier mix").frame
    total = _total(frame)
    detail = {row["tier"]: row for row in _detail(frame).iter_rows(named=True)}
    rows = []
    for tier in tier_codes(pc):
        row = detail.get(tier, {})
        out: dict[str, Any] = {"tier": tier}
        for m in ("customers", "aum_total"):
            value, prior = row.get(m) or 0, row.get(f"{m}__prior")
            total_now, total_prior = total.get(m), total.get(f"{m}__prior")
            share = value / total_now if total_now else None
            share_prior = (prior or 0) / total_prior if total_prior else None
            out[m] = value
            out[f"{m}_prior"] = prior
            out[f"{m}_change"] = value - prior if prior is not None else None
            out[f"{m}_share"] = share
            out[f"{m}_share_prior"] = share_prior
            out[f"{m}_share_change"] = share - share_prior if share is not None and share_prior is not None else None
        rows.append(out)
    return pl.DataFrame(rows, schema=_MIX_SCHEMA, orient="row") if rows else pl.DataFrame(schema=_MIX_SCHEMA)


_MIX_SCHEMA = {
    "tier": pl.Utf8,
    **{
        f"{m}{suffix}": pl.Float64
        for m in ("customers", "aum_total")
        for suffix in ("", "_prior", "_change", "_share", "_share_prior", "_share_change")
    },
}


def tier_trend(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Per month of the period and tier: customers, AUM, and each tier's share of customers and of AUM."""
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=("tier",),
        filters=axis_filters(pc),
        grain="month",
        start=view.start,
        end=view.end,
    )
    frame = _detail(run_metric_query(pc.db, pc.model, request, pc.scope).frame)
    if not frame.height:
        return pl.DataFrame(
            schema={
                "period": pl.Date,
                "tier": pl.Utf8,
                "customers": pl.Int64,
                "aum_total": pl.Float64,
                "customers_share": pl.Float64,
                "aum_share": pl.Float64,
            }
        )
    return frame.select("period", "tier", "customers", "aum_total").with_columns(
        (pl.col("customers") / pl.col("customers").sum().over("period")).alias("customers_share"),
        (pl.col("aum_total") / pl.col("aum_total").sum().over("period")).alias("aum_share"),
    )


def breakdown(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Customers and AUM per value of the breakdown dimension and tier, at the period's last month.

    Columns: value, tier, customers, aum_total.  For tags a customer counts under each of their tags.
    """
    filters = axis_filters(pc)
    if view.breakdown == TAG:
        params = {**_customer_params(filters), "month_start": month_start(view.end), "no_tag": NO_TAG}
        frame = run_named_cached(pc.db, "segments/tag_mix", bind("segments/tag_mix", params), scope=pc.scope).frame
        return frame.rename({"tag": "value"}).select("value", "tier", "customers", "aum_total")
    request = MetricRequest(
        metrics=("customers", "aum_total"),
        dimensions=(view.breakdown, "tier"),
        filters=filters,
        grain="month",
        start=view.end,
        end=view.end,
    )
    frame = _detail(run_metric_query(pc.db, pc.model, request, pc.scope).frame)
    return frame.select(
        pl.col(view.breakdown).cast(pl.Utf8).fill_null("").alias("value"), "tier", "customers", "aum_total"
    )


def breakdown_labels(pc: PageContext, view: SegmentsView, values: list[str]) -> dict[str, str]:
    if view.breakdown == TAG:
        return {v: tag_label(v, pc.lang) for v in values}
    labels = pc.value_labels().get(view.breakdown, {})
    return {v: labels.get(v, v) or "—" for v in values}


# --- products --------------------------------------------------------------------------------------------------


def penetration(pc: PageContext, view: SegmentsView) -> pl.DataFrame | None:
    """Share of each tier's customers holding each product type at the period's last month-end.

    None when the holdings extract is absent.  Columns: tier, product_type, holders, customers, share; every
    (tier with customers, product type seen in holdings or metrics.yaml) pair has a row.
    """
    if not pc.db.has("holdings"):
        return None
    params = {**_customer_params(axis_filters(pc)), "month_start": month_start(view.end)}
    frame = run_named_cached(pc.db, "segments/penetration", bind("segments/penetration", params), scope=pc.scope).frame
    sizes = run_metric_query(
        pc.db,
        pc.model,
        MetricRequest(("customers",), ("tier",), axis_filters(pc), "month", view.end, view.end),
        pc.scope,
    ).frame
    sizes = _detail(sizes)
    products = list(
        dict.fromkeys([*pc.model.value_labels("product_type", pc.lang), *frame["product_type"].unique().sort()])
    )
    grid = pl.DataFrame(
        [
            {"tier": tier, "product_type": product, "customers": customers}
            for tier, customers in zip(sizes["tier"].to_list(), sizes["customers"].to_list(), strict=True)
            if tier is not None
            for product in products
        ],
        schema={"tier": pl.Utf8, "product_type": pl.Utf8, "customers": pl.Int64},
    )
    joined = grid.join(frame.select("tier", "product_type", "holders"), on=["tier", "product_type"], how="left")
    return joined.with_columns(pl.col("holders").fill_null(0)).with_columns(
        (pl.col("holders") / pl.col("customers")).alias("share")
    )


def products_per_customer(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Products per customer and the cross-sell rate per tier (and the total row) at the period's last month."""
    request = MetricRequest(
        metrics=("products_per_customer", "cross_sell_rate"),
        dimensions=("tier",),
        filters=axis_filters(pc),
        grain="month",
        start=view.end,
        end=view.end,
        totals="grand",
    )
    return run_metric_query(pc.db, pc.model, request, pc.scope).frame


# --- migration -------------------------------------------------------------------------------------------------


def migration(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """The from-tier × to-tier matrix of the migration period `view.from_month` .. `view.to_month`, zero cells
    included: the tier at the month-end before the period (`view.opening_month`) against the tier at its last
    month-end, so a move in the period's first month is counted.

    Rows: from ∈ new + tiers; columns: to ∈ tiers + closed.  Columns: from_tier, to_tier, customers,
    aum_from (AUM at the opening month-end), aum_to (at the later one).
    """
    params = {
        **_customer_params(axis_filters(pc)),
        "from_start": month_start(view.opening_month),
        "to_start": month_start(view.to_month),
        "new_code": NEW,
        "closed_code": CLOSED,
    }
    frame = run_named_cached(pc.db, "segments/migration", bind("segments/migration", params), scope=pc.scope).frame
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


# --- potential customers ---------------------------------------------------------------------------------------


def _potential_params(pc: PageContext, month: str, rule: PotentialRule) -> dict[str, Any]:
    return {**rule.sql_params(), "tier_mins": tier_floors(pc), "month_start": month_start(month)}


def potential(pc: PageContext, view: SegmentsView, rule: PotentialRule | None = None) -> pl.DataFrame:
    """Per candidate tier (below the top): candidates, potential customers, their AUM and signal counts.

    `with_cross_border_data` / `with_payroll_data` count candidates with any data for those signals.
    """
    rule = rule or potential_rule(pc.model)
    params = {**_customer_params(axis_filters(pc)), **_potential_params(pc, view.end, rule)}
    return run_named_cached(pc.db, "segments/potential", bind("segments/potential", params), scope=pc.scope).frame


def list_segment(pc: PageContext, view: SegmentsView) -> CustomerSegment:
    """The segment the page's customer list shows: potential customers, a migration cell, or the book."""
    filters = customer_filters(pc.metric_filters())
    if view.potential:  # like the migration, about moving between tiers: a tier cross-filter is not applied
        return CustomerSegment(view.end, customer_filters(axis_filters(pc)), view.tag, "potential")
    if view.move:
        # the move names the tiers: a tier cross-filter (which the migration charts do not apply) is dropped
        # from_month: the opening month-end the migration compares (the one before the period's first month)
        params = {"from_month": view.opening_month, "from_tier": view.move[0], "to_tier": view.move[1]}
        return CustomerSegment(view.to_month, customer_filters(axis_filters(pc)), view.tag, "migration", params)
    return CustomerSegment(view.end, filters, view.tag)


def migration_labels(pc: PageContext) -> dict[str, str]:
    """Tier labels plus the "new" and "closed" rows and columns of the migration matrix."""
    return {
        **pc.model.tier_labels(pc.lang),
        NEW: t("customer.list.new", pc.lang),
        CLOSED: t("customer.list.closed", pc.lang),
    }


def list_title(pc: PageContext, view: SegmentsView) -> str:
    """What the page's customer list shows, in words."""
    lang = pc.lang
    labels = migration_labels(pc)
    if view.potential:
        title = t("segments.list.potential", lang, month=view.end)
    elif view.move:
        title = t(
            "segments.list.move",
            lang,
            origin=labels.get(view.move[0], view.move[0]),
            target=labels.get(view.move[1], view.move[1]),
            start=view.opening_month,
            end=view.to_month,
        )
    else:
        title = t("segments.list.book", lang, month=view.end)
    if view.tag:
        title += t("segments.list.tag", lang, tag=tag_label(view.tag, lang))
    return title


def _migration_list_params(pc: PageContext, segment: CustomerSegment) -> dict[str, Any]:
    del pc
    from_month = segment.params.get("from_month", segment.month)
    if len(from_month) != 7 or from_month[4] != "-":
        raise ValueError("from_month must be YYYY-MM")
    return {
        "from_start": month_start(from_month),
        "to_start": segment.month_start(),
        "from_tier": segment.params.get("from_tier"),
        "to_tier": segment.params.get("to_tier"),
        "new_code": NEW,
        "closed_code": CLOSED,
    }


def _potential_list_params(pc: PageContext, segment: CustomerSegment) -> dict[str, Any]:
    return _potential_params(pc, segment.month, potential_rule(pc.model))


_COMMON_SORT = {"customer_id", "region", "branch_id", "rm_id", "stage", "warning_level", "products_held", "txn_count"}

register_source(
    "migration",
    ListSource(
        query="segments/migration_list",
        columns=(
            "region",
            "branch_id",
            "rm_id",
            "from_tier",
            "to_tier",
            "aum_from",
            "aum_to",
            "aum_change",
            "stage",
            "products_held",
            "warning_level",
        ),
        sort_keys=frozenset(
            {*_COMMON_SORT, "from_tier", "to_tier", "aum_from", "aum_to", "aum_change", "tenure_months"}
        ),
        default_sort=("aum_change", True),
        param_names=frozenset({"from_month", "from_tier", "to_tier"}),
        params=_migration_list_params,
        extra_columns={
            "from_tier": "segments.col.from_tier",
            "to_tier": "segments.col.to_tier",
            "aum_from": "segments.col.aum_from",
            "aum_to": "segments.col.aum_to",
            "aum_change": "segments.col.aum_change",
        },
    ),
)
register_source(
    "potential",
    ListSource(
        query="segments/potential_list",
        columns=(
            "region",
            "branch_id",
            "rm_id",
            "tier",
            "aum_total",
            "aum_growth",
            "card_spend_avg",
            "cross_border_avg",
            "payroll_avg",
            "signals",
            "sig_aum_growth",
            "sig_card_spend",
            "sig_cross_border",
            "sig_payroll",
            "products_held",
        ),
        sort_keys=frozenset(
            {
                *_COMMON_SORT,
                "tier",
                "aum_total",
                "aum_growth",
                "card_spend_avg",
                "cross_border_avg",
                "payroll_avg",
                "signals",
                "tenure_months",
            }
        ),
        default_sort=("aum_total", True),
        params=_potential_list_params,
        extra_columns={
            "aum_growth": "segments.col.aum_growth",
            "card_spend_avg": "segments.col.card_spend_avg",
            "cross_border_avg": "segments.col.cross_border_avg",
            "payroll_avg": "segments.col.payroll_avg",
            "signals": "segments.col.signals",
            "sig_aum_growth": "segments.col.sig_aum_growth",
            "sig_card_spend": "segments.col.sig_card_spend",
            "sig_cross_border": "segments.col.sig_cross_border",
            "sig_payroll": "segments.col.sig_payroll",
        },
    ),
)


# --- numbers on screen -------------------------------------------------------------------------------------------

SHARE_FORMAT = FormatSpec(type="percent", decimals=1)


@dataclass(frozen=True)
class Numbers:
    """How the page writes numbers: formats from metrics.yaml (AUM, customers), shares as percentages."""

    lang: str
    money_format: FormatSpec
    count_format: FormatSpec

    def money(self, value: float | None) -> str:
        return format_value(value, self.money_format, self.lang)

    def count(self, value: float | None) -> str:
        return format_value(value, self.count_format, self.lang)

    def share(self, value: float | None) -> str:
        return format_value(value, SHARE_FORMAT, self.lang)

    def points(self, value: float | None) -> str:
        """A change of a share, in percentage points."""
        return format_change(value, SHARE_FORMAT, self.lang)

    def money_change(self, value: float | None) -> str:
        return format_change(value, self.money_format, self.lang)

    def count_change(self, value: float | None) -> str:
        return format_change(value, self.count_format, self.lang)


def numbers(pc: PageContext) -> Numbers:
    return Numbers(pc.lang, pc.model.format_of("aum_total"), pc.model.format_of("customers"))


# --- page option changes (pure: the callbacks only read inputs and write the query this returns) ----------------


def with_setting(state: ViewState, view: SegmentsView, name: str, value: str | None) -> ViewState:
    """The state after one of the page's controls changed; unchanged when `value` is what `view` already shows
    (Dash also fires the callback when the controls are first drawn)."""
    current = {
        "trend": view.trend,
        "mix": view.mix,
        "breakdown": view.breakdown,
        "from": view.from_month,
        "to": view.to_month,
    }
    if name not in current:
        raise ValueError(f"unknown segments setting {name!r}")
    if not value or value == current[name]:
        return state
    if name == "breakdown":
        if value == TAG:
            return replace(state, dim=None).with_option("by", TAG)
        return replace(state, dim=value if value in BREAKDOWNS else None).with_option("by", None)
    return state.with_option(name, value)


def with_click(state: ViewState, target: str, value: str | None) -> ViewState:
    """The state after a click that picks the customer list's segment (clicking the same one again clears it)."""
    if target == "move":
        same = state.options.get("move") == value
        return state.with_option("move", None if same else value).with_option("list", None)
    if target == "tag":
        same = state.options.get("tag") == value
        return state.with_option("tag", None if same else value)
    if target == "potential":
        same = state.options.get("list") == "potential"
        return state.with_option("list", None if same else "potential").with_option("move", None)
    if target == "tier-penetration":  # a heatmap cell: cross-filter by its tier, as the bar charts do
        return state.with_cross("tier", None if state.cross.get("tier") == value else value)
    if target == "clear":
        return state.with_option("move", None).with_option("list", None).with_option("tag", None)
    raise ValueError(f"unknown segments click {target!r}")
