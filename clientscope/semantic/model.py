"""The typed, frozen semantic model that metrics.yaml is loaded into.

Every class mirrors one kind of YAML mapping; `extra="forbid"` makes a misspelt key a schema problem
(reported with its line and a did-you-mean hint by `validate.py`), and `frozen=True` means the model
loaded at start-up can be shared by every request without anyone changing it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from clientscope.semantic.expressions import identifiers
from clientscope.semantic.problems import ExtractCurrencyError, did_you_mean

Labels = dict[str, str]  # locale → text
Synonyms = dict[str, tuple[str, ...]]  # locale → other words for the same thing (the ask box, docs/ask.md)
Grain = Literal["month", "quarter", "year"]
Comparison = Literal["mom", "qoq", "yoy"]
STAGES: tuple[str, ...] = ("churned", "new", "dormant", "growing", "active", "inactive")
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- locales and formats --------------------------------------------------------------------------------------


class Locales(Frozen):
    supported: tuple[str, ...]
    default: str


CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]  # ISO 4217, e.g. CNY, CZK, EUR, USD


class Currencies(Frozen):
    """The currencies amounts may be in.  An extract's amounts are in the currency its folder's import.json declares
    (an import writes it), else in `default`; every supported currency needs a floor in every tier."""

    default: CurrencyCode = "CNY"
    supported: tuple[CurrencyCode, ...] = ("CNY",)


class FormatSpec(Frozen):
    """How a number is shown on screen and in Excel (see formats.py)."""

    type: Literal["currency", "number", "percent"]
    # a currency format shows the currency in effect (`SemanticModel.currency`): metrics.yaml leaves it out and
    # `SemanticModel.for_currency` fills it in
    currency: str | None = None
    unit: Literal["none", "wan", "yi", "auto"] = "none"
    decimals: int = Field(default=0, ge=0, le=6)


# --- dimensions and sources -----------------------------------------------------------------------------------


class Dimension(Frozen):
    name: str
    label: Labels
    description: Labels | None = None
    column: str
    value_labels: dict[str, Labels] = Field(default_factory=dict)  # code → locale → label
    synonyms: Synonyms = Field(default_factory=dict)  # words for the dimension itself (分行 for branch)
    value_synonyms: dict[str, Synonyms] = Field(default_factory=dict)  # value → locale → words (华东 for 华东区)

    def value_label(self, code: str | None, locale: str) -> str:
        """The display label of a code, falling back to the code itself (codes not listed in metrics.yaml)."""
        if code is None:
            return "—"
        return self.value_labels.get(code, {}).get(locale, code)


class Source(Frozen):
    name: str
    table: str
    label: Labels | None = None
    time_column: str  # a month-end date: every mart normalises its rows to a `month`
    event_time: str | None = None  # exact event timestamp, needed by conversion metrics
    entity: str | None = "customer_id"
    key: tuple[str, ...]  # unique row key: the tie-breaker that makes drill paging deterministic
    dimensions: tuple[str, ...]


# --- metrics --------------------------------------------------------------------------------------------------


def _ref_from_string(value: Any) -> Any:
    """`numerator: churned_customers` is shorthand for `numerator: {metric: churned_customers}`."""
    return {"metric": value} if isinstance(value, str) else value


class MetricRef(Frozen):
    metric: str
    filter: str | None = None


RefField = Annotated[MetricRef, BeforeValidator(_ref_from_string)]


class EventSpec(Frozen):
    source: str
    filter: str | None = None


class MetricBase(Frozen):
    name: str
    label: Labels | None = None
    description: Labels | None = None
    owner: str | None = None
    format: str | None = None
    visible: bool = True
    good_direction: Literal["up", "down", "none"] = "up"  # KPI colouring: is a rise good news?
    compare: tuple[Comparison, ...] = ()
    drill_fields: tuple[str, ...] = ()
    dimensions: tuple[str, ...] | None = None  # None: every dimension its sources share
    time_grains: tuple[Grain, ...] = ("month", "quarter", "year")
    synonyms: Synonyms = Field(default_factory=dict)  # other words for the metric, per locale (the ask box)


class SimpleMetric(MetricBase):
    type: Literal["simple"]
    source: str
    agg: Literal["sum", "count", "count_distinct", "avg", "max", "min"]
    expr: str | None = None
    filter: str | None = None
    # semi: a stock, a period takes its last month (closing balance); semi_first: its first month (opening balance)
    additivity: Literal["additive", "semi", "semi_first"] = "additive"
    # an opening-book count of the rows whose event (a date column after the row's month, e.g. next_churn_month)
    # falls on or before the period's last month: "who of the opening book left during the period"
    event_in_period: str | None = None

    @property
    def snapshot(self) -> Literal["last", "first"] | None:
        """Which month of a period a semi-additive metric takes (None for additive flows)."""
        return {"semi": "last", "semi_first": "first"}.get(self.additivity)  # type: ignore[return-value]


class RatioMetric(MetricBase):
    type: Literal["ratio"]
    numerator: RefField
    denominator: RefField


class DerivedMetric(MetricBase):
    type: Literal["derived"]
    expr: str


class ConversionMetric(MetricBase):
    type: Literal["conversion"]
    entity: str
    base: EventSpec
    conversion: EventSpec
    window_days: int | None = Field(default=None, ge=1)  # None: rules.conversion.window_days


Metric = SimpleMetric | RatioMetric | DerivedMetric | ConversionMetric
METRIC_CLASSES: dict[str, type[MetricBase]] = {
    "simple": SimpleMetric,
    "ratio": RatioMetric,
    "derived": DerivedMetric,
    "conversion": ConversionMetric,
}


# --- business rules -------------------------------------------------------------------------------------------


class TierBand(Frozen):
    code: str
    # the floor: one amount for every currency (the last tier's 0), or currency code → amount in that currency
    min_aum: Annotated[float, Field(ge=0)] | dict[str, Annotated[float, Field(ge=0)]]

    def floor(self, currency: str) -> float:
        """The floor in `currency` (the checks make sure every supported currency has one)."""
        return float(self.min_aum[currency] if isinstance(self.min_aum, dict) else self.min_aum)


class TierScheme(Frozen):
    label: Labels
    tiers: tuple[TierBand, ...]  # highest first; the last band's min_aum is 0 and takes every AUM below the next

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.tiers)

    def floors(self, currency: str) -> tuple[float, ...]:
        """Each tier's floor in `currency`, highest tier first."""
        return tuple(t.floor(currency) for t in self.tiers)


