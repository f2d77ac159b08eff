"""`SemanticModel`, the whole of metrics.yaml, with the look-ups pages use (labels, formats, value labels, tiers),
and the error for an extract in a currency the model does not support."""

from __future__ import annotations

from pydantic import Field

from clientscope.semantic.expressions import identifiers
from clientscope.semantic.model.base import Frozen
from clientscope.semantic.model.dimensions import Dimension, Source
from clientscope.semantic.model.locales import Currencies, FormatSpec, Locales
from clientscope.semantic.model.metrics import DerivedMetric, Metric, RatioMetric, SimpleMetric
from clientscope.semantic.model.rules import Rules
from clientscope.semantic.problems import ExtractCurrencyError, did_you_mean


class SemanticModel(Frozen):
    file: str = "metrics.yaml"
    locales: Locales
    currencies: Currencies = Currencies()
    formats: dict[str, FormatSpec]
    dimensions: dict[str, Dimension]
    sources: dict[str, Source]
    rules: Rules
    metrics: dict[str, Metric]
    lines: dict[str, int] = Field(default_factory=dict)  # "metrics.churn_rate" → line in the file

    @property
    def currency(self) -> str:
        """The currency amounts are in and shown in (the extract's, else `currencies.default`)."""
        return self.rules.currency

    def for_currency(self, currency: str) -> SemanticModel:
        """The model for amounts in `currency`: its currency formats show it and the tiers take its floors.

        Raises `UnsupportedCurrency` (with a message saying how to add it) when metrics.yaml has no floors for it.
        """
        if currency not in self.currencies.supported:
            raise UnsupportedCurrency(currency, self)
        formats = {
            name: fmt.model_copy(update={"currency": currency}) if fmt.type == "currency" else fmt
            for name, fmt in self.formats.items()
        }
        rules = self.rules.model_copy(update={"currency": currency})
        return self.model_copy(update={"formats": formats, "rules": rules})

    def metric(self, name: str) -> Metric:
        try:
            return self.metrics[name]
        except KeyError:
            raise KeyError(f"unknown metric {name!r}") from None

    def dimension(self, name: str) -> Dimension:
        try:
            return self.dimensions[name]
        except KeyError:
            raise KeyError(f"unknown dimension {name!r}") from None

    def visible_metrics(self) -> tuple[Metric, ...]:
        return tuple(m for m in self.metrics.values() if m.visible)

    def format_of(self, metric: str) -> FormatSpec:
        """The metric's named format; metrics without one are plain numbers."""
        name = self.metric(metric).format
        return self.formats[name] if name else FormatSpec(type="number")

    def format_name(self, metric: str) -> str:
        """The metric's format as the catalog and the workbooks' definitions name it: `cny_auto (CZK)` for a
        currency format (the currency in effect), the bare name otherwise."""
        name = self.metric(metric).format or ""
        fmt = self.formats.get(name)
        return f"{name} ({fmt.currency})" if fmt is not None and fmt.type == "currency" and fmt.currency else name

    def label(self, metric: str, locale: str) -> str:
        labels = self.metric(metric).label or {}
        return labels.get(locale) or labels.get(self.locales.default) or metric

    def description(self, metric: str, locale: str) -> str:
        text = self.metric(metric).description or {}
        return text.get(locale) or text.get(self.locales.default) or ""

    def has_period_value(self, metric: str) -> bool:
        """Whether the metric over several months says more than its last month: flows, opening balances and
        ratios or expressions with a flow in them do; stocks (`additivity: semi`) and ratios of stocks do not."""
        found = self.metric(metric)
        if isinstance(found, SimpleMetric):
            return found.additivity != "semi"
        if isinstance(found, RatioMetric):
            return any(self.has_period_value(ref.metric) for ref in (found.numerator, found.denominator))
        if isinstance(found, DerivedMetric):
            return any(self.has_period_value(name) for name in identifiers(found.expr) if name in self.metrics)
        return True  # a conversion rate counts the period's base events

    def dimension_label(self, dimension: str, locale: str) -> str:
        labels = self.dimension(dimension).label
        return labels.get(locale) or labels.get(self.locales.default) or dimension

    def value_label(self, dimension: str, code: str | None, locale: str) -> str:
        return self.dimension(dimension).value_label(code, locale)

    def value_labels(self, dimension: str, locale: str) -> dict[str, str]:
        """code → label for a dimension's listed codes, in the file's order (e.g. for filter options)."""
        dim = self.dimension(dimension)
        return {code: dim.value_label(code, locale) for code in dim.value_labels}

    def tier_labels(self, locale: str, scheme: str | None = None) -> dict[str, str]:
        """Tier code → label for a scheme (default: the primary one), highest tier first."""
        chosen = scheme or self.rules.tiers.primary
        dim = "tier" if chosen == self.rules.tiers.primary else "tier_alt"
        codes = self.rules.tiers.schemes[chosen].codes
        labels = self.dimensions.get(dim)
        return {code: labels.value_label(code, locale) if labels else code for code in codes}

    def line_of(self, section: str, name: str) -> int | None:
        return self.lines.get(f"{section}.{name}")


class UnsupportedCurrency(ExtractCurrencyError):
    """An extract declares a currency that metrics.yaml has no tier floors for."""

    def __init__(self, currency: str, model: SemanticModel) -> None:
        supported = model.currencies.supported
        hint = did_you_mean(currency, supported)
        line = model.lines.get("currencies.supported")
        where = f"{model.file}:{line}" if line else model.file
        super().__init__(
            f"the extracts declare the currency {currency!r}, which {where} does not support "
            f"(currencies.supported: {', '.join(supported)})"
            + (f" (did you mean '{hint}'?)" if hint else "")
            + f". Add {currency} to currencies.supported and a min_aum for it to every tier in rules.tiers, "
            "or correct the currency in the extract folder's import.json."
        )
        self.currency = currency
