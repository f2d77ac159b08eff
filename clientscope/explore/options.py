"""The explore page's settings, all page options in the URL (`p.<name>`, docs/explore.md):

| option | meaning | example |
| --- | --- | --- |
| `p.m` | metrics, in column order | `aum_total,customers,churn_rate` |
| `p.rows` | row dimensions, outermost first | `region,branch` |
| `p.col` | a column dimension, or time: `month` / `quarter` / `year`; absent: none | `tier` |
| `p.show` | comparison columns: `prior`, `change`, `pct`; absent: no comparison | `change,pct` |
| `p.sort` | `label`, or a metric (`-metric` descending) | `-aum_total` |
| `p.top` | keep the top N rows of the innermost level in each group | `10` |
| `p.view` | `grid`, `bar`, `line` or `heatmap` | `heatmap` |
| `p.cell` | the drilled cell: row codes joined by `/`, then `|` and the column key | `华东区/B001|private` |

The comparison is the filter bar's (`compare=mom|qoq|yoy`, shared with every page's KPI cards); `p.show` says
which of its columns the pivot shows.  Parsing never raises: a value that does not fit (an unknown metric,
a dimension the metrics cannot be broken down by) is dropped with a notice, as the shared filters are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clientscope.semantic import SemanticModel
from clientscope.semantic.periods import COMPARISON_MONTHS, GRAIN_MONTHS
from clientscope.semantic.pivot import COMPARISONS, TIME_COLUMNS
from clientscope.semantic.resolve import metric_dimensions
from clientscope.state import Notice, ViewState

DEFAULT_METRICS: tuple[str, ...] = ("aum_total", "customers")
DEFAULT_ROWS: tuple[str, ...] = ("region",)
SHOW_CHOICES: tuple[str, ...] = ("prior", "change", "pct")
VIEWS: tuple[str, ...] = ("grid", "bar", "line", "heatmap")
MAX_METRICS = 8
MAX_ROWS = 3
MAX_TOP = 1_000
ROW_SEP = "/"
CELL_SEP = "|"
TOTAL_KEY = "*"
EMPTY = "-"  # no row dimension (the URL keeps no blank values, and an absent p.rows means the default)


@dataclass(frozen=True)
class ExploreOptions:
    metrics: tuple[str, ...] = DEFAULT_METRICS
    rows: tuple[str, ...] = DEFAULT_ROWS
    column: str | None = None
    compare: str | None = None
    show: tuple[str, ...] = ()
    sort: str = "label"
    top: int | None = None
    view: str = "grid"
    cell: str | None = None

    @property
    def column_is_time(self) -> bool:
        return self.column in TIME_COLUMNS

    def comparison_parts(self) -> tuple[str, ...]:
        """The columns shown under each metric: the value, then the chosen comparison columns."""
        return ("value", *self.show) if self.compare else ("value",)


def _split(raw: str | None) -> list[str]:
    if raw == EMPTY:
        return []
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def metric_choices(model: SemanticModel) -> tuple[str, ...]:
    """Every visible metric of metrics.yaml, in the file's order."""
    return tuple(name for name, metric in model.metrics.items() if metric.visible)


def dimension_choices(model: SemanticModel, metrics: Sequence[str]) -> tuple[str, ...]:
    """The dimensions every chosen metric can be broken down by."""
    if not metrics:
        return ()
    shared = [set(metric_dimensions(model, m)) for m in metrics]
    return tuple(d for d in model.dimensions if all(d in s for s in shared))


def time_choices(model: SemanticModel, metrics: Sequence[str]) -> tuple[str, ...]:
    return tuple(g for g in TIME_COLUMNS if all(g in model.metric(m).time_grains for m in metrics))


def parse_options(state: ViewState, model: SemanticModel) -> tuple[ExploreOptions, list[Notice]]:
    """The explore settings from the URL's page options, and a notice for every value dropped."""
    raw = state.options
    notices: list[Notice] = []

    def keep(key: str, values: list[str], allowed: Sequence[str], limit: int) -> tuple[str, ...]:
        kept: list[str] = []
        for value in values:
            if value in allowed and value not in kept and len(kept) < limit:
                kept.append(value)
            else:
                notices.append(Notice("p." + key, value, "unknown_value"))
        return tuple(kept)

    metrics = keep("m", _split(raw.get("m")), metric_choices(model), MAX_METRICS) if "m" in raw else DEFAULT_METRICS
    metrics = metrics or DEFAULT_METRICS
    dims = dimension_choices(model, metrics)
    rows = keep("rows", _split(raw.get("rows")), dims, MAX_ROWS) if "rows" in raw else DEFAULT_ROWS
    rows = tuple(r for r in rows if r in dims)
    column = _choice(raw.get("col"), (*time_choices(model, metrics), *(d for d in dims if d not in rows)))
    show = keep("show", _split(raw.get("show")), SHOW_CHOICES, 3)
    compare = state.compare if show and state.compare in COMPARISONS else None
    if compare and column in TIME_COLUMNS and COMPARISON_MONTHS[compare] < GRAIN_MONTHS[column]:
        notices.append(Notice("compare", compare, "bad_choice"))  # a MoM of quarters compares nothing
        compare, show = None, ()
    sort = _choice(raw.get("sort"), ("label", *metrics, *("-" + m for m in metrics))) or "label"
    top = _top(raw.get("top"))
    view = _choice(raw.get("view"), VIEWS) or "grid"
    if raw.get("col") and column is None:
        notices.append(Notice("p.col", raw["col"], "bad_choice"))
    for key, value, parsed in (("sort", raw.get("sort"), sort), ("view", raw.get("view"), view)):
        if value and value != parsed:
            notices.append(Notice("p." + key, value, "bad_choice"))
    if raw.get("top") and top is None:
        notices.append(Notice("p.top", raw["top"], "bad_choice"))
    options = ExploreOptions(metrics, rows, column, compare, show, sort, top, view, raw.get("cell"))
    return options, notices


def _choice(value: str | None, allowed: Sequence[str]) -> str | None:
    return value if value in allowed else None


def _top(raw: str | None) -> int | None:
    if raw and raw.isdigit() and 0 < int(raw) <= MAX_TOP:
        return int(raw)
    return None


def with_controls(
    state: ViewState,
    *,
    metrics: Sequence[str] | None,
    rows: Sequence[str] | None,
    column: str | None,
    show: Sequence[str] | None,
    sort: str | None,
    top: int | float | str | None,
    view: str | None,
) -> ViewState:
    """The state after a change of the explore controls.  Controls re-emitting the values they were rendered with
    change nothing (the drilled cell stays); a real change drops the drilled cell, whose pivot is gone."""
    values = {
        "m": ",".join(metrics or ()) or None,
        "rows": ",".join(rows or ()) or EMPTY,
        "col": column or None,
        "show": ",".join(show or ()) or None,
        "sort": sort if sort and sort != "label" else None,
        "top": str(int(top)) if isinstance(top, int | float) and top > 0 else (str(top) if top else None),
        "view": view if view and view != "grid" else None,
    }
    new = state
    for key, value in values.items():
        new = new.with_option(key, value)
    if _canonical(new.options) == _canonical(state.options):
        return state
    return new.with_option("cell", None)


def _canonical(options: Mapping[str, str]) -> dict[str, str]:
    """Options as the controls would write them (defaults spelled out), without the drilled cell."""
    defaults = {"m": ",".join(DEFAULT_METRICS), "rows": ",".join(DEFAULT_ROWS)}
    return {k: v for k, v in {**defaults, **options}.items() if k != "cell"}
