"""What a metric depends on: the metrics it references, the sources it reads, the dimensions it can be cut by."""

from __future__ import annotations

from clientscope.contract import TABLES_BY_NAME
from clientscope.marts import MART_COLUMNS
from clientscope.semantic.expressions import identifiers
from clientscope.semantic.model import (
    ConversionMetric,
    DerivedMetric,
    Metric,
    RatioMetric,
    SemanticModel,
    SimpleMetric,
)

RESERVED_COLUMNS: frozenset[str] = frozenset({"period", "grouping_id", "is_total"})
# A conversion metric's base table holds the data's last month-end here (queries/marts/touch_facts.sql): the metric
# counts only the events whose window (event date + window days) ends by then — complete windows only.
OBSERVED_UNTIL_COLUMN = "observed_until"


def table_columns(table: str) -> tuple[str, ...] | None:
    """Columns of an extract table or a mart; None when the name is neither."""
    if table in MART_COLUMNS:
        return MART_COLUMNS[table]
    if table in TABLES_BY_NAME:
        return TABLES_BY_NAME[table].column_names
    return None


def known_tables() -> tuple[str, ...]:
    return (*MART_COLUMNS, *TABLES_BY_NAME)


def direct_refs(metric: Metric) -> tuple[str, ...]:
    """The metrics this metric names directly (ratio parts, identifiers of a derived expression)."""
    if isinstance(metric, RatioMetric):
        return (metric.numerator.metric, metric.denominator.metric)
    if isinstance(metric, DerivedMetric):
        return identifiers(metric.expr)
    return ()


def metric_sources(model: SemanticModel, name: str) -> tuple[str, ...]:
    """The sources whose dimensions a metric's rows carry (conversion metrics: the base event source)."""
    metric = model.metric(name)
    if isinstance(metric, SimpleMetric):
        return (metric.source,)
    if isinstance(metric, ConversionMetric):
        return (metric.base.source,)
    found: dict[str, None] = {}
    for ref in direct_refs(metric):
        for source in metric_sources(model, ref):
            found.setdefault(source, None)
    return tuple(found)


def metric_tables(model: SemanticModel, name: str) -> tuple[str, ...]:
    """Every table a metric reads (a conversion metric also reads its conversion source)."""
    metric = model.metric(name)
    sources = list(metric_sources(model, name))
    if isinstance(metric, ConversionMetric):
        sources.append(metric.conversion.source)
    return tuple(dict.fromkeys(model.sources[s].table for s in sources))


def shared_dimensions(model: SemanticModel, sources: tuple[str, ...]) -> tuple[str, ...]:
    """Dimensions every one of `sources` has, in the order of the first source."""
    if not sources:
        return ()
    first, *rest = (model.sources[s].dimensions for s in sources)
    return tuple(d for d in first if all(d in other for other in rest))


def metric_dimensions(model: SemanticModel, name: str) -> tuple[str, ...]:
    """The dimensions a metric may be broken down and filtered by."""
    metric = model.metric(name)
    if metric.dimensions is not None:
        return metric.dimensions
    return shared_dimensions(model, metric_sources(model, name))


def missing_tables(model: SemanticModel, name: str, present: frozenset[str]) -> tuple[str, ...]:
    """Tables a metric needs that the database does not have (e.g. no campaign extracts supplied)."""
    return tuple(t for t in metric_tables(model, name) if t not in present)