class TierRules(Frozen):
    primary: str  # scheme behind the `tier` column
    alternative: str  # scheme behind the `tier_alt` column
    schemes: dict[str, TierScheme]

    def primary_floors(self, currency: str) -> tuple[float, ...]:
        return self.schemes[self.primary].floors(currency)

    def alternative_floors(self, currency: str) -> tuple[float, ...]:
        return self.schemes[self.alternative].floors(currency)


class FunnelRules(Frozen):
    """The windows of the acquisition-cohort funnel on /lifecycle (docs/lifecycle.md, lifecycle/cohort_steps.sql)."""

    activation_days: int = Field(default=90, ge=1)  # activated: first transacting month ends ≤ this after opening
    retention_months: tuple[int, ...] = (3, 6)  # retained: active this many months after the opening month
    growth_months: int = Field(default=6, ge=1)  # grown: growing in some month 1..this after opening
    churn_months: int = Field(default=6, ge=1)  # churned outflow: churned within this many months of opening

    @field_validator("retention_months")
    @classmethod
    def _two_rising_checkpoints(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        # the funnel has two retention steps (early, late), each a subset of the one before
        if len(value) != 2 or value[0] < 1 or value[0] >= value[1]:
            raise ValueError(f"must be two rising month counts of at least 1, e.g. [3, 6] (got {list(value)})")
        return value


class LifecycleRules(Frozen):
    new_within_days: int = Field(default=90, ge=1)
    dormant_months: int = Field(default=3, ge=1)
    growing_lookback_months: int = Field(default=3, ge=1)
    precedence: tuple[str, ...] = STAGES
    funnel: FunnelRules = FunnelRules()


class ChurnRules(Frozen):
    aum_floor: float = Field(default=1000.0, ge=0)
    dormant_months: int = Field(default=6, ge=1)


class RiskSignal(Frozen):
    points: int = Field(ge=0, le=100)  # added to the warning score when the signal fires
    threshold: float | None = Field(default=None, gt=0)  # drop share (0.5 = fell by half or more), or a minimum count
    months: int = Field(ge=1)  # the window: months compared (drops), counted (complaints, closures) or inactive


class RiskSignals(Frozen):
    """The six early-warning signals (clientscope.churn.signals.Signal), in reason order."""

    txn_drop: RiskSignal
    aum_drop: RiskSignal
    complaints: RiskSignal
    closures: RiskSignal
    inactive: RiskSignal
    logins_drop: RiskSignal


class RiskLevels(Frozen):
    medium: int = Field(ge=0, le=100)
    high: int = Field(ge=0, le=100)


class RiskRules(Frozen):
    """The warning score (预警分, 0–100, capped) and its levels: the one rule score of the app."""

    signals: RiskSignals
    levels: RiskLevels


class ConversionRules(Frozen):
    window_days: int = Field(default=30, ge=1)
    attribution_lookback_days: int = Field(default=30, ge=1)


class AgeBand(Frozen):
    code: str
    max_age: int | None = None  # inclusive upper bound; None for the open last band


class PotentialRules(Frozen):
    """Mass/affluent customers who look like the tier above (see clientscope/segments/potential.py PotentialRule)."""

    headroom_share: float = Field(default=0.5, gt=0, le=1)
    aum_growth_min: float = Field(default=0.15, ge=0)
    growth_months: int = Field(default=3, ge=1)
    lookback_months: int = Field(default=3, ge=1)
    peer_share: float = Field(default=0.5, gt=0)
    min_signals: int = Field(default=2, ge=1, le=4)


class Rules(Frozen):
    # The currency of the amounts the rules compare with (the tiers take its floors). Not written in metrics.yaml:
    # `SemanticModel.for_currency` sets it from the extract (import.json), else `currencies.default`; being part of
    # the rules, it is part of the marts' cache key.
    currency: str = "CNY"
    tiers: TierRules
    lifecycle: LifecycleRules = LifecycleRules()
    churn: ChurnRules = ChurnRules()
    risk: RiskRules
    conversion: ConversionRules = ConversionRules()
    potential: PotentialRules = PotentialRules()
    age_bands: tuple[AgeBand, ...]


# --- the whole model ------------------------------------------------------------------------------------------


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
