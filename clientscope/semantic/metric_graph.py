"""How metrics refer to each other and to rows: the metrics a ratio or derived metric names, the source a
metric drills into, and each reference cycle between metrics."""

from __future__ import annotations

from collections.abc import Iterator

from clientscope.semantic.expressions import ExpressionError, identifiers
from clientscope.semantic.model import ConversionMetric, DerivedMetric, MetricBase, RatioMetric, SimpleMetric
from clientscope.semantic.schema import Draft


def metric_refs(metric: MetricBase) -> tuple[str, ...]:
    if isinstance(metric, RatioMetric):
        return (metric.numerator.metric, metric.denominator.metric)
    if isinstance(metric, DerivedMetric):
        return identifiers(metric.expr)
    return ()


def drill_source(draft: Draft, metric: MetricBase) -> str | None:
    """Ratio metrics drill into their numerator's rows, conversion metrics into their base events."""
    if isinstance(metric, SimpleMetric):
        return metric.source
    if isinstance(metric, ConversionMetric):
        return metric.base.source
    if isinstance(metric, RatioMetric):
        target = draft.metrics.get(metric.numerator.metric)
        return target.source if isinstance(target, SimpleMetric) else None
    return None


def reference_cycles(draft: Draft) -> Iterator[tuple[str, ...]]:
    """Each reference cycle once, starting from its alphabetically first metric."""
    graph: dict[str, tuple[str, ...]] = {}
    for name, metric in draft.metrics.items():
        try:
            graph[name] = tuple(r for r in metric_refs(metric) if r in draft.metrics)
        except ExpressionError:
            graph[name] = ()
    reported: set[frozenset[str]] = set()

    def walk(node: str, trail: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for nxt in graph.get(node, ()):
            if nxt in trail:
                yield trail[trail.index(nxt) :]
            elif nxt > trail[0]:
                yield from walk(nxt, (*trail, nxt))

    for start in sorted(graph):
        for cycle in walk(start, (start,)):
            key = frozenset(cycle)
            if cycle[0] == start and key not in reported:
                reported.add(key)
                yield cycle
