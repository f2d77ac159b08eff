"""The retention settings: the offers an RM may record, the follow-up window, the random hold-out, risk bands.

Defaults are built in; a bank changes them in `retention.yaml` (`CLIENTSCOPE_RETENTION`, else `./retention.yaml`
when present; `retention.example.yaml` documents every key). The file is checked like access.yaml: every
problem with its line, and a bad file refuses to load. See docs/retention-actions.md.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clientscope.i18n import LANGUAGES, normalise_language
from clientscope.semantic.config_file import load_checked

RETENTION_ENV = "CLIENTSCOPE_RETENTION"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Offer(_Strict):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    label: dict[str, str]

    @field_validator("label")
    @classmethod
    def _every_language(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in LANGUAGES if not value.get(lang)]
        if missing:
            raise ValueError(f"the label needs every language: add {', '.join(missing)}")
        return value

    def text(self, lang: str) -> str:
        return self.label[normalise_language(lang)]


DEFAULT_OFFERS: tuple[Offer, ...] = (
    Offer(code="fee_waiver", label={"zh_CN": "费用减免", "en": "Fee waiver"}),
    Offer(code="rate_bonus", label={"zh_CN": "存款利率加点", "en": "Deposit rate bonus"}),
    Offer(code="wealth_review", label={"zh_CN": "财富检视面谈", "en": "Wealth review meeting"}),
    Offer(code="card_cashback", label={"zh_CN": "信用卡返现", "en": "Card cashback"}),
    Offer(code="service_recovery", label={"zh_CN": "服务补救", "en": "Service recovery"}),
)


class RetentionConfig(_Strict):
    offers: tuple[Offer, ...] = DEFAULT_OFFERS
    follow_up_days: int = Field(7, ge=1, le=365)  # due date = batch opened + N days; coverage counts contacts within N
    holdout_share: float = Field(0.0, ge=0.0, lt=1.0)  # of each warning batch, never contacted (the control group)
    seed: int = Field(7, ge=0, le=2**31 - 1)
    risk_bands: tuple[float, ...] = (0.1, 0.2, 0.3, 0.5)  # churn-probability band edges for the matching
    confidence: float = Field(0.95, gt=0.5, lt=1.0)

    @model_validator(mode="after")
    def _checks(self) -> RetentionConfig:
        codes = [offer.code for offer in self.offers]
        duplicated = sorted({code for code in codes if codes.count(code) > 1})
        if duplicated:
            raise ValueError(f"offer codes must be unique: {', '.join(duplicated)} appears more than once")
        edges = list(self.risk_bands)
        if edges != sorted(set(edges)) or any(not 0.0 < edge < 1.0 for edge in edges):
            raise ValueError("risk_bands must be increasing probabilities between 0 and 1, e.g. [0.1, 0.2, 0.5]")
        return self

    def offer_codes(self) -> tuple[str, ...]:
        return tuple(offer.code for offer in self.offers)

    def offer_labels(self, lang: str) -> dict[str, str]:
        return {offer.code: offer.text(lang) for offer in self.offers}


DEFAULT_CONFIG = RetentionConfig()


def retention_file() -> Path | None:
    explicit = os.environ.get(RETENTION_ENV)
    if explicit:
        return Path(explicit)
    default = Path.cwd() / "retention.yaml"
    return default if default.is_file() else None


def retention_config() -> RetentionConfig:
    """The settings in force: the file's (reloaded when it changes), else the defaults."""
    path = retention_file()
    if path is None:
        return DEFAULT_CONFIG
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load_cached(str(path), stamp)


@lru_cache(maxsize=4)
def _load_cached(path: str, stamp: int) -> RetentionConfig:
    del stamp  # part of the key only: a changed file is read again
    return load_retention(Path(path))


def load_retention(path: Path) -> RetentionConfig:
    """Read and check a retention file; raise `SemanticError` listing every problem with its line."""
    return load_checked(path, RetentionConfig, start_hint="e.g. 'follow_up_days: 7'", empty=DEFAULT_CONFIG)
