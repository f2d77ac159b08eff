"""The segments page's view: its settings read from the URL, the tier scheme and tags, the filters of the charts
that have the tier as an axis, and the state after a control changes or a chart is clicked.

Charts that have the tier as an axis (mix, trend, breakdown, penetration, migration, potential customers)
are not narrowed by a tier *cross-filter* (as in Superset, the chart that emits a cross-filter is not
filtered by it): the clicked tier is highlighted instead, while the filter bar's tier choice still narrows
them.  The KPI cards and the customer list of the book honour every filter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from clientscope.cache import run_named_cached
from clientscope.customer_list import NO_TAG
from clientscope.i18n import MESSAGES, t
from clientscope.kpis import period_bounds
from clientscope.segments.serving import CLOSED, NEW
from clientscope.semantic.filtering import ViewFilters
from clientscope.semantic.periods import add_months, month_label, month_start
from clientscope.state import ViewState
from clientscope.view_context import FILTER_DIMENSIONS, PageContext

TAG = "tag"  # the breakdown by marketing tag (not a metrics.yaml dimension: tags are a list column)

BREAKDOWNS: tuple[str, ...] = ("region", "branch", "age_band", "gender", TAG, "acquisition_channel", "risk_profile")

DEFAULT_BREAKDOWN = "region"

TREND_MEASURES: tuple[str, ...] = ("count", "aum", "share")

MIX_MEASURES: tuple[str, ...] = ("count", "aum", "share")

HEADLINE_METRICS: tuple[str, ...] = ("customers", "aum_total", "aum_per_customer", "products_per_customer")

MOVE_SEPARATOR = "-"


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


def previous_month(month: str) -> str:
    """`YYYY-MM` of the month before `month` (`2025-01` → `2024-12`)."""
    return month_label(add_months(month_start(month), -1))


def migration_labels(pc: PageContext) -> dict[str, str]:
    """Tier labels plus the "new" and "closed" rows and columns of the migration matrix."""
    return {
        **pc.model.tier_labels(pc.lang),
        NEW: t("customer.list.new", pc.lang),
        CLOSED: t("customer.list.closed", pc.lang),
    }


# --- filters ---------------------------------------------------------------------------------------------------


def axis_filters(pc: PageContext, dimension: str = "tier") -> dict[str, list[str]]:
    """The page's metric filters without the cross-filter on `dimension` (for charts with it as an axis)."""
    state = replace(pc.state, cross={k: v for k, v in pc.state.cross.items() if k != dimension})
    return {FILTER_DIMENSIONS.get(k, k): list(v) for k, v in state.effective_filters().items()}


def axis_view_filters(pc: PageContext, dimension: str = "tier") -> ViewFilters:
    """`axis_filters` compiled for page SQL (the `filtered_<table>` relations)."""
    return ViewFilters.compile(pc.model, axis_filters(pc, dimension))


def selected(pc: PageContext, dimension: str) -> tuple[str, ...]:
    """Values of `dimension` picked on the page (cross-filter first, then the filter bar): highlighted."""
    key = next((k for k, d in FILTER_DIMENSIONS.items() if d == dimension), dimension)
    if dimension in pc.state.cross:
        return (pc.state.cross[dimension],)
    if key in pc.state.cross:
        return (pc.state.cross[key],)
    return tuple(pc.state.filters.get(key, ()))


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
