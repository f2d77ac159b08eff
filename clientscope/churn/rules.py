"""Why customers churn: a shallow decision tree over attributes and signals, read out as rules.

The tree (depth ≤ 3, every leaf at least `min_leaf_share` of the sample and never fewer than
`MIN_LEAF_ROWS` rows, so each rule describes a group worth acting on) is fitted on recent
customer-months with a known 3-month outcome. Each leaf becomes a `ChurnRule`: the path as
conditions, the leaf's size, its churn rate, the base rate and the lift; rules are sorted by
churn rate, highest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from clientscope.churn.card import DEFAULT_CONFIG, ModelConfig
from clientscope.churn.signals import HORIZON_MONTHS, SignalRules, load_signals
from clientscope.churn.split import add_months_end, month_counts, plan_sample
from clientscope.db import FULL_SCOPE, Database, ViewerScope

if TYPE_CHECKING:  # imported where the tree is fitted: scikit-learn is slow to import (cold start)
    from sklearn.tree import DecisionTreeClassifier

MAX_DEPTH = 3
MIN_LEAF_SHARE = 0.02
MIN_LEAF_ROWS = 30


class Kind(StrEnum):
    CHANGE = "change"  # a ratio change, e.g. -0.5 = down 50 %
    COUNT = "count"  # a whole number of events or products
    MONTHS = "months"
    YEARS = "years"
    CNY = "cny"


@dataclass(frozen=True)
class Feature:
    name: str
    kind: Kind
    en: str
    zh: str


TREE_FEATURES: tuple[Feature, ...] = (
    Feature("txn_trend", Kind.CHANGE, "transactions", "交易笔数"),
    Feature("aum_trend", Kind.CHANGE, "AUM", "资产规模"),
    Feature("logins_trend", Kind.CHANGE, "digital logins", "线上登录"),
    Feature("complaints_2m", Kind.COUNT, "complaints in 60 days", "60天内投诉"),
    Feature("closures_3m", Kind.COUNT, "products closed in 3 months", "3个月内关闭产品"),
    Feature("inactive_months", Kind.MONTHS, "inactivity", "连续无交易"),
    Feature("products_held", Kind.COUNT, "products held", "持有产品数"),
    Feature("txn_count", Kind.COUNT, "transactions this month", "当月交易笔数"),
    Feature("tenure_months", Kind.MONTHS, "tenure", "客龄"),
    Feature("age", Kind.YEARS, "age", "年龄"),
    Feature("aum_total", Kind.CNY, "AUM", "资产规模"),
)
_BY_NAME = {feature.name: feature for feature in TREE_FEATURES}


@dataclass(frozen=True)
class Condition:
    """One feature's bounds on a path: lower < x ≤ upper (either may be open), maybe also unknown."""

    feature: str
    lower: float | None
    upper: float | None
    or_unknown: bool

    def text(self, lang: str = "zh_CN") -> str:
        feature = _BY_NAME[self.feature]
        body = _bounds_text(feature, self.lower, self.upper, lang)
        if self.or_unknown:
            body += " (or unknown)" if lang == "en" else "（或未知）"
        return body


@dataclass(frozen=True)
class ChurnRule:
    conditions: tuple[Condition, ...]
    rows: int
    churners: int
    churn_rate: float
    base_rate: float

    @property
    def lift(self) -> float:
        return self.churn_rate / self.base_rate if self.base_rate else 0.0

    def text(self, lang: str = "zh_CN") -> str:
        if not self.conditions:
            return "all customers" if lang == "en" else "全部客户"
        joiner = " and " if lang == "en" else "，且"
        return joiner.join(condition.text(lang) for condition in self.conditions)


