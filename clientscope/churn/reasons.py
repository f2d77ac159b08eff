"""Each customer's top reasons in words (zh_CN and en), and the retention action per reason.

A reason is a firing signal (see churn_signals). Severity = strength × weight, where the weight
is the signal's points in the warning score (SignalRules, metrics.yaml rules.risk) and the strength scales the signal
to 0..1: a fall in transactions, AUM or logins by the fraction lost (-62 % → 0.62), complaints
and closures as count / 3, inactivity as months / 6 (each capped at 1). The top three by
severity are shown; equal severities keep the order of `Signal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from clientscope.churn.signals import FLAG_COLUMN, VALUE_COLUMN, Signal, SignalRules

TOP_REASONS = 3
LANGS = ("zh_CN", "en")

# Full strength at: a total fall (trends), 3 events (counts), 6 months (inactivity).
_FULL_STRENGTH: dict[Signal, float] = {
    Signal.TXN_DROP: 1.0,
    Signal.AUM_DROP: 1.0,
    Signal.LOGINS_DROP: 1.0,
    Signal.COMPLAINTS: 3.0,
    Signal.CLOSURES: 3.0,
    Signal.INACTIVE: 6.0,
}
_FALLS = frozenset({Signal.TXN_DROP, Signal.AUM_DROP, Signal.LOGINS_DROP})

# Suggested retention action per reason code; will move to metrics.yaml with the thresholds.
ACTIONS: dict[Signal, dict[str, str]] = {
    Signal.TXN_DROP: {"en": "RM call with a usage offer", "zh_CN": "客户经理致电并提供用卡/交易优惠"},
    Signal.AUM_DROP: {"en": "wealth review meeting", "zh_CN": "安排财富检视面谈"},
    Signal.COMPLAINTS: {"en": "service recovery call", "zh_CN": "服务补救回访"},
    Signal.CLOSURES: {"en": "product retention offer", "zh_CN": "提供产品挽留方案"},
    Signal.INACTIVE: {"en": "re-activation campaign", "zh_CN": "纳入睡眠客户激活活动"},
    Signal.LOGINS_DROP: {"en": "digital engagement nudge", "zh_CN": "手机银行促活推送"},
}


def percent(value: float) -> int:
    """|value| as a whole percent, halves rounded up (-0.625 → 63), as people round."""
    return int((Decimal(str(abs(value))) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Reason:
    code: Signal
    value: float  # the signal's value: a change ratio (-0.62), a count, or months
    severity: float

    def text(self, lang: str = "zh_CN") -> str:
        _check_lang(lang)
        if self.code in _FALLS:
            return _fall_text(self.code, percent(self.value), lang)
        return _count_text(self.code, round(self.value), lang)

    def action(self, lang: str = "zh_CN") -> str:
        _check_lang(lang)
        return ACTIONS[self.code][lang]


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


def _fall_text(code: Signal, pct: int, lang: str) -> str:
    texts = {
        Signal.TXN_DROP: (f"transactions down {pct}% vs previous quarter", f"交易笔数较上季度下降{pct}%"),
        Signal.AUM_DROP: (f"AUM down {pct}% in 3 months", f"资产规模（AUM）3个月内下降{pct}%"),
        Signal.LOGINS_DROP: (f"digital logins down {pct}%", f"线上登录次数下降{pct}%"),
    }
    en, zh = texts[code]
    return en if lang == "en" else zh


def _count_text(code: Signal, n: int, lang: str) -> str:
    plural = "" if n == 1 else "s"
    texts = {
        Signal.COMPLAINTS: (f"{n} complaint{plural} in 60 days", f"60天内投诉{n}次"),
        Signal.CLOSURES: (f"closed {n} product{plural} in 3 months", f"3个月内关闭{n}个产品"),
        Signal.INACTIVE: (f"no transactions for {n} month{plural}", f"连续{n}个月无交易"),
    }
    en, zh = texts[code]
    return en if lang == "en" else zh


def strength(code: Signal, value: float) -> float:
    """How strongly a signal fires, 0..1 (see the module docstring)."""
    raw = -value if code in _FALLS else value
    return max(0.0, min(1.0, raw / _FULL_STRENGTH[code]))


def reasons_for(row: Mapping[str, Any], rules: SignalRules, limit: int = TOP_REASONS) -> list[Reason]:
    """The top `limit` reasons of one signals row (a dict of churn_signals columns), most severe first."""
    found: list[Reason] = []
    for code in Signal:
        value = row.get(VALUE_COLUMN[code])
        if not row.get(FLAG_COLUMN[code]) or value is None:
            continue
        found.append(Reason(code, float(value), strength(code, float(value)) * rules.points(code)))
    # sorted() is stable, so equal severities keep the Signal order
    return sorted(found, key=lambda reason: -reason.severity)[:limit]


def with_reasons(frame: pl.DataFrame, rules: SignalRules, lang: str = "zh_CN") -> pl.DataFrame:
    """Add reason_codes (list), reason_1..3 (text in `lang`) and action (for the top reason)."""
    _check_lang(lang)
    columns = [*VALUE_COLUMN.values(), *FLAG_COLUMN.values()]
    per_row = [reasons_for(row, rules) for row in frame.select(columns).iter_rows(named=True)]
    texts = {f"reason_{i + 1}": [r[i].text(lang) if len(r) > i else None for r in per_row] for i in range(TOP_REASONS)}
    return frame.with_columns(
        pl.Series("reason_codes", [[reason.code.value for reason in r] for r in per_row], dtype=pl.List(pl.String)),
        *(pl.Series(name, values, dtype=pl.String) for name, values in texts.items()),
        pl.Series("action", [r[0].action(lang) if r else None for r in per_row], dtype=pl.String),
    )
