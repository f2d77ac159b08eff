"""Why customers churn: the shallow decision tree read out as rules."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from clientscope.churn.rules import TREE_FEATURES, ChurnRule, Condition, churn_rules


@pytest.mark.parametrize(
    ("condition", "en", "zh"),
    [
        (Condition("txn_trend", None, -0.5, False), "transactions down ≥ 50%", "交易笔数降幅≥50%"),
        (Condition("txn_trend", 0.2, None, False), "transactions up > 20%", "交易笔数增幅>20%"),
        (Condition("aum_trend", -0.3, -0.1, False), "AUM down 10% to 30%", "资产规模降幅10%至30%"),
        (Condition("aum_trend", -0.3, None, False), "AUM change > -30%", "资产规模变化 > -30%"),
        (Condition("complaints_2m", 0.5, None, False), "complaints in 60 days ≥ 1", "60天内投诉 ≥ 1"),
        (Condition("complaints_2m", None, 0.5, False), "complaints in 60 days ≤ 0", "60天内投诉 ≤ 0"),
        (Condition("products_held", 1.5, 2.5, False), "products held = 2", "持有产品数 = 2"),
        (
            Condition("inactive_months", 2.5, None, True),
            "inactivity ≥ 3 months (or unknown)",
            "连续无交易 ≥ 3个月（或未知）",
        ),
        (Condition("tenure_months", 11.5, 35.5, False), "12 months ≤ tenure ≤ 35 months", "12个月 ≤ 客龄 ≤ 35个月"),
        (Condition("age", 59.5, None, False), "age ≥ 60", "年龄 ≥ 60岁"),
        (Condition("aum_total", None, 52_300.0, False), "AUM ≤ ¥52,300", "资产规模 ≤ 5.23万元"),
        (Condition("aum_total", 5e5, 6e6, False), "¥500,000 < AUM ≤ ¥6,000,000", "50万元 < 资产规模 ≤ 600万元"),
    ],
)
def test_conditions_read_as_words(condition: Condition, en: str, zh: str) -> None:
    assert condition.text("en") == en
    assert condition.text("zh_CN") == zh


def test_rule_text_joins_conditions() -> None:
    rule = ChurnRule(
        (Condition("txn_trend", None, -0.5, False), Condition("complaints_2m", 0.5, None, False)),
        rows=40,
        churners=30,
        churn_rate=0.75,
        base_rate=0.15,
    )
    assert rule.text("en") == "transactions down ≥ 50% and complaints in 60 days ≥ 1"
    assert rule.text("zh_CN") == "交易笔数降幅≥50%，且60天内投诉 ≥ 1"
    assert rule.lift == pytest.approx(5.0)
    assert ChurnRule((), 10, 1, 0.1, 0.1).text("en") == "all customers"


def planted_frame(rows: int = 2_000, seed: int = 5) -> pl.DataFrame:
    """Churn planted where transactions fell ≥ 50 % and there was a complaint (plus 2 % noise)."""
    rng = np.random.default_rng(seed)
    falling = rng.random(rows) < 0.3
    complained = rng.random(rows) < 0.3
    data = {feature.name: rng.integers(0, 50, rows).astype(float) for feature in TREE_FEATURES}
    data["txn_trend"] = np.where(falling, -0.8, -0.1)
    data["complaints_2m"] = np.where(complained, 1.0, 0.0)
    data["aum_trend"] = np.where(rng.random(rows) < 0.1, np.nan, rng.normal(0, 0.1, rows))
    churned = np.where(falling & complained, rng.random(rows) < 0.8, rng.random(rows) < 0.02)
    return pl.DataFrame(data).with_columns(pl.Series("churned_3m", churned))


def test_tree_finds_the_planted_rule_and_rules_are_consistent() -> None:
    frame = planted_frame()
    rules = churn_rules(frame)
    assert rules, "at least one rule"
    top = rules[0]
    # the planted pair first (-0.45 is midway between -0.8 and -0.1); depth 3 may add a third split
    assert top.text("en").startswith("transactions down ≥ 45% and complaints in 60 days ≥ 1")
    assert top.churn_rate > 0.6
    assert sum(rule.rows for rule in rules) == frame.height
    assert sum(rule.churners for rule in rules) == int(frame["churned_3m"].sum())
    assert all(0.0 <= rule.churn_rate <= 1.0 for rule in rules)
    assert all(rule.base_rate == pytest.approx(frame["churned_3m"].mean()) for rule in rules)
    assert [rule.churn_rate for rule in rules] == sorted((rule.churn_rate for rule in rules), reverse=True)
    assert all(rule.rows >= 40 for rule in rules)  # 2 % of 2,000
    assert all(rule.text("en") and rule.text("zh_CN") for rule in rules)


def test_rows_without_a_known_outcome_are_left_out() -> None:
    frame = planted_frame(rows=500).with_columns(
        pl.when(pl.int_range(pl.len()) < 100).then(None).otherwise(pl.col("churned_3m")).alias("churned_3m")
    )
    assert sum(rule.rows for rule in churn_rules(frame)) == 400


def test_no_labelled_rows_is_a_clear_error() -> None:
    frame = planted_frame(rows=10).with_columns(pl.lit(None, dtype=pl.Boolean).alias("churned_3m"))
    with pytest.raises(ValueError) as error:
        churn_rules(frame)
    assert str(error.value) == "no customer-months with a known 3-month outcome to explain churn from"