def churn_rules(
    frame: pl.DataFrame, *, seed: int = 7, min_leaf_share: float = MIN_LEAF_SHARE, max_depth: int = MAX_DEPTH
) -> list[ChurnRule]:
    """Fit the tree on labelled rows (TREE_FEATURES + churned_3m) and read every leaf as a rule."""
    labelled = frame.filter(pl.col("churned_3m").is_not_null())
    if labelled.is_empty():
        raise ValueError("no customer-months with a known 3-month outcome to explain churn from")
    names = [feature.name for feature in TREE_FEATURES]
    x = labelled.select(pl.col(names).cast(pl.Float64)).to_numpy()
    y = labelled["churned_3m"].to_numpy().astype(int)
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(MIN_LEAF_ROWS, math.ceil(min_leaf_share * len(y))),
        random_state=seed,
    ).fit(x, y)
    leaves = tree.apply(x)
    base_rate = float(y.mean())
    rules = [
        _leaf_rule(tree, names, int(leaf), x[leaves == leaf], y[leaves == leaf], base_rate)
        for leaf in np.unique(leaves)
    ]
    return sorted(rules, key=lambda rule: (-rule.churn_rate, -rule.rows))


def _leaf_rule(
    tree: DecisionTreeClassifier, names: list[str], leaf: int, x: np.ndarray, y: np.ndarray, base_rate: float
) -> ChurnRule:
    conditions = _path_conditions(tree, names, leaf)
    # say "or unknown" only where the leaf really holds rows with that value missing
    missing = {name for name, column in zip(names, x.T, strict=True) if np.isnan(column).any()}
    conditions = tuple(replace(c, or_unknown=c.or_unknown and c.feature in missing) for c in conditions)
    churners = int(y.sum())
    return ChurnRule(conditions, len(y), churners, churners / len(y), base_rate)


def _path_conditions(tree: DecisionTreeClassifier, names: list[str], leaf: int) -> tuple[Condition, ...]:
    """Merge the splits from the root to `leaf` into one Condition per feature, in first-split order."""
    structure = tree.tree_
    parent: dict[int, tuple[int, bool]] = {}
    for node in range(structure.node_count):
        if structure.children_left[node] != -1:
            parent[int(structure.children_left[node])] = (node, True)
            parent[int(structure.children_right[node])] = (node, False)
    steps: list[tuple[int, bool]] = []
    node = leaf
    while node in parent:
        steps.append(parent[node])
        node = parent[node][0]
    bounds: dict[str, list] = {}
    for split, went_left in reversed(steps):
        name = names[int(structure.feature[split])]
        threshold = float(structure.threshold[split])
        lower, upper, unknown = bounds.get(name, [None, None, True])
        if went_left:  # x <= threshold
            upper = threshold if upper is None else min(upper, threshold)
        else:
            lower = threshold if lower is None else max(lower, threshold)
        # missing values follow missing_go_to_left; the path admits them only if every split did
        unknown = unknown and bool(structure.missing_go_to_left[split]) == went_left
        bounds[name] = [lower, upper, unknown]
    return tuple(Condition(name, lo, hi, unknown) for name, (lo, hi, unknown) in bounds.items())


def _bounds_text(feature: Feature, lower: float | None, upper: float | None, lang: str) -> str:
    if feature.kind is Kind.CHANGE:
        return _change_text(feature, lower, upper, lang)
    label = feature.en if lang == "en" else feature.zh
    if feature.kind is Kind.CNY:
        low, high = (None if v is None else _cny(v, lang) for v in (lower, upper))
        return _range_text(label, low, high, exclusive_low=True)
    # whole numbers: x > 2.5 means x ≥ 3, x ≤ 2.5 means x ≤ 2
    low_int = None if lower is None else math.floor(lower) + 1
    high_int = None if upper is None else math.floor(upper)
    unit = _unit(feature.kind, lang)
    low_txt = None if low_int is None else f"{low_int}{unit}"
    high_txt = None if high_int is None else f"{high_int}{unit}"
    if low_int is not None and low_int == high_int:
        return f"{label} = {low_txt}"
    return _range_text(label, low_txt, high_txt, exclusive_low=False)


