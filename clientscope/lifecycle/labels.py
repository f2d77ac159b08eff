"""Texts shared by the lifecycle page and its workbook: step names and definitions, state and group labels, the
chips of the page's own cross-filters, the customer lists' headers and titles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from clientscope.i18n import MESSAGES, join_words, t
from clientscope.lifecycle.codes import (
    CROSS_ACTIVATION,
    CROSS_FLOW,
    CROSS_STEP,
    FROM_STATES,
    NOT_ACTIVATED,
    REACTIVATED,
    TO_STATES,
)
from clientscope.lifecycle.view import COHORT_CROSS, CROSS_STAGE, DrillTarget, FunnelWindows, LifecycleView
from clientscope.semantic.formats import currency_unit
from clientscope.view_context import PageContext


def step_labels(lang: str, windows: FunnelWindows) -> dict[str, str]:
    return {
        "acquired": t("lifecycle.step.acquired", lang),
        "activated": t("lifecycle.step.activated", lang),
        "retained_early": t("lifecycle.step.retained_early", lang, months=windows.retain_early),
        "retained_late": t("lifecycle.step.retained_late", lang, months=windows.retain_late),
        "grown": t("lifecycle.step.grown", lang),
        "churned": t("lifecycle.step.churned", lang, months=windows.churn_months),
    }


def pending_note(lang: str, funnel_frame: pl.DataFrame, labels: Mapping[str, str], count: Any = str) -> str | None:
    """The sentence under the funnel (and in the workbook): per step, the cohort customers not yet measurable for
    it, left out of its rate; None when every window has elapsed.  `count` formats a number."""
    items = [
        t("lifecycle.pending_item", lang, step=labels.get(step, step), count=count(pending))
        for step, pending in zip(funnel_frame["step"], funnel_frame["pending"], strict=True)
        if pending
    ]
    return t("lifecycle.pending_note", lang, items=join_words(items, lang)) if items else None


def step_definitions(pc: PageContext, windows: FunnelWindows) -> dict[str, str]:
    lang = pc.lang
    lookback = pc.model.rules.lifecycle.growing_lookback_months
    return {
        "acquired": t("lifecycle.def.acquired", lang),
        "activated": t("lifecycle.def.activated", lang, days=windows.activation_days),
        "retained_early": t("lifecycle.def.retained_early", lang, months=windows.retain_early),
        "retained_late": t("lifecycle.def.retained_late", lang, early=windows.retain_early, months=windows.retain_late),
        "grown": t(
            "lifecycle.def.grown", lang, late=windows.retain_late, months=windows.growth_months, lookback=lookback
        ),
        "churned": t("lifecycle.def.churned", lang, months=windows.churn_months),
    }


def state_labels(pc: PageContext) -> dict[str, str]:
    """Stage codes (metrics.yaml) plus the flow's own states, in the page's language."""
    labels = pc.model.value_labels("stage", pc.lang)
    for state in ("not_yet", "gap", REACTIVATED, "churned"):
        labels[state] = t(f"lifecycle.state.{state}", pc.lang)
    return labels


def group_labels(pc: PageContext, dim: str) -> dict[str, str]:
    if dim == "tier":
        return pc.model.tier_labels(pc.lang)
    return dict(pc.value_labels().get(dim, {}))


def group_order(pc: PageContext, dim: str) -> tuple[str, ...]:
    """Coded dimensions keep their metrics.yaml order (tiers highest first, age bands youngest first)."""
    if dim == "tier":
        return tuple(pc.model.tier_labels(pc.lang))
    if dim in pc.model.dimensions and pc.model.dimension(dim).value_labels:
        return tuple(pc.model.value_labels(dim, pc.lang))
    return ()


def cross_dimension_label(pc: PageContext, dimension: str) -> str:
    """A cross-filter's name: the page's own from the messages (as its chip), metrics.yaml dimensions' from there."""
    key = f"filter.{dimension}"
    if key in MESSAGES:
        return t(key, pc.lang)
    return pc.model.dimension_label(dimension, pc.lang) if dimension in pc.model.dimensions else dimension


