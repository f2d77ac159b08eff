"""The churn page's work queue: the retention actions of the viewer's customers, filtered by status and overdue,
with a form to assign, change the status, record the offer, move the due date and add a note.

`queue_section(pc, data)` is placed on /churn by pages/churn.py; the callbacks below read the URL's view (the
viewer's scope and the page filters come from it) and call `clientscope.actions`. See docs/retention-actions.md.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from clientscope.access.viewer import current_viewer
from clientscope.actions import editing
from clientscope.actions.config import RetentionConfig, retention_config
from clientscope.actions.queue import QUEUE_LIMIT, current_store, ensure_batch, now_utc, queue_frame
from clientscope.actions.store import CLOSED_STATUSES, STATUSES, ActionError, count_actions, history_frame
from clientscope.churn.files import ChurnData
from clientscope.components.grid import grid_options
from clientscope.components.request_context import page_context
from clientscope.customer_list import customer_href, link_query, markdown_link
from clientscope.i18n import t
from clientscope.semantic import format_value
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query
from clientscope.view_context import PageContext

DEFAULT_STATUSES = ["open", "contacted", "offer_made"]  # what still needs work


class Ids(StrEnum):
    CARD = "retention-queue"
    BATCH = "retention-batch"
    STATUS_FILTER = "retention-status-filter"
    OVERDUE = "retention-overdue"
    COUNT = "retention-count"
    GRID = "retention-grid"
    EDITOR = "retention-editor"
    SELECTED = "retention-selected"
    ASSIGNEE = "retention-assignee"
    STATUS = "retention-status"
    OFFER = "retention-offer"
    DUE = "retention-due"
    NOTE = "retention-note"
    SAVE = "retention-save"
    MESSAGE = "retention-message"
    HISTORY = "retention-history"
    EDITING = "retention-editing"
    SAVED = "retention-saved"


def status_labels(lang: str) -> dict[str, str]:
    return {status: t(f"actions.status.{status}", lang) for status in STATUSES}


def queue_section(pc: PageContext, data: ChurnData) -> dbc.Card:
    lang = pc.lang
    config = retention_config()
    batch = ensure_batch(current_store(), str(data.scores_path), data.as_of, config, now_utc())
    statuses = [{"label": label, "value": code} for code, label in status_labels(lang).items()]
    filters = dbc.Row(
        [
            dbc.Col(
                dcc.Dropdown(
                    id=Ids.STATUS_FILTER,
                    options=statuses,
                    value=DEFAULT_STATUSES,
                    multi=True,
                    placeholder=t("actions.filter.status", lang),
                ),
                md=7,
            ),
            dbc.Col(
                dbc.RadioItems(
                    id=Ids.OVERDUE,
                    options=[
                        {"label": t("actions.filter.all", lang), "value": "all"},
                        {"label": t("actions.filter.overdue", lang), "value": "overdue"},
                    ],
                    value="all",
                    inline=True,
                ),
                md=5,
            ),
        ],
        className="g-2 mb-2 align-items-center",
    )
    note = t(
        "actions.batch",
        lang,
        month=batch.warning_month.isoformat(),
        customers=batch.customers,
        opened=batch.opened_at.date().isoformat(),
        days=batch.follow_up_days,
        held=batch.holdout_customers,
    )
    body = [
        html.P(note, className="small text-muted mb-2", id=Ids.BATCH),
        filters,
        html.Div(id=Ids.COUNT, className="small text-muted mb-1"),
        queue_grid(lang),
        editor(pc, config),
        dcc.Store(id=Ids.EDITING),
        dcc.Store(id=Ids.SAVED),
    ]
    header = dbc.CardHeader(t("actions.title", lang), className="fw-semibold")
    return dbc.Card([header, dbc.CardBody(body)], className="mb-3", id=Ids.CARD)


def queue_grid(lang: str) -> dag.AgGrid:
    columns = [
        ("customer", 130, {"cellRenderer": "markdown", "pinned": "left"}),
        ("name", 90, {}),
        ("phone", 120, {}),
        ("assignee", 110, {}),
        ("branch", 120, {}),
        ("churn_probability", 100, {"type": "rightAligned"}),
        ("status", 100, {}),
        ("offer", 130, {}),
        ("due_date", 110, {}),
        ("overdue", 80, {}),
        ("note", 220, {"tooltipField": "note"}),
        ("updated", 190, {}),
    ]
    return dag.AgGrid(
        id=Ids.GRID,
        columnDefs=[
            {"field": field, "colId": field, "headerName": t(f"actions.col.{field}", lang), "width": width, **extra}
            for field, width, extra in columns
        ],
        rowData=[],
        getRowId="params.data.id",
        defaultColDef={"resizable": True, "sortable": True, "filter": False},
        dashGridOptions=grid_options(lang, pagination=True, paginationPageSize=20, tooltipShowDelay=300),
        style={"height": "420px"},
    )


def editor(pc: PageContext, config: RetentionConfig) -> html.Div:
    lang = pc.lang
    rms = pc.choices.labels.get("rm", {})
    statuses = [{"label": label, "value": code} for code, label in status_labels(lang).items()]
    offers = [{"label": label, "value": code} for code, label in config.offer_labels(lang).items()]

    def field(label_key: str, control: Any, width: int) -> dbc.Col:
        return dbc.Col([dbc.Label(t(label_key, lang), className="small mb-0"), control], md=width)

    return html.Div(
        [
            html.Div(t("actions.editor.pick", lang), id=Ids.SELECTED, className="fw-semibold small mt-3 mb-1"),
            dbc.Row(
                [
                    field(
                        "actions.col.assignee",
                        dcc.Dropdown(
                            id=Ids.ASSIGNEE, options=[{"label": v, "value": k} for k, v in rms.items()], clearable=False
                        ),
                        3,
                    ),
                    field("actions.col.status", dcc.Dropdown(id=Ids.STATUS, options=statuses, clearable=False), 3),
                    field("actions.col.offer", dcc.Dropdown(id=Ids.OFFER, options=offers), 3),
                    field("actions.col.due_date", dcc.Input(id=Ids.DUE, type="date", className="form-control"), 3),
                ],
                className="g-2 mb-2",
            ),
            dbc.Textarea(id=Ids.NOTE, placeholder=t("actions.editor.note", lang), maxLength=2000, className="mb-2"),
            dbc.Button(t("actions.editor.save", lang), id=Ids.SAVE, color="primary", size="sm", className="mb-2"),
            html.Div(id=Ids.MESSAGE),
            html.Div(id=Ids.HISTORY, className="small"),
        ],
        id=Ids.EDITOR,
    )


def _conditions(statuses: Any, overdue: Any, today: date) -> tuple[list[str] | None, date | None]:
    """The status and overdue filters as `queue_frame` / `count_actions` take them (unknown statuses ignored)."""
    wanted = [s for s in statuses if s in STATUSES] if isinstance(statuses, list) else []
    return wanted or None, today if overdue == "overdue" else None


def queue_records(pc: PageContext, today: date, statuses: Any, overdue: Any) -> list[dict[str, Any]]:
    """The queue's rows as the grid shows them (labels, masked personal data, link to the customer 360)."""
    wanted, overdue_on = _conditions(statuses, overdue, today)
    filters = pc.metric_filters()
    frame = queue_frame(
        pc.db, current_store(), pc.scope, statuses=wanted, overdue_on=overdue_on, filters=filters, limit=QUEUE_LIMIT
    )
    lang = pc.lang
    labels, offers = status_labels(lang), retention_config().offer_labels(lang)
    rms, branches = pc.choices.labels.get("rm", {}), pc.choices.labels.get("branch", {})
    percent = pc.model.formats["percent_2"]
    query = link_query(pc, "churn")  # the same view for every row
    records = []
    for row in frame.iter_rows(named=True):
        late = row["due_date"] < today and row["status"] not in CLOSED_STATUSES
        customer = row["customer_id"]
        records.append(
            {
                "id": str(row["id"]),
                "customer": markdown_link(customer, customer_href(customer, query)),
                "name": row["name"],
                "phone": row["phone"],
                "assignee": rms.get(row["assignee"], row["assignee"]) or t("churn.unassigned", lang),
                "branch": branches.get(row["branch_id"], row["branch_id"]),
                "churn_probability": format_value(row["churn_probability"], percent, lang),
                "status": labels.get(row["status"], row["status"]),
                "offer": offers.get(row["offer"], row["offer"]) if row["offer"] else "",
                "due_date": row["due_date"].isoformat(),
                "overdue": t("actions.overdue", lang) if late else "",
                "note": row["note"],
                "updated": f"{row['updated_by']} · {row['updated_at']:%Y-%m-%d %H:%M}",
            }
        )
    return records


