"""How values are shown: the supported locales, the currencies amounts may be in, and the named number formats."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from clientscope.semantic.model.base import Frozen


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