def _unit(kind: Kind, lang: str) -> str:
    if kind is Kind.MONTHS:
        return " months" if lang == "en" else "个月"
    if kind is Kind.YEARS:
        return "" if lang == "en" else "岁"
    return ""


def _range_text(label: str, low: str | None, high: str | None, *, exclusive_low: bool) -> str:
    low_op = ">" if exclusive_low else "≥"
    if low is not None and high is not None:
        return f"{low} {'<' if exclusive_low else '≤'} {label} ≤ {high}"
    if low is not None:
        return f"{label} {low_op} {low}"
    return f"{label} ≤ {high}"


def _change_text(feature: Feature, lower: float | None, upper: float | None, lang: str) -> str:
    """Changes read as 'down ≥ 50%' / 'up > 20%' when one-sided, else as a signed range."""
    en = lang == "en"
    if lower is None and upper is not None and upper < 0:
        pct = _pct(-upper)
        return f"{feature.en} down ≥ {pct}%" if en else f"{feature.zh}降幅≥{pct}%"
    if upper is None and lower is not None and lower >= 0:
        pct = _pct(lower)
        return f"{feature.en} up > {pct}%" if en else f"{feature.zh}增幅>{pct}%"
    if lower is not None and upper is not None and upper < 0:
        low, high = _pct(-upper), _pct(-lower)
        return f"{feature.en} down {low}% to {high}%" if en else f"{feature.zh}降幅{low}%至{high}%"
    if lower is not None and upper is not None and lower >= 0:
        low, high = _pct(lower), _pct(upper)
        return f"{feature.en} up {low}% to {high}%" if en else f"{feature.zh}增幅{low}%至{high}%"
    label = f"{feature.en} change" if en else f"{feature.zh}变化"
    low = None if lower is None else f"{_signed_pct(lower)}%"
    high = None if upper is None else f"{_signed_pct(upper)}%"
    return _range_text(label, low, high, exclusive_low=True)


def _pct(value: float) -> int:
    return round(value * 100)


def _signed_pct(value: float) -> str:
    return f"{round(value * 100):+d}"


def _cny(value: float, lang: str) -> str:
    if lang == "en":
        return f"¥{value:,.0f}"
    # three significant figures in the Chinese units: 5.23万元, 123万元, 1.5亿元
    if abs(value) >= 1e8:
        return f"{_three_figures(value / 1e8)}亿元"
    if abs(value) >= 1e4:
        return f"{_three_figures(value / 1e4)}万元"
    return f"{value:.0f}元"


def _three_figures(value: float) -> str:
    """At least three significant figures, never in exponent notation, no trailing zeros (5.23, 50, 1234)."""
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def recent_labelled_periods(months: list[date], recent_months: int) -> tuple[date, date]:
    """The latest `recent_months` month-ends whose 3-month outcome is known."""
    data_end = max(months, default=date.min)
    labelled = sorted(m for m in months if add_months_end(m, HORIZON_MONTHS) <= data_end)
    if not labelled:
        raise ValueError(
            f"no month has a known {HORIZON_MONTHS}-month outcome yet: the extract needs more than "
            f"{HORIZON_MONTHS} month-ends of customer_months"
        )
    chosen = labelled[-recent_months:]
    return chosen[0], chosen[-1]


def why_they_churn(
    db: Database,
    rules: SignalRules | None = None,
    *,
    recent_months: int = 6,
    config: ModelConfig = DEFAULT_CONFIG,
    scope: ViewerScope = FULL_SCOPE,
) -> list[ChurnRule]:
    """Rules over the latest `recent_months` labelled months (sampled like training when large)."""
    counts = month_counts(db)
    first, last = recent_labelled_periods(counts["month"].to_list(), recent_months)
    sample = plan_sample(counts, first, last, config)
    frame = load_signals(db, rules, first_month=first, last_month=last, sample=sample, scope=scope)
    return churn_rules(frame, seed=config.seed)