def queue_count(pc: PageContext, today: date, statuses: Any, overdue: Any, shown: int) -> str:
    """ "84,486 actions", or, when the grid holds only the first QUEUE_LIMIT of them, how many there are."""
    wanted, overdue_on = _conditions(statuses, overdue, today)
    if shown < QUEUE_LIMIT:
        return t("actions.count", pc.lang, count=f"{shown:,}")
    filters = pc.metric_filters()
    total = count_actions(current_store(), pc.scope, filters=filters, statuses=wanted, overdue_on=overdue_on)
    if total <= shown:
        return t("actions.count", pc.lang, count=f"{total:,}")
    return t("actions.count_first", pc.lang, count=f"{shown:,}", total=f"{total:,}")


def history_list(pc: PageContext, action_id: int) -> html.Div:
    """The action's changes, newest first: when, who, what changed, and the note."""
    frame = history_frame(current_store(), pc.scope, action_id=action_id)
    return history_view(pc.lang, frame, retention_config())


def history_view(lang: str, frame, config: RetentionConfig) -> html.Div:
    if not frame.height:
        return html.Div(t("actions.history.none", lang), className="text-muted")
    labels, offers = status_labels(lang), config.offer_labels(lang)
    items = [
        html.Li(
            t(
                "actions.history.item",
                lang,
                at=f"{row['at']:%Y-%m-%d %H:%M}",
                user=row["username"],
                status=labels.get(row["status"], row["status"]),
                offer=offers.get(row["offer"], row["offer"] or "—"),
                due=row["due_date"].isoformat(),
            )
            + (f" — {row['note']}" if row["note"] else ""),
        )
        for row in reversed(list(frame.iter_rows(named=True)))
    ]
    return html.Div([html.Div(t("actions.history.title", lang), className="fw-semibold"), html.Ul(items)])


