"""What the `/churn` URL asks for: the drill path, the risk levels called "at risk", the chosen signal, and the
queries a click leads to.

"At risk" means the model's risk level `high` (top 10 % of the test period's scores); a risk-level cross-filter
(`x.risk_level`) replaces it with the clicked level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from clientscope.churn.signals import (
    Signal,
)
from clientscope.i18n import t
from clientscope.state import ViewState, to_query
from clientscope.view_context import CrossFilter

LEVELS: tuple[str, ...] = ("region", "branch", "rm")  # the drill hierarchy; after the RM: the customer list


RISK_LEVELS: tuple[str, ...] = ("high", "medium", "low")


AT_RISK: tuple[str, ...] = ("high",)


SIGNALS: tuple[str, ...] = tuple(signal.value for signal in Signal)


SIGNAL_OPTION = "signal"  # page option p.signal=<code>: customers with that signal firing at the scoring month


def selected_signal(state: ViewState) -> str | None:
    value = state.option(SIGNAL_OPTION, SIGNALS, "")
    return value or None


def selected_levels(state: ViewState) -> tuple[str, ...]:
    """The risk levels the page calls "at risk": the clicked risk level, else high."""
    clicked = state.cross.get("risk_level")
    return (clicked,) if clicked in RISK_LEVELS else AT_RISK


def drill_level(state: ViewState) -> str | None:
    """The level the drill chart shows next: region, then branch, then RM; None once an RM is chosen."""
    if not state.drill:
        return LEVELS[0]
    last = state.drill[-1][0]
    if last not in LEVELS:
        return LEVELS[0]
    index = LEVELS.index(last)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


def drilled(state: ViewState, level: str, code: str) -> ViewState:
    """The state one level further down: `level: code` appended to the drill path (filters kept)."""
    return replace(state, drill=(*state.drill, (level, code)))


@dataclass(frozen=True)
class Crumb:
    label: str
    state: ViewState  # the view this crumb links to
    active: bool


def breadcrumb(state: ViewState, labels: Mapping[str, Mapping[str, str]], root_label: str) -> list[Crumb]:
    """The root (every region) and one crumb per drill level; each links to the view cut at that level."""
    crumbs = [Crumb(root_label, replace(state, drill=()), not state.drill)]
    for depth, (key, value) in enumerate(state.drill, start=1):
        crumbs.append(
            Crumb(
                labels.get(key, {}).get(value, value),
                replace(state, drill=state.drill[:depth]),
                depth == len(state.drill),
            )
        )
    return crumbs


def drill_search(state: ViewState, click: Mapping[str, Any] | None) -> str | None:
    """The query after a click on a drill bar (customdata = [code, level]); None when it does not drill."""
    if not click or not click.get("points"):
        return None
    custom = click["points"][0].get("customdata") or []
    if len(custom) < 2 or custom[0] is None:
        return None
    code, level = str(custom[0]), str(custom[1])
    if level != drill_level(state):
        return None
    return to_query(drilled(state, level, code))


def signal_search(state: ViewState, code: str) -> str:
    """The query after a click on a signal: keep the customers with it firing; the same signal again removes it."""
    if code not in SIGNALS:
        return to_query(state)
    current = selected_signal(state)
    return to_query(state.with_option(SIGNAL_OPTION, None if current == code else code))


def _risk_labels(lang: str) -> dict[str, str]:
    return {level: t(f"churn.level.{level}", lang) for level in RISK_LEVELS}


# x.risk_level is the churn MODEL's level (high / medium / low, docs/churn-model.md §4), which exists for the latest
# month-end only: a subset of the churn page, never the metrics.yaml `warning_level` (rule) dimension.
RISK_CROSS = "risk_level"
CROSS_FILTERS: dict[str, CrossFilter] = {RISK_CROSS: CrossFilter(lambda choices: frozenset(RISK_LEVELS), _risk_labels)}
