"""Top reasons in words (zh_CN / en), ordered by severity, with a retention action each."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
import pytest

from clientscope.churn.reasons import ACTIONS, Reason, reasons_for, with_reasons
from clientscope.churn.signals import FLAG_COLUMN, VALUE_COLUMN, Signal, default_rules


def row(**values: Any) -> dict[str, Any]:
    """A signals row: every signal quiet unless given as code=value (then it fires)."""
    out: dict[str, Any] = {}
    for signal in Signal:
        out[VALUE_COLUMN[signal]] = values.get(signal.value)
        out[FLAG_COLUMN[signal]] = signal.value in values
    return out


@pytest.mark.parametrize(
    ("code", "value", "en", "zh"),
    [
        (Signal.TXN_DROP, -0.62, "transactions down 62% vs previous quarter", "交易笔数较上季度下降62%"),
        (Signal.COMPLAINTS, 2, "2 complaints in 60 days", "60天内投诉2次"),
        (Signal.COMPLAINTS, 1, "1 complaint in 60 days", "60天内投诉1次"),
        (Signal.INACTIVE, 4, "no transactions for 4 months", "连续4个月无交易"),
        (Signal.AUM_DROP, -0.35, "AUM down 35% in 3 months", "资产规模（AUM）3个月内下降35%"),
        (Signal.CLOSURES, 1, "closed 1 product in 3 months", "3个月内关闭1个产品"),
        (Signal.CLOSURES, 2, "closed 2 products in 3 months", "3个月内关闭2个产品"),
        (Signal.LOGINS_DROP, -0.8, "digital logins down 80%", "线上登录次数下降80%"),
        (Signal.TXN_DROP, -0.625, "transactions down 63% vs previous quarter", "交易笔数较上季度下降63%"),
    ],
)
def test_reason_text_in_both_languages(code: Signal, value: float, en: str, zh: str) -> None:
    reason = Reason(code, value, severity=1.0)
    assert reason.text("en") == en
    assert reason.text("zh_CN") == zh
    assert reason.text() == zh  # Chinese is the default language


def test_top_three_reasons_ordered_by_strength_times_points() -> None:
    signals = row(txn_drop=-0.62, aum_drop=-0.35, complaints=2, closures=1, inactive=4, logins_drop=-0.8)
    reasons = reasons_for(signals, default_rules())
    # severities with the points of metrics.yaml rules.risk: inactive 4/6 × 30 = 20, complaints 2/3 × 20 = 13.33,
    # transactions 0.62 × 20 = 12.4, AUM 0.35 × 20 = 7, logins 0.8 × 10 = 8, closures 1/3 × 10 = 3.33
    assert [r.code for r in reasons] == [Signal.INACTIVE, Signal.COMPLAINTS, Signal.TXN_DROP]
    assert [r.severity for r in reasons] == pytest.approx([20.0, 40 / 3, 12.4])
    assert [r.text("en") for r in reasons] == [
        "no transactions for 4 months",
        "2 complaints in 60 days",
        "transactions down 62% vs previous quarter",
    ]
    # the weights are the warning-score points: make AUM count five times as much (0.35 × 100 = 35) and it leads
    heavy_aum = reasons_for(signals, replace(default_rules(), aum_drop_points=100))
    assert heavy_aum[0].code is Signal.AUM_DROP


def test_only_firing_signals_are_reasons() -> None:
    signals = row(complaints=1)
    signals[VALUE_COLUMN[Signal.TXN_DROP]] = -0.9  # strong, but its flag is off
    assert [r.code for r in reasons_for(signals, default_rules())] == [Signal.COMPLAINTS]
    assert reasons_for(row(), default_rules()) == []


def test_equal_severities_keep_the_signal_order() -> None:
    reasons = reasons_for(row(aum_drop=-0.5, txn_drop=-0.5), default_rules())
    assert [r.code for r in reasons] == [Signal.TXN_DROP, Signal.AUM_DROP]


def test_every_reason_has_an_action_in_both_languages() -> None:
    assert set(ACTIONS) == set(Signal)
    assert Reason(Signal.TXN_DROP, -0.6, 1.0).action("en") == "RM call with a usage offer"
    assert Reason(Signal.COMPLAINTS, 1, 1.0).action("en") == "service recovery call"
    assert Reason(Signal.AUM_DROP, -0.4, 1.0).action("en") == "wealth review meeting"
    assert Reason(Signal.INACTIVE, 3, 1.0).action("en") == "re-activation campaign"
    assert all(set(texts) == {"en", "zh_CN"} and all(texts.values()) for texts in ACTIONS.values())


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        Reason(Signal.COMPLAINTS, 1, 1.0).text("fr")
    assert str(error.value) == "unknown language 'fr'; use one of zh_CN, en"


def test_with_reasons_adds_columns_for_the_action_list() -> None:
    frame = pl.DataFrame([row(complaints=2, txn_drop=-0.7), row()])
    out = with_reasons(frame, default_rules(), lang="en")
    assert out["reason_codes"].to_list() == [["txn_drop", "complaints"], []]
    assert out["reason_1"].to_list() == ["transactions down 70% vs previous quarter", None]
    assert out["reason_2"].to_list() == ["2 complaints in 60 days", None]
    assert out["reason_3"].to_list() == [None, None]
    assert out["action"].to_list() == ["RM call with a usage offer", None]
    assert with_reasons(frame, default_rules())["reason_2"][0] == "60天内投诉2次"