def cross_value_labels(pc: PageContext, view: LifecycleView) -> dict[str, dict[str, str]]:
    """Labels of the chips of the page's own cross-filters (value → label), added to the dimensions' labels."""
    lang = pc.lang
    states = state_labels(pc)
    activation = {str(k): t("lifecycle.cross.activation", lang, k=k) for k in range(len(view.months))}
    activation[NOT_ACTIVATED] = t("lifecycle.activation.never", lang)
    flows = {
        f"{a}:{b}": t("lifecycle.list.flow", lang, a=view.flow_a, b=view.flow_b, source=states[a], target=states[b])
        for a in FROM_STATES
        for b in TO_STATES
    }
    return {
        **pc.value_labels(),
        CROSS_STEP: step_labels(lang, view.windows),
        CROSS_ACTIVATION: activation,
        CROSS_FLOW: flows,
    }


def unapplied(view: LifecycleView, chart: str) -> tuple[str, ...]:
    """The cohort-level cross-filters an all-customer chart (`flow`, `mix`) does not apply: they select cohort
    customers, while those charts show every customer.  Each highlights its own (x.flow, x.stage) instead."""
    own = {"flow": CROSS_FLOW, "mix": CROSS_STAGE}[chart]
    return tuple(d for d in COHORT_CROSS if d in view.cohort_cross and d != own)


def list_value_labels(pc: PageContext) -> dict[str, dict[str, str]]:
    """Translations of the coded columns of the drill lists."""
    labels = pc.value_labels()
    states = state_labels(pc)
    tiers = pc.model.tier_labels(pc.lang)
    return {
        "acquisition_channel": dict(labels.get("acquisition_channel", {})),
        "entry_tier": tiers,
        "tier": tiers,
        "latest_stage": states,
        "stage": states,
        "from_state": states,
        "to_state": states,
        "branch": dict(labels.get("branch", {})),
        "rm": dict(labels.get("rm", {})),
    }


def list_header(pc: PageContext, view: LifecycleView, column: str) -> str:
    """A drill-list column's header (dimension labels from metrics.yaml, the rest from the messages)."""
    lang = pc.lang
    if column in {"acquisition_channel", "region", "branch", "rm", "tier", "stage"}:
        return pc.model.dimension_label(column, lang)
    if column in {"retained_early", "retained_late"}:
        months = view.windows.retain_early if column == "retained_early" else view.windows.retain_late
        return t(f"lifecycle.col.{column}", lang, months=months)
    unit = currency_unit(pc.model.currency, lang)  # amounts are in the extracts' currency
    if column in {"active_at", "aum_at"}:
        k = view.target.args[1] if view.target is not None and view.target.kind == "cell" else "k"
        return t(f"lifecycle.col.{column}", lang, k=k, unit=unit)
    return t(f"lifecycle.col.{column}", lang, unit=unit)


def list_title(pc: PageContext, view: LifecycleView, target: DrillTarget | None) -> str:
    lang = pc.lang
    if target is None:
        return t("lifecycle.list.cohort", lang)
    if target.kind == "step":
        return t("lifecycle.list.step", lang, step=step_labels(lang, view.windows)[target.args[0]])
    if target.kind == "cell":
        return t("lifecycle.list.cell", lang, cohort=target.args[0], k=target.args[1])
    if target.kind == "act":
        if target.args[0] == NOT_ACTIVATED:
            return t("lifecycle.list.act_none", lang)
        return t("lifecycle.list.act", lang, k=target.args[0])
    states = state_labels(pc)
    if target.kind == "flow":
        return t(
            "lifecycle.list.flow",
            lang,
            a=view.flow_a,
            b=view.flow_b,
            source=states.get(target.args[0], target.args[0]),
            target=states.get(target.args[1], target.args[1]),
        )
    return t("lifecycle.list.mix", lang, month=target.args[0], stage=states.get(target.args[1], target.args[1]))