def _message(text: str, color: str) -> dbc.Alert:
    return dbc.Alert(text, color=color, className="py-1 px-2 small mb-2")


# --- callbacks -------------------------------------------------------------------------------------------------------


@callback(
    Output(Ids.GRID, "rowData"),
    Output(Ids.COUNT, "children"),
    Input(Ids.STATUS_FILTER, "value"),
    Input(Ids.OVERDUE, "value"),
    Input(Ids.SAVED, "data"),
    State(ShellIds.URL, "search"),
)
def on_queue(statuses, overdue, saved, search):
    """The queue for the status and overdue filters (again after every save)."""
    del saved
    if not editing.may_work(current_viewer()):
        return [], ""
    pc = page_context(parse_query(search or ""))
    records = queue_records(pc, date.today(), statuses, overdue)
    return records, queue_count(pc, date.today(), statuses, overdue, len(records))


@callback(
    Output(Ids.EDITING, "data"),
    Output(Ids.SELECTED, "children"),
    Output(Ids.ASSIGNEE, "value"),
    Output(Ids.STATUS, "value"),
    Output(Ids.OFFER, "value"),
    Output(Ids.DUE, "value"),
    Output(Ids.HISTORY, "children"),
    Output(Ids.MESSAGE, "children"),
    Input(Ids.GRID, "cellClicked"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_pick(cell, search):
    """A click on a queue row opens that action in the form, at its current version."""
    pc = page_context(parse_query(search or ""))
    action_id = editing.action_id_of(cell)
    row = editing.load_for_edit(current_store(), action_id, pc.scope) if action_id is not None else None
    if row is None or not editing.may_work(current_viewer()):
        return (no_update,) * 7 + (_message(t("actions.error.select", pc.lang), "warning"),)
    selected = t(
        "actions.editor.selected", pc.lang, customer=row["customer_id"], month=row["warning_month"].isoformat()
    )
    key = {"id": row["id"], "version": row["version"]}
    history = history_list(pc, row["id"])
    return key, selected, row["assignee"], row["status"], row["offer"], row["due_date"].isoformat(), history, None


@callback(
    Output(Ids.MESSAGE, "children", allow_duplicate=True),
    Output(Ids.SAVED, "data"),
    Output(Ids.EDITING, "data", allow_duplicate=True),
    Output(Ids.HISTORY, "children", allow_duplicate=True),
    Output(Ids.NOTE, "value"),
    Input(Ids.SAVE, "n_clicks"),
    State(Ids.EDITING, "data"),
    State(Ids.ASSIGNEE, "value"),
    State(Ids.STATUS, "value"),
    State(Ids.OFFER, "value"),
    State(Ids.DUE, "value"),
    State(Ids.NOTE, "value"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_save(n_clicks, key, assignee, status, offer, due, note, search):
    """Save the form as a new version of the action; a stale version or a bad value is refused with a message."""
    pc = page_context(parse_query(search or ""))
    opened = editing.editing_key(key)
    if not n_clicks or opened is None:
        return _message(t("actions.error.select", pc.lang), "warning"), no_update, no_update, no_update, no_update
    try:
        after = _saved(pc, opened, editing.form_edit(assignee, status, offer, due, note))
    except ActionError as refused:
        return _message(refused.text(pc.lang), "danger"), no_update, no_update, no_update, no_update
    done = _message(t("actions.saved", pc.lang, version=after["version"]), "success")
    key = {"id": after["id"], "version": after["version"]}
    return done, {"version": after["version"], "id": after["id"]}, key, history_list(pc, after["id"]), ""


def _saved(pc: PageContext, opened: Any, edit: Any) -> dict[str, Any]:
    """The edit saved by the current viewer (raises ActionError when refused)."""
    assignees = list(pc.choices.labels.get("rm", {}))
    return editing.save(
        current_store(), current_viewer(), opened, edit, retention_config(), assignees=assignees, now=now_utc()
    )
