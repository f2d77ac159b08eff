"""The `/churn` page's numbers in words: money, levels, signals, the model card's rows and facts, rules (the
action list's rows in words are its customer-list source, `churn/lists.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from clientscope.churn.card import ModelCard
from clientscope.churn.rules import ChurnRule
from clientscope.churn.view import RISK_LEVELS, SIGNALS
from clientscope.i18n import MESSAGES, t
from clientscope.semantic import format_value
from clientscope.view_context import PageContext


def money_formatter(pc: PageContext) -> Callable[[float | None], str]:
    """AUM as the page shows it (metrics.yaml's format of aum_total: ¥1.23亿 / ¥123.46M)."""
    fmt = pc.model.format_of("aum_total")
    return lambda value: format_value(value, fmt, pc.lang)


def risk_level_labels(pc: PageContext) -> dict[str, str]:
    """The model's risk levels in words (not metrics.yaml's `warning_level`, which is the rule score's)."""
    return {level: t(f"churn.level.{level}", pc.lang) for level in RISK_LEVELS}


def signal_labels(lang: str) -> dict[str, str]:
    return {code: t(f"churn.signal.{code}", lang) for code in SIGNALS}


def feature_labels(features: Sequence[str], lang: str) -> list[str]:
    return [t(f"churn.feature.{name}", lang) if f"churn.feature.{name}" in MESSAGES else name for name in features]


def _ratio(value: float) -> str:
    return f"{value:.2f}×"


def baseline_name(code: str, lang: str) -> str:
    return t(f"churn.baseline.{code}", lang)


def card_rows(card: ModelCard, lang: str) -> list[tuple[str, str, str, str, str]]:
    """(key, label, model, strongest simple baseline, warning score) rows of the model card's comparison table."""
    model, best, rule = card.model, card.best_baseline.evaluation, card.rule_baseline
    scores = (model, best, rule)
    return [
        ("auc", t("churn.card.auc", lang), *(f"{e.roc_auc:.3f}" for e in scores)),
        ("lift", t("churn.card.lift", lang), *(_ratio(e.top_decile_lift) for e in scores)),
        ("capture", t("churn.card.capture", lang), *(percent_text(e.deciles[0].cumulative_capture) for e in scores)),
        ("top-rate", t("churn.card.top_rate", lang), *(percent_text(e.deciles[0].observed_rate) for e in scores)),
    ]


def baseline_rows(card: ModelCard, lang: str) -> list[tuple[str, str, str, str, bool]]:
    """(code, name, ROC AUC, top-decile lift, is the strongest) per simple baseline, in BASELINES order."""
    best = card.best_baseline.code
    return [
        (
            b.code,
            baseline_name(b.code, lang),
            f"{b.evaluation.roc_auc:.3f}",
            _ratio(b.evaluation.top_decile_lift),
            b.code == best,
        )
        for b in card.baselines
    ]


def percent_text(value: float) -> str:
    return f"{value * 100:.1f}%"


def card_facts(card: ModelCard, lang: str) -> list[tuple[str, str, str]]:
    """(label, value, key) facts of the model card: periods, row counts, sample, training date, cut-offs."""
    periods = card.periods
    sample = (
        t("churn.card.sample_all", lang)
        if card.sample.per_10000 >= 10_000
        else t("churn.card.sample_part", lang, share=f"{card.sample.per_10000 / 100:g}%", seed=card.sample.seed)
    )
    return [
        (t("churn.card.test_period", lang), f"{periods.test_first} – {periods.test_last}", "test-period"),
        (
            t("churn.card.test_rows", lang),
            t("churn.card.rows_churners", lang, rows=f"{card.test_rows:,}", churners=f"{card.test_churners:,}")
            + t("churn.card.base_rate", lang, rate=percent_text(card.model.base_rate)),
            "test-rows",
        ),
        (t("churn.card.train_period", lang), f"{periods.train_first} – {periods.train_last}", "train-period"),
        (
            t("churn.card.train_rows", lang),
            t("churn.card.rows_churners", lang, rows=f"{card.train_rows:,}", churners=f"{card.train_churners:,}"),
            "train-rows",
        ),
        (t("churn.card.horizon", lang), t("churn.card.horizon_value", lang, months=card.horizon_months), "horizon"),
        (t("churn.card.sample", lang), sample, "sample"),
        (
            t("churn.card.cutoffs", lang),
            t(
                "churn.card.cutoffs_value",
                lang,
                high=f"{card.high_cutoff * 100:.2f}%",
                medium=f"{card.medium_cutoff * 100:.2f}%",
            ),
            "cutoffs",
        ),
        (t("churn.card.trained_on", lang), card.trained_on.isoformat(), "trained-on"),
        (t("churn.card.version", lang), f"{card.data_version} · scikit-learn {card.sklearn_version}", "version"),
    ]


def rule_rows(rules: Sequence[ChurnRule], lang: str) -> list[tuple[str, str, str, float, str]]:
    """(rule in words, customer-months, churn rate vs base rate, churn rate, lift) per why-they-churn rule."""
    return [
        (
            rule.text(lang),
            f"{rule.rows:,}",
            t("churn.rules.rate", lang, rate=percent_text(rule.churn_rate), base=percent_text(rule.base_rate)),
            rule.churn_rate,
            _ratio(rule.lift),
        )
        for rule in rules
    ]
