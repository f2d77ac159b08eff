"""The metric catalog: every visible metric of metrics.yaml with its definition, in one language."""

from __future__ import annotations

import polars as pl

from clientscope.i18n import join_words, t
from clientscope.reports.common import formula_text
from clientscope.semantic import CompileError, MetricRequest, SemanticModel, compile_query, metric_dimensions
from clientscope.semantic.model import ConversionMetric, DerivedMetric, RatioMetric, SimpleMetric

COLUMNS: tuple[str, ...] = (
    "name",
    "label",
    "description",
    "type",
    "formula",
    "sql",
    "owner",
    "format",
    "dimensions",
    "compare",
)


def formula_in_words(model: SemanticModel, name: str, lang: str) -> str:
    """The definition as a sentence for business readers (the SQL column holds the exact query)."""
    metric = model.metric(name)
    if isinstance(metric, RatioMetric):
        return t(
            "catalog.words.ratio",
            lang,
            numerator=_label(model, metric.numerator, lang),
            denominator=_label(model, metric.denominator, lang),
        )
    if isinstance(metric, SimpleMetric):
        key = {"semi": "catalog.words.semi", "semi_first": "catalog.words.semi_first"}.get(
            metric.additivity, "catalog.words.simple"
        )
        words = t(key, lang, agg=t(f"catalog.agg.{metric.agg}", lang), expr=metric.expr or "*", source=metric.source)
        words += t("catalog.words.where", lang, condition=metric.filter) if metric.filter else ""
        if metric.event_in_period:
            words += t("catalog.words.event_in_period", lang, column=metric.event_in_period)
        return words
    if isinstance(metric, DerivedMetric):
        return t("catalog.words.derived", lang, expr=metric.expr)
    if isinstance(metric, ConversionMetric):
        window = metric.window_days or model.rules.conversion.window_days
        return t(
            "catalog.words.conversion",
            lang,
            entity=metric.entity,
            base=metric.base.source,
            conversion=metric.conversion.source,
            days=window,
        )
    return formula_text(model, name)


def _label(model: SemanticModel, ref: object, lang: str) -> str:
    name = getattr(ref, "metric", ref)
    label = model.label(str(name), lang) if str(name) in model.metrics else str(name)
    condition = getattr(ref, "filter", None)
    return f"{label} [{condition}]" if condition else label


def metric_sql(model: SemanticModel, name: str) -> str:
    """The SQL the compiler generates for the metric by month (parameters shown as $names)."""
    try:
        return compile_query(model, MetricRequest(metrics=(name,), grain="month")).sql.strip()
    except CompileError as exc:  # a metric that cannot stand alone still gets a row
        return f"-- {exc}"


def catalog_frame(model: SemanticModel, lang: str) -> pl.DataFrame:
    rows = []
    for metric in model.visible_metrics():
        name = metric.name
        rows.append(
            {
                "name": name,
                "label": model.label(name, lang),
                "description": model.description(name, lang),
                "type": t(f"catalog.type.{metric.type}", lang),
                "formula": formula_in_words(model, name, lang),
                "sql": metric_sql(model, name),
                "owner": metric.owner or "",
                "format": model.format_name(name),
                "dimensions": join_words(
                    [model.dimension_label(d, lang) for d in metric_dimensions(model, name)], lang
                ),
                "compare": ", ".join(t(f"compare.{c}", lang) for c in metric.compare),
            }
        )
    return pl.DataFrame(rows, schema={c: pl.Utf8 for c in COLUMNS})
