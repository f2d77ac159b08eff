"""The four kinds of metric (simple, ratio, derived, conversion) and the parts they are defined from."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from clientscope.semantic.model.base import Frozen, Labels, Synonyms

Grain = Literal["month", "quarter", "year"]
Comparison = Literal["mom", "qoq", "yoy"]


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
