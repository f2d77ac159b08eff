"""The business rules of metrics.yaml: tiers, lifecycle stages and funnel, churn, the warning score, conversion
windows, potential customers and age bands."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from clientscope.semantic.model.base import Frozen, Labels

STAGES: tuple[str, ...] = ("churned", "new", "dormant", "growing", "active", "inactive")
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high")


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
