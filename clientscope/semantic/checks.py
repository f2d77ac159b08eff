"""Stage 2 of validation: meaning.  References resolve, no cycles, every locale has its text, dimensions
exist on the metric's sources, expressions name real columns, and the business rules are coherent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any

from clientscope.semantic.expressions import FUNCTIONS, ExpressionError, identifiers
from clientscope.semantic.model import (
    RISK_LEVELS,
    STAGES,
    ConversionMetric,
    DerivedMetric,
    Labels,
    MetricBase,
    RatioMetric,
    SimpleMetric,
    TierBand,
)
from clientscope.semantic.problems import Problem, did_you_mean
from clientscope.semantic.resolve import OBSERVED_UNTIL_COLUMN, RESERVED_COLUMNS, known_tables, table_columns
from clientscope.semantic.schema import Draft
from clientscope.semantic.synonym_checks import synonym_problems

_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
VISIBLE_REQUIRED: tuple[str, ...] = ("label", "description", "owner", "format")


class Checker:
    """Runs every semantic check over a `Draft`, collecting problems (it never stops at the first)."""

    def __init__(self, draft: Draft) -> None:
        self.d = draft
        self.problems: list[Problem] = []
        self.locales = tuple(draft.locales.supported) if draft.locales else ()

    # -- helpers -----------------------------------------------------------------------------------------------
    def add(
        self,
        path: Iterable[Any],
        message: str,
        *,
        metric: str | None = None,
        context: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.d.file, self.d.line(*path), message, metric, context, hint))

    def labels(self, path: tuple[Any, ...], labels: Labels | None, what: str, **where: Any) -> None:
        if labels is None or not self.locales:
            return
        for locale in self.locales:
            if not str(labels.get(locale, "")).strip():
                self.add(path, f"missing '{locale}' {what}", **where)
        for locale in labels:
            if locale not in self.locales:
                self.add(path, f"unknown locale '{locale}' in {what}", hint=did_you_mean(locale, self.locales), **where)

    def expression(
        self,
        path: tuple[Any, ...],
        expr: str | None,
        allowed: Iterable[str],
        what: str,
        kind: str = "column",
        **where: Any,
    ) -> None:
        if expr is None:
            return
        allowed = tuple(allowed)
        try:
            names = identifiers(expr)
        except ExpressionError as exc:
            self.add(
                path,
                f"{what}: {exc}",
                hint=did_you_mean(exc.unknown, _FUNCTION_NAMES) if exc.unknown else None,
                **where,
            )
            return
        for name in names:
            if name not in allowed:
                self.add(path, f"unknown {kind} '{name}' in {what}", hint=did_you_mean(name, allowed), **where)

    # -- sections ----------------------------------------------------------------------------------------------
    def run(self) -> list[Problem]:
        self.check_locales()
        self.check_currencies()
        self.check_formats()
        self.check_dimensions()
        self.check_sources()
        self.check_rules()
        for name, metric in self.d.metrics.items():
            self.check_metric(name, metric)
        self.check_cycles()
        self.problems += synonym_problems(self.d)
        return self.problems

    def check_locales(self) -> None:
        loc = self.d.locales
        if loc and loc.default not in loc.supported:
            self.add(
                ("locales", "default"),
                f"default locale '{loc.default}' is not in supported",
                context="locales",
                hint=did_you_mean(loc.default, loc.supported),
            )

    def check_currencies(self) -> None:
        currencies = self.d.currencies
        where = {"context": "currencies"}
        if currencies.default not in currencies.supported:
            self.add(
                ("currencies", "default"),
                f"the default currency '{currencies.default}' is not in supported",
                hint=did_you_mean(currencies.default, currencies.supported),
                **where,
            )
        if len(set(currencies.supported)) != len(currencies.supported):
            self.add(("currencies", "supported"), "each supported currency must be listed once", **where)

    def check_formats(self) -> None:
        for name, fmt in self.d.formats.items():
            if fmt.currency is not None:
                self.add(
                    ("formats", name, "currency"),
                    "a format does not name a currency: amounts are shown in the extract's currency (its import.json, "
                    "else currencies.default); remove 'currency'",
                    context=f"format '{name}'",
                )

    def check_dimensions(self) -> None:
        for name, dim in self.d.dimensions.items():
            where = {"context": f"dimension '{name}'"}
            self.name_shape(("dimensions", name), name, **where)
            self.labels(("dimensions", name, "label"), dim.label, "label", **where)
            self.labels(("dimensions", name, "description"), dim.description, "description", **where)
            for code, labels in dim.value_labels.items():
                self.labels(("dimensions", name, "value_labels", code), labels, f"label for value '{code}'", **where)

    def check_sources(self) -> None:
        tables = known_tables()
        for name, source in self.d.sources.items():
            where = {"context": f"source '{name}'"}
            self.labels(("sources", name, "label"), source.label, "label", **where)
            columns = table_columns(source.table)
            if columns is None:
                self.add(
                    ("sources", name, "table"),
                    f"unknown table '{source.table}'",
                    hint=did_you_mean(source.table, tables),
                    **where,
                )
                continue
            for key in ("time_column", "event_time", "entity"):
                column = getattr(source, key)
                if column is not None and column not in columns:
                    self.add(
                        ("sources", name, key),
                        f"unknown column '{column}' for {key}",
                        hint=did_you_mean(column, columns),
                        **where,
                    )
            for column in source.key:
                if column not in columns:
                    self.add(
                        ("sources", name, "key"),
                        f"unknown column '{column}' in key",
                        hint=did_you_mean(column, columns),
                        **where,
                    )
            for dim_name in source.dimensions:
                self.source_dimension(name, dim_name, source.table, columns)

    def source_dimension(self, source: str, dim_name: str, table: str, columns: tuple[str, ...]) -> None:
        where = {"context": f"source '{source}'"}
        path = ("sources", source, "dimensions")
        dim = self.d.dimensions.get(dim_name)
        if dim is None:
            if dim_name not in self.d.declared.get("dimensions", set()):
                self.add(
                    path,
                    f"unknown dimension '{dim_name}'",
                    hint=did_you_mean(dim_name, self.d.declared.get("dimensions", ())),
                    **where,
                )
            return
        if dim.column not in columns:
            self.add(
                path,
                f"dimension '{dim_name}' needs column '{dim.column}', which table '{table}' does not have",
                **where,
            )

    # -- rules -------------------------------------------------------------------------------------------------
    def check_rules(self) -> None:
        rules = self.d.rules
        if rules is None:
            return
        where = {"context": "rules"}
        schemes = rules.tiers.schemes
        for key in ("primary", "alternative"):
            scheme = getattr(rules.tiers, key)
            if scheme not in schemes:
                self.add(
                    ("rules", "tiers", key),
                    f"unknown tier scheme '{scheme}'",
                    hint=did_you_mean(scheme, schemes),
                    **where,
                )
        if isinstance(self.d.raw.get("rules"), dict) and "currency" in self.d.raw["rules"]:
            self.add(
                ("rules", "currency"),
                "the rules' currency is not written here: it is the extract's (its import.json), else "
                "currencies.default; remove 'currency'",
                **where,
            )
        for name, scheme in schemes.items():
            path = ("rules", "tiers", "schemes", name)
            self.labels((*path, "label"), scheme.label, "label", context=f"tier scheme '{name}'")
            if not scheme.tiers:
                self.add(path, "a tier scheme needs at least one tier", context=f"tier scheme '{name}'")
                continue
            complete = self.tier_floors_per_currency(name, scheme.tiers)
            for currency in self.d.currencies.supported if complete else ():
                mins = scheme.floors(currency)
                if any(a <= b for a, b in pairwise(mins)) or mins[-1] != 0:
                    self.add(
                        (*path, "tiers"),
                        f"tiers must be listed highest first with falling min_aum, the last at 0 (in {currency})",
                        context=f"tier scheme '{name}'",
                    )
            if len(set(scheme.codes)) != len(scheme.codes):
                self.add((*path, "tiers"), "tier codes must be unique", context=f"tier scheme '{name}'")
        self.check_precedence(rules.lifecycle.precedence)
        self.check_age_bands()
        if rules.risk.levels.medium >= rules.risk.levels.high:
            self.add(("rules", "risk", "levels"), "the medium warning level must be below the high level", **where)
        self.check_risk_signals()
        self.check_code_labels()

    def tier_floors_per_currency(self, scheme: str, tiers: tuple[TierBand, ...]) -> bool:
        """Every tier has a floor for every supported currency and none for another; False when one is missing."""
        if not self.d.currencies_valid:
            return False  # its own problems are reported; checking floors against it would only add noise
        supported = self.d.currencies.supported
        complete = True
        for index, tier in enumerate(tiers):
            if not isinstance(tier.min_aum, dict):
                continue  # one floor for every currency
            path = ("rules", "tiers", "schemes", scheme, "tiers", index, "min_aum")
            where = {"context": f"tier '{tier.code}' of scheme '{scheme}'"}
            unknown = [code for code in tier.min_aum if code not in supported]
            for code in unknown:
                self.add(
                    path,
                    f"min_aum for '{code}', which is not in currencies.supported ({', '.join(supported)})",
                    hint=did_you_mean(code, supported),
                    **where,
                )
            for code in supported:
                if code not in tier.min_aum:
                    self.add(
                        path,
                        f"no min_aum for the currency '{code}' (every supported currency needs a floor in every tier)",
                        **where,
                    )
                    complete = False
        return complete

    def check_risk_signals(self) -> None:
        """Drop signals need a share in (0, 1]; count signals a minimum of at least 1 (defaults are not guessed)."""
        assert self.d.rules is not None
        signals = self.d.rules.risk.signals
        for name in ("txn_drop", "aum_drop", "logins_drop"):
            threshold = getattr(signals, name).threshold
            if threshold is None or not 0 < threshold <= 1:
                self.add(
                    ("rules", "risk", "signals", name, "threshold"),
                    "a drop signal needs a threshold between 0 and 1 (0.5 = fell by half or more)",
                    context="rules",
                )
        for name in ("complaints", "closures"):
            threshold = getattr(signals, name).threshold
            if threshold is None or threshold < 1 or threshold != int(threshold):
                self.add(
                    ("rules", "risk", "signals", name, "threshold"),
                    "a count signal needs a whole-number threshold of at least 1",
                    context="rules",
                )

    def check_precedence(self, precedence: tuple[str, ...]) -> None:
        path = ("rules", "lifecycle", "precedence")
        for stage in precedence:
            if stage not in STAGES:
                self.add(path, f"unknown stage '{stage}'", context="rules", hint=did_you_mean(stage, STAGES))
        if sorted(precedence) != sorted(STAGES) or precedence[-1] != "inactive":
            self.add(
                path,
                "precedence must list each of " + ", ".join(STAGES) + " once, ending with inactive",
                context="rules",
            )

    def check_age_bands(self) -> None:
        bands = self.d.rules.age_bands if self.d.rules else ()
        bounds = [b.max_age for b in bands]
        closed = bounds[:-1]
        if not bands or bounds[-1] is not None or None in closed or closed != sorted(set(closed)):
            self.add(
                ("rules", "age_bands"), "age bands need rising max_age values and an open last band", context="rules"
            )

    def check_code_labels(self) -> None:
        """Dimensions over rule-made codes must label every code the rules can produce."""
        rules = self.d.rules
        assert rules is not None
        tiers = rules.tiers.schemes
        produced: dict[str, tuple[str, ...]] = {
            "stage": STAGES,
            "warning_level": RISK_LEVELS,
            "age_band": (*(b.code for b in rules.age_bands), "unknown"),
        }
        if rules.tiers.primary in tiers:
            produced["tier"] = tiers[rules.tiers.primary].codes
        if rules.tiers.alternative in tiers:
            produced["tier_alt"] = tiers[rules.tiers.alternative].codes
        for name, dim in self.d.dimensions.items():
            for code in produced.get(dim.column, ()):
                if code not in dim.value_labels:
                    self.add(
                        ("dimensions", name, "value_labels"),
                        f"no value label for '{code}'",
                        context=f"dimension '{name}'",
                    )

    # -- metrics -----------------------------------------------------------------------------------------------
    def name_shape(self, path: tuple[Any, ...], name: str, **where: Any) -> None:
        if not _NAME.match(name):
            self.add(
                path, "names are lower-case letters, digits and single underscores, starting with a letter", **where
            )

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
            refs = _refs(metric)
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
        source = _drill_source(self.d, metric)
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
        for cycle in _cycles(self.d):
            first = cycle[0]
            self.add(("metrics", first), "cycle " + " → ".join((*cycle, first)), metric=first)


_FUNCTION_NAMES: tuple[str, ...] = tuple(sorted(FUNCTIONS))


def _refs(metric: MetricBase) -> tuple[str, ...]:
    if isinstance(metric, RatioMetric):
        return (metric.numerator.metric, metric.denominator.metric)
    if isinstance(metric, DerivedMetric):
        return identifiers(metric.expr)
    return ()


def _drill_source(draft: Draft, metric: MetricBase) -> str | None:
    """Ratio metrics drill into their numerator's rows, conversion metrics into their base events."""
    if isinstance(metric, SimpleMetric):
        return metric.source
    if isinstance(metric, ConversionMetric):
        return metric.base.source
    if isinstance(metric, RatioMetric):
        target = draft.metrics.get(metric.numerator.metric)
        return target.source if isinstance(target, SimpleMetric) else None
    return None


def _cycles(draft: Draft) -> Iterator[tuple[str, ...]]:
    """Each reference cycle once, starting from its alphabetically first metric."""
    graph: dict[str, tuple[str, ...]] = {}
    for name, metric in draft.metrics.items():
        try:
            graph[name] = tuple(r for r in _refs(metric) if r in draft.metrics)
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


def check_semantics(draft: Draft) -> list[Problem]:
    return Checker(draft).run()
