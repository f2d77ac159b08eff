"""Semantic checks of each metric: name, required keys of visible metrics, labels, format, the parts of each
metric type (source, expressions, referenced metrics, conversion windows), dimensions available on all its
sources, drill fields, and reference cycles between metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clientscope.semantic.checker_base import CheckerBase
from clientscope.semantic.expressions import ExpressionError
from clientscope.semantic.metric_graph import drill_source, metric_refs, reference_cycles
from clientscope.semantic.model import ConversionMetric, DerivedMetric, MetricBase, RatioMetric, SimpleMetric
from clientscope.semantic.problems import did_you_mean
from clientscope.semantic.resolve import OBSERVED_UNTIL_COLUMN, RESERVED_COLUMNS, table_columns

VISIBLE_REQUIRED: tuple[str, ...] = ("label", "description", "owner", "format")


class MetricChecks(CheckerBase):
    """The `metrics` section, one metric at a time, then the cycles between them."""

    def check_metric(self, name: str, metric: MetricBase) -> None:
        path = ("metrics", name)
        where = {"metric": name}
        self.name_shape(path, name, **where)
        if name in self.d.dimensions or name in RESERVED_COLUMNS:
            self.add(path, f"the name '{name}' is already used by a dimension or result column", **where)
        if metric.visible:
            for key in VISIBLE_REQUIRED:
                if getattr(metric, key) is None:
                    self.add(
                        path,
                        f"missing required key '{key}' (visible metrics need {', '.join(VISIBLE_REQUIRED)})",
                        **where,
                    )
        self.labels((*path, "label"), metric.label, "label", **where)
        self.labels((*path, "description"), metric.description, "description", **where)
        if metric.format is not None and metric.format not in self.d.declared.get("formats", set()):
            self.add(
                (*path, "format"),
                f"unknown format '{metric.format}'",
                hint=did_you_mean(metric.format, self.d.declared.get("formats", ())),
                **where,
            )
        if isinstance(metric, SimpleMetric):
            self.check_simple(name, metric)
        elif isinstance(metric, RatioMetric):
            self.check_ratio(name, metric)
        elif isinstance(metric, DerivedMetric):
            self.check_derived(name, metric)
        elif isinstance(metric, ConversionMetric):
            self.check_conversion(name, metric)
        self.check_metric_dimensions(name, metric)
        self.check_drill_fields(name, metric)

    def source_columns(self, source: str | None) -> tuple[str, ...] | None:
        found = self.d.sources.get(source) if source else None
        return table_columns(found.table) if found else None

    def known_source(self, path: tuple[Any, ...], source: str, what: str, metric: str) -> bool:
        if source in self.d.sources:
            return table_columns(self.d.sources[source].table) is not None
        if source not in self.d.declared.get("sources", set()):
            self.add(
                path,
                f"unknown source '{source}' in {what}",
                hint=did_you_mean(source, self.d.declared.get("sources", ())),
                metric=metric,
            )
        return False

    def check_simple(self, name: str, metric: SimpleMetric) -> None:
        path = ("metrics", name)
        if metric.expr is None and metric.agg != "count":
            self.add(path, f"agg '{metric.agg}' needs 'expr'", metric=name)
        if not self.known_source((*path, "source"), metric.source, "source", name):
            return
        columns = self.source_columns(metric.source) or ()
        self.expression((*path, "expr"), metric.expr, columns, "expr", metric=name)
        self.expression((*path, "filter"), metric.filter, columns, "filter", metric=name)
        if metric.event_in_period is not None:
            self.check_event_in_period(name, metric, columns)

    def check_event_in_period(self, name: str, metric: SimpleMetric, columns: Sequence[str]) -> None:
        """`event_in_period` counts opening-book rows by an event date: it needs a column and a first-month snapshot."""
        path = ("metrics", name, "event_in_period")
        if metric.event_in_period not in columns:
            self.add(
                path,
                f"unknown column '{metric.event_in_period}' in event_in_period",
                hint=did_you_mean(metric.event_in_period, columns),
                metric=name,
            )
        if metric.additivity != "semi_first":
            self.add(
                path,
                "event_in_period needs 'additivity: semi_first' (it counts the rows of the period's opening book "
                "whose event falls in the period)",
                metric=name,
            )

    def ref_metric(self, name: str, part: str) -> SimpleMetric | None:
        metric = self.d.metrics[name]
        assert isinstance(metric, RatioMetric)
        ref = getattr(metric, part)
        path = ("metrics", name, part)
        declared = self.d.declared.get("metrics", set())
        if ref.metric not in declared:
            self.add(
                path, f"unknown metric '{ref.metric}' in {part}", metric=name, hint=did_you_mean(ref.metric, declared)
            )
            return None
        target = self.d.metrics.get(ref.metric)
        if target is None:
            return None
        if not isinstance(target, SimpleMetric):
            self.add(path, f"{part} '{ref.metric}' must be a simple metric, not {target.type}", metric=name)
            return None
        columns = self.source_columns(target.source)
        if columns is not None:
            self.expression(path, ref.filter, columns, f"{part} filter", metric=name)
        return target

    def check_ratio(self, name: str, metric: RatioMetric) -> None:
        num = self.ref_metric(name, "numerator")
        den = self.ref_metric(name, "denominator")
        if num is None or den is None or num.source not in self.d.sources or den.source not in self.d.sources:
            return
        if num.source != den.source:
            a, b = self.d.sources[num.source].dimensions, self.d.sources[den.source].dimensions
            if not set(a) & set(b):
                self.add(
                    ("metrics", name),
                    f"numerator source '{num.source}' and denominator source '{den.source}' share no dimension",
                    metric=name,
                )

    def check_derived(self, name: str, metric: DerivedMetric) -> None:
        self.expression(
            ("metrics", name, "expr"),
            metric.expr,
            self.d.declared.get("metrics", set()),
            "expr",
            kind="metric",
            metric=name,
        )

    def check_conversion(self, name: str, metric: ConversionMetric) -> None:
        for part in ("base", "conversion"):
            spec = getattr(metric, part)
            path = ("metrics", name, part)
            if not self.known_source((*path, "source"), spec.source, part, name):
                continue
            source = self.d.sources[spec.source]
            columns = self.source_columns(spec.source) or ()
            if source.event_time is None:
                self.add((*path, "source"), f"{part} source '{spec.source}' has no event_time", metric=name)
            if metric.entity not in columns:
                self.add(
                    ("metrics", name, "entity"),
                    f"{part} source '{spec.source}' has no column '{metric.entity}'",
                    metric=name,
                    hint=did_you_mean(metric.entity, columns),
                )
            self.expression((*path, "filter"), spec.filter, columns, f"{part} filter", metric=name)
            if part == "base" and columns and OBSERVED_UNTIL_COLUMN not in columns:
                self.add(
                    (*path, "source"),
                    f"base source '{spec.source}' has no column '{OBSERVED_UNTIL_COLUMN}' (the data's last "
                    "month-end): a conversion metric counts only the windows that end by it; use a base source "
                    "that carries it, e.g. touch_facts",
                    metric=name,
                )

    def metric_sources(self, name: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...] | None:
        """Sources of a metric, or None when a reference is broken (already reported elsewhere)."""
        metric = self.d.metrics.get(name)
        if metric is None or name in seen:
            return None
        if isinstance(metric, SimpleMetric):
            return (metric.source,) if metric.source in self.d.sources else None
        if isinstance(metric, ConversionMetric):
            return (metric.base.source,) if metric.base.source in self.d.sources else None
        try:
            refs = metric_refs(metric)
        except ExpressionError:
            return None
        found: list[str] = []
        for ref in refs:
            sources = self.metric_sources(ref, seen | {name})
            if sources is None:
                return None
            found += [s for s in sources if s not in found]
        return tuple(found)

    def check_metric_dimensions(self, name: str, metric: MetricBase) -> None:
        sources = self.metric_sources(name)
        if sources is None:
            return
        available = [
            d for d in self.d.sources[sources[0]].dimensions if all(d in self.d.sources[s].dimensions for s in sources)
        ]
        for dim in metric.dimensions or ():
            if dim not in self.d.declared.get("dimensions", set()):
                self.add(
                    ("metrics", name, "dimensions"),
                    f"unknown dimension '{dim}'",
                    metric=name,
                    hint=did_you_mean(dim, self.d.declared.get("dimensions", ())),
                )
            elif dim not in available:
                lacking = [s for s in sources if dim not in self.d.sources[s].dimensions]
                self.add(
                    ("metrics", name, "dimensions"),
                    f"dimension '{dim}' is not available on source '{lacking[0]}'",
                    metric=name,
                )

    def check_drill_fields(self, name: str, metric: MetricBase) -> None:
        if not metric.drill_fields:
            return
        path = ("metrics", name, "drill_fields")
        if isinstance(metric, DerivedMetric):
            self.add(path, "derived metrics cannot have drill_fields (drill into their parts instead)", metric=name)
            return
        source = drill_source(self.d, metric)
        if source is None or source not in self.d.sources:
            return
        columns = self.source_columns(source) or ()
        allowed = (*self.d.sources[source].dimensions, *columns)
        for field in metric.drill_fields:
            if field not in allowed:
                self.add(
                    path,
                    f"unknown drill field '{field}' for source '{source}'",
                    metric=name,
                    hint=did_you_mean(field, allowed),
                )

    def check_cycles(self) -> None:
        for cycle in reference_cycles(self.d):
            first = cycle[0]
            self.add(("metrics", first), "cycle " + " → ".join((*cycle, first)), metric=first)
