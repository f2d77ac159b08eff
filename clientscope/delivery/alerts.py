"""Metric alerts: a condition on a metrics.yaml metric for a scope, checked once per new data version.

Values come from the semantic compiler (`run_metric_query`) under the recipient's own scope, so an alert never
tells anyone a number they could not see on the page. A breach is sent once; while it lasts, later data versions
send nothing; once it clears, the next breach is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from clientscope.access.viewer import Viewer
from clientscope.db import Database
from clientscope.delivery.config import Alert
from clientscope.delivery.recipients import RecipientRefused
from clientscope.delivery.render import url_query
from clientscope.semantic import SemanticModel
from clientscope.semantic.compiler import MetricRequest, run_metric_query
from clientscope.semantic.periods import relative_change
from clientscope.store.tables import alert_state
from clientscope.view_context import build_page_context


@dataclass(frozen=True)
class Evaluation:
    metric: str
    period: str  # the latest month, YYYY-MM
    value: float | None
    prior: float | None
    other_value: float | None
    breached: bool | None  # None: no value to judge (no data for this scope and period)

    @property
    def change(self) -> float | None:
        return relative_change(self.value, self.prior)


def _value(db: Database, model: SemanticModel, viewer: Viewer, metric: str, filters, start, end) -> float | None:
    request = MetricRequest(metrics=(metric,), filters=filters, grain="all", start=start, end=end)
    frame = run_metric_query(db, model, request, viewer.scope()).frame
    if frame.is_empty() or metric not in frame.columns:
        return None
    value = frame[metric][-1]
    return float(value) if value is not None else None


def evaluate(db: Database, model: SemanticModel, data_dir: Path, alert: Alert, viewer: Viewer) -> Evaluation:
    """The alert's metric for the latest month (or up to it) and the prior one, in the recipient's scope.
    Raises RecipientRefused when the alert's filters name what the recipient may not see."""
    pc = build_page_context(db, model, data_dir, url_query(alert.filters, alert.lang), viewer.scope())
    if pc.notices:
        problems = "; ".join(f"{n.key}={n.value} ({n.reason.replace('_', ' ')})" for n in pc.notices)
        raise RecipientRefused(f"the alert's filters do not apply in {viewer.username}'s scope: {problems}")
    months = pc.choices.months
    if len(months) < 2:
        return Evaluation(alert.metric, months[-1] if months else "", None, None, None, None)
    latest, before = months[-1], months[-2]
    filters = pc.metric_filters()

    def value(metric: str, month: str) -> float | None:
        start = month if alert.period == "month" else None
        return _value(db, model, viewer, metric, filters, start, month)

    current, prior = value(alert.metric, latest), value(alert.metric, before)
    other = value(alert.other, latest) if alert.other else None
    return Evaluation(alert.metric, latest, current, prior, other, judge(alert, current, prior, other))


def judge(alert: Alert, value: float | None, prior: float | None, other: float | None) -> bool | None:
    if value is None:
        return None
    threshold = alert.threshold
    match alert.condition:
        case "above":
            return value > float(threshold or 0)
        case "below":
            return value < float(threshold or 0)
        case "below_metric" | "above_metric":
            if other is None:
                return None
            return value < other if alert.condition == "below_metric" else value > other
    change = relative_change(value, prior)
    if change is None:  # no prior month, or a change from nothing: no measurable rise or fall
        return None
    return change > float(threshold or 0) if alert.condition == "rise_above" else change < -float(threshold or 0)


@dataclass(frozen=True)
class State:
    breached: bool
    data_version: str


def load_state(con: sa.Connection, alert: str, recipient: str) -> State | None:
    row = con.execute(
        sa.select(alert_state.c.breached, alert_state.c.data_version).where(
            alert_state.c.alert == alert, alert_state.c.recipient == recipient
        )
    ).first()
    return State(bool(row[0]), row[1]) if row else None


def save_state(
    con: sa.Connection, alert: str, recipient: str, breached: bool, value: float | None, version: str, now: datetime
) -> None:
    old = load_state(con, alert, recipient)
    values = {"breached": breached, "value": value, "data_version": version}
    if old is None:
        con.execute(alert_state.insert().values(alert=alert, recipient=recipient, since=now, **values))
        return
    if old.breached != breached:
        values["since"] = now
    con.execute(
        alert_state.update().where(alert_state.c.alert == alert, alert_state.c.recipient == recipient).values(**values)
    )
