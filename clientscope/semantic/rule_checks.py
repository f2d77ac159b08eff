"""Semantic checks of the business rules: tier schemes (floors per currency, falling min_aum, unique codes),
lifecycle precedence, age bands, risk levels and signals, and value labels for every code the rules
produce."""

from __future__ import annotations

from itertools import pairwise

from clientscope.semantic.checker_base import CheckerBase
from clientscope.semantic.model import RISK_LEVELS, STAGES, TierBand
from clientscope.semantic.problems import did_you_mean


class RuleChecks(CheckerBase):
    """The `rules` section."""

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
