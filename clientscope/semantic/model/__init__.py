"""The typed, frozen semantic model that metrics.yaml is loaded into.

Every class mirrors one kind of YAML mapping; `extra="forbid"` makes a misspelt key a schema problem
(reported with its line and a did-you-mean hint by `validate.py`), and `frozen=True` means the model
loaded at start-up can be shared by every request without anyone changing it.

The classes live in: `base.py` (the `Frozen` base, per-locale text), `locales.py` (locales, currencies, number
formats), `dimensions.py` (dimensions and sources), `metrics.py` (the four metric kinds), `rules.py` (the business
rules) and `semantic_model.py` (`SemanticModel` and its look-ups).  Import them from this package.
"""

from clientscope.semantic.model.base import Frozen, Labels, Synonyms
from clientscope.semantic.model.dimensions import Dimension, Source
from clientscope.semantic.model.locales import Currencies, CurrencyCode, FormatSpec, Locales
from clientscope.semantic.model.metrics import (
    METRIC_CLASSES,
    Comparison,
    ConversionMetric,
    DerivedMetric,
    EventSpec,
    Grain,
    Metric,
    MetricBase,
    MetricRef,
    RatioMetric,
    RefField,
    SimpleMetric,
)
from clientscope.semantic.model.rules import (
    RISK_LEVELS,
    STAGES,
    AgeBand,
    ChurnRules,
    ConversionRules,
    FunnelRules,
    LifecycleRules,
    PotentialRules,
    RiskLevels,
    RiskRules,
    RiskSignal,
    RiskSignals,
    Rules,
    TierBand,
    TierRules,
    TierScheme,
)
from clientscope.semantic.model.semantic_model import SemanticModel, UnsupportedCurrency

__all__ = [
    "METRIC_CLASSES",
    "RISK_LEVELS",
    "STAGES",
    "AgeBand",
    "ChurnRules",
    "Comparison",
    "ConversionMetric",
    "ConversionRules",
    "Currencies",
    "CurrencyCode",
    "DerivedMetric",
    "Dimension",
    "EventSpec",
    "FormatSpec",
    "Frozen",
    "FunnelRules",
    "Grain",
    "Labels",
    "LifecycleRules",
    "Locales",
    "Metric",
    "MetricBase",
    "MetricRef",
    "PotentialRules",
    "RatioMetric",
    "RefField",
    "RiskLevels",
    "RiskRules",
    "RiskSignal",
    "RiskSignals",
    "Rules",
    "SemanticModel",
    "SimpleMetric",
    "Source",
    "Synonyms",
    "TierBand",
    "TierRules",
    "TierScheme",
    "UnsupportedCurrency",
]
