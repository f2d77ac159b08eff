"""Tier floors as metrics.yaml defines them (rules.tiers), for tests that tier amounts independently of the marts.

Tests read the floors here rather than writing 6,000,000 / 500,000 again, so that a change of floor in metrics.yaml
changes the independent computation too and the assertions keep their meaning.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from clientscope.semantic import SemanticModel, load_semantic_model
from clientscope.settings import PROJECT_ROOT


@cache
def project_model() -> SemanticModel:
    return load_semantic_model(PROJECT_ROOT / "metrics.yaml")


def tier_floors(currency: str = "CNY", scheme: str | None = None) -> dict[str, float]:
    """Tier code → floor in `currency`, highest tier first (the primary scheme unless `scheme` is given)."""
    tiers = project_model().rules.tiers
    chosen = tiers.schemes[scheme or tiers.primary]
    return dict(zip(chosen.codes, chosen.floors(currency), strict=True))


def tier_expr(aum: pl.Expr, currency: str = "CNY", scheme: str | None = None) -> pl.Expr:
    """The tier code of each amount: the first tier whose floor it reaches; the last tier takes the rest (null too)."""
    *upper, (last, _) = tier_floors(currency, scheme).items()
    chain = pl
    for code, floor in upper:
        chain = chain.when(aum >= floor).then(pl.lit(code))
    return chain.otherwise(pl.lit(last)) if upper else pl.lit(last)
