"""What managers read about the retention actions on /churn — follow-up coverage by region → branch → RM and
whether acted-on customers stayed — and the action history card of the customer 360 page. Layout only: the
numbers come from `clientscope.actions` (docs/retention-actions.md)."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import html

from clientscope.actions import outcomes
from clientscope.actions.config import retention_config
from clientscope.actions.queue import HORIZON_MONTHS, coverage, current_store, known_outcomes, latest_batch
from clientscope.actions.store import history_frame
from clientscope.churn.files import ChurnData
from clientscope.churn.view import drill_level
from clientscope.components.retention_queue import history_view
from clientscope.i18n import t
from clientscope.semantic import format_value
from clientscope.view_context import PageContext

_STORE_COLUMN = {"region": "region", "branch": "branch_id", "rm": "rm_id"}


def _card(title: str, body: list, card_id: str) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title, className="fw-semibold"), dbc.CardBody(body)], className="mb-3", id=card_id)


def _pct(pc: PageContext, value: float | None) -> str:
    return format_value(value, pc.model.formats["percent"], pc.lang)


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}"


def coverage_section(pc: PageContext, today: date) -> dbc.Card:
    """Share of the latest batch's high-risk customers contacted within N days, at the page's drill level."""
    lang = pc.lang
    batch = latest_batch(current_store())
    title = t("actions.coverage.title", lang)
    if batch is None:
        return _card(title, [html.P(t("actions.coverage.none", lang))], "retention-coverage")
    level = drill_level(pc.state) or "rm"
    frame = coverage(current_store(), pc.scope, batch, _STORE_COLUMN[level], pc.metric_filters(), today)
    labels = pc.value_labels().get(level, {})
    header = html.Thead(
        html.Tr(
            [html.Th(t(f"actions.coverage.col.{c}", lang)) for c in ("unit", "warned", "contacted", "share", "overdue")]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(labels.get(r["code"], r["code"]) if r["code"] else t("churn.unassigned", lang)),
                html.Td(f"{r['warned']:,}", className="text-end"),
                html.Td(f"{r['contacted']:,}", className="text-end"),
                html.Td(_pct(pc, r["share"]), className="text-end"),
                html.Td(f"{r['overdue']:,}", className="text-end"),
            ]
        )
        for r in frame.iter_rows(named=True)
    ]
    warned, contacted = int(frame["warned"].sum()), int(frame["contacted"].sum())
    total = html.Tr(
        [
            html.Th(t("actions.coverage.total", lang)),
            html.Th(f"{warned:,}", className="text-end"),
            html.Th(f"{contacted:,}", className="text-end"),
            html.Th(
                _pct(pc, contacted / warned if warned else None), className="text-end", id="retention-coverage-share"
            ),
            html.Th(f"{int(frame['overdue'].sum()):,}", className="text-end"),
        ]
    )
    note = t(
        "actions.coverage.note",
        lang,
        month=batch.warning_month.isoformat(),
        days=batch.follow_up_days,
        level=t(f"actions.coverage.level.{level}", lang),
    )
    table = dbc.Table([header, html.Tbody([*rows, total])], size="sm", hover=True, className="mb-0")
    return _card(title, [html.P(note, className="small text-muted"), table], "retention-coverage")


def outcomes_section(pc: PageContext, data: ChurnData) -> dbc.Card:
    """Did it work: the randomised comparison when a batch had a hold-out, else the matched observational one."""
    lang, config = pc.lang, retention_config()
    title = t("actions.outcome.title", lang)
    found = known_outcomes(pc.db, current_store(), pc.scope, data.as_of, config)
    known, first = found.rows, found.first_window_end
    if known is None or not known.height:
        key = "actions.outcome.pending" if first else "actions.outcome.empty"
        text = t(key, lang, months=HORIZON_MONTHS, date=first.isoformat() if first else "")
        return _card(title, [html.P(text, id="retention-outcome-text")], "retention-outcomes")
    result = outcomes.randomised(known, config.confidence)
    if result is None:
        result = outcomes.acted_against_not_acted(known, config.confidence)
    body = [html.P(comparison_text(pc, result), id="retention-outcome-text")]
    table = outcomes.offer_table(known, config.offer_codes(), config.confidence)
    offers = config.offer_labels(lang)
    header = html.Thead(
        html.Tr([html.Th(t(f"actions.offers.col.{c}", lang)) for c in ("offer", "customers", "rate", "difference")])
    )
    body_rows = [
        html.Tr(
            [
                html.Td(offers.get(r["offer"], r["offer"])),
                html.Td(f"{r['customers']:,}", className="text-end"),
                html.Td(f"{_pct(pc, r['rate'])} ({_pct(pc, r['rate_low'])} – {_pct(pc, r['rate_high'])})"),
                html.Td(
                    f"{_points(r['difference'])} ({_points(r['difference_low'])} – {_points(r['difference_high'])})"
                ),
            ]
        )
        for r in table.iter_rows(named=True)
    ]
    body += [
        html.Div(t("actions.offers.title", lang), className="fw-semibold small"),
        dbc.Table([header, html.Tbody(body_rows)], size="sm", className="mb-1"),
        html.P(t("actions.offers.note", lang), className="small text-muted mb-0"),
    ]
    return _card(title, body, "retention-outcomes")


def comparison_text(pc: PageContext, result: outcomes.Comparison | None) -> str:
    lang = pc.lang
    if result is None or result.difference is None:
        return t("actions.outcome.no_comparison", lang)
    values = {
        "treated": _pct(pc, result.treated_rate),
        "control": _pct(pc, result.control_rate),
        "treated_n": f"{result.treated_n:,}",
        "control_n": f"{result.control_n:,}",
        "difference": _points(result.difference),
        "low": _points(result.low),
        "high": _points(result.high),
        "confidence": f"{result.confidence * 100:g}%",
        "unmatched": f"{result.unmatched:,}",
    }
    return t(f"actions.outcome.{result.kind}", lang, **values)


def customer_history_card(pc: PageContext, customer_id: str) -> html.Div:
    """The customer's retention actions and every change (customer 360)."""
    frame = history_frame(current_store(), pc.scope, customer_id=customer_id)
    body = history_view(pc.lang, frame, retention_config())
    card = _card(t("actions.history.customer", pc.lang), [body], "customer-retention-history")
    return html.Div(card, className="mb-3")
