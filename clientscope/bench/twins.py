"""The bridge to the pandas baseline (`bench/pandas_baseline.py`): what it is asked, and what the app answers.

For each page that has a pandas twin, `twin_query(page, pc)` turns the page's view (from its URL) into
the plain request the twin takes, and `app_numbers(page, pc)` computes the same numbers with the
functions the page itself calls, so the two can be compared value by value.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from clientscope.settings import PROJECT_ROOT
from clientscope.view_context import PageContext

BASELINE_FILE = PROJECT_ROOT / "bench" / "pandas_baseline.py"
REL_TOL = 1e-9  # sums in a different order may differ in the last bits
ABS_TOL = 1e-6


@cache
def baseline_module() -> ModuleType:
    """`bench/pandas_baseline.py`, loaded by path (it is a labelled baseline, not part of the package)."""
    spec = importlib.util.spec_from_file_location("clientscope_pandas_baseline", BASELINE_FILE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {BASELINE_FILE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def _shift(month: str, months: int) -> str:
    year, mon = (int(part) for part in month.split("-"))
    index = year * 12 + (mon - 1) - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _columns(pc: PageContext, source: str) -> dict[str, list[str]]:
    """The view's filters as mart columns, keeping the dimensions `source` can be cut by."""
    if source not in pc.model.sources:
        return {}
    allowed = set(pc.model.sources[source].dimensions)
    return {
        pc.model.dimension(dimension).column: values
        for dimension, values in pc.metric_filters().items()
        if dimension in allowed
    }


def overview_query(pc: PageContext) -> dict[str, Any]:
    from clientscope.kpis import period_bounds
    from clientscope.semantic.periods import COMPARISON_MONTHS

    start, end = period_bounds(pc)
    return {
        "start": start,
        "end": end,
        "prior": _shift(end, COMPARISON_MONTHS[pc.state.compare]),
        "filters": _columns(pc, "customer_month_facts"),
        "churn_filters": _columns(pc, "churn_events"),
        "touch_filters": _columns(pc, "touch_facts"),
        "window_days": pc.model.rules.conversion.window_days,
    }


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def overview_app_numbers(pc: PageContext) -> dict[str, Any]:
    from clientscope.kpis import kpi_numbers
    from clientscope.overview.data import HEADLINE_METRICS, tier_mix

    numbers = kpi_numbers(pc, HEADLINE_METRICS)
    mix = tier_mix(pc)
    return {
        "kpi": {n.metric: {"value": _number(n.value), "prior": _number(n.prior)} for n in numbers},
        "trend": {
            n.metric: {p.strftime("%Y-%m"): _number(v) for p, v in n.trend.iter_rows()} if n.trend.height else {}
            for n in numbers
        },
        "tier_mix": {
            str(row["tier"]): {"customers": float(row["customers"]), "aum_total": float(row["aum_total"])}
            for row in mix.iter_rows(named=True)
        },
    }


TWINS: dict[str, tuple[Callable[[PageContext], dict], Callable[[PageContext], dict]]] = {
    "overview": (overview_query, overview_app_numbers),
}


def has_twin(page: str) -> bool:
    return page in TWINS and page in baseline_module().PAGES


def differences(app: Any, twin: Any, path: str = "") -> list[str]:
    """Where two nested number structures differ (empty when equal within float tolerance)."""
    if isinstance(app, Mapping) and isinstance(twin, Mapping):
        found = []
        for key in sorted(set(app) | set(twin), key=str):
            if key not in app or key not in twin:
                found.append(f"{path}/{key}: only in {'app' if key in app else 'pandas'}")
            else:
                found += differences(app[key], twin[key], f"{path}/{key}")
        return found
    if app is None or twin is None:
        return [] if app is None and twin is None else [f"{path}: app {app!r} vs pandas {twin!r}"]
    if math.isclose(float(app), float(twin), rel_tol=REL_TOL, abs_tol=ABS_TOL):
        return []
    return [f"{path}: app {app!r} vs pandas {twin!r}"]
