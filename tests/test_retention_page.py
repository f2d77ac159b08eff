"""The work queue through real callback requests, signed in: an RM's queue holds exactly their own high-risk
customers (against a DuckDB count over the page's scores file), a save is versioned and audited, a stale save is
refused with the other editor's name, marketing cannot record actions, the customer 360 shows the history and
the churn workbook carries the queue."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import duckdb
import pytest

from clientscope import runtime
from clientscope.access.audit import entries
from clientscope.actions.outcomes import window_end
from clientscope.actions.queue import HORIZON_MONTHS
from clientscope.actions.store import actions_frame
from clientscope.churn import files as churn_files
from clientscope.db import FULL_SCOPE
from clientscope.i18n import t
from tests.access_fixtures import add, sign_in
from tests.sections_support import render_sections
from tests.test_access import exported_workbook, router_body

UPDATE = "/_dash-update-component"


def _key(app, fragment: str) -> str:
    return next(key for key in app.callback_map if fragment in key)


def call(client, app, fragment: str, inputs: list[tuple[str, str, Any]], state: list[tuple[str, str, Any]]) -> dict:
    """POST one callback the way the browser does; the response's {id: {property: value}}."""
    key = _key(app, fragment)
    outputs = [
        {"id": name.rsplit(".", 1)[0], "property": name.rsplit(".", 1)[1]} for name in key.strip(".").split("...")
    ]
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    response = client.post(UPDATE, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]


def queue(client, app, search: str = "?lang=en", statuses=("open", "contacted", "offer_made"), overdue="all"):
    inputs = [
        ("retention-status-filter", "value", list(statuses)),
        ("retention-overdue", "value", overdue),
        ("retention-saved", "data", None),
    ]
    return call(client, app, "retention-grid.rowData", inputs, [("url", "search", search)])["retention-grid"]["rowData"]


def save(client, app, key: dict, *, assignee, status, offer, note, due="2027-01-15", search="?lang=en") -> str:
    state = [
        ("retention-editing", "data", key),
        ("retention-assignee", "value", assignee),
        ("retention-status", "value", status),
        ("retention-offer", "value", offer),
        ("retention-due", "value", due),
        ("retention-note", "value", note),
        ("url", "search", search),
    ]
    answer = call(client, app, "retention-saved.data", [("retention-save", "n_clicks", 1)], state)
    return json.dumps(answer["retention-message"], ensure_ascii=False)


@pytest.fixture
def rm_and_book(demo_data: Path, dash_app) -> tuple[str, set[str]]:
    """The RM with the most high-risk customers, and those customers (DuckDB over the page's scores file)."""
    with dash_app.server.app_context():
        db = runtime.current().db
        data = churn_files.churn_data(db, date.today())
    con = duckdb.connect()
    rows = con.execute(
        "select rm_id, list(customer_id) from read_parquet($path) where risk_level = 'high' and rm_id is not null "
        "group by rm_id order by count(*) desc, rm_id limit 1",
        {"path": str(data.scores_path)},
    ).fetchone()
    return rows[0], set(rows[1])


def test_an_rm_works_their_own_queue_and_every_save_is_versioned_and_audited(
    accounts_app, accounts_store, rm_and_book
) -> None:
    rm, book = rm_and_book
    add(accounts_store, "anna", "relationship_manager", rm=rm)
    add(accounts_store, "boss", "head_office")
    anna = accounts_app.server.test_client()
    sign_in(anna, "anna")
    routed = anna.post(UPDATE, json=router_body(accounts_app, "/churn", "?lang=en")).get_json()
    page = json.dumps(render_sections(anna, routed, "/churn", "?lang=en"), ensure_ascii=False)
    assert "Retention work queue" in page and "Follow-up coverage" in page and "Did it work?" in page
    # the only batch is the scoring month's: its outcomes are known once the horizon has passed
    with accounts_app.server.app_context():
        as_of = churn_files.churn_data(runtime.current().db, date.today()).as_of
    first = window_end(as_of, HORIZON_MONTHS).isoformat()
    pending = t("actions.outcome.pending", "en", months=HORIZON_MONTHS, date=first)
    assert json.dumps(pending, ensure_ascii=False)[1:-1] in page
    rows = queue(anna, accounts_app)
    assert {row["customer"].split("]")[0].lstrip("[") for row in rows} == book  # her book, all of it
    assert {row["status"] for row in rows} == {"Open"}
    first = rows[0]
    # each row links to the customer's page, carrying the view and the way back to the churn page
    link = re.fullmatch(r"\[([^\]]+)\]\(/customers/([^?]+)\?(.+)\)", first["customer"])
    assert link is not None and link[1] == link[2] and parse_qs(link[3]) == {"lang": ["en"], "p.back": ["churn"]}
    picked = call(
        anna,
        accounts_app,
        "retention-editing.data",
        [("retention-grid", "cellClicked", {"rowId": first["id"]})],
        [("url", "search", "?lang=en")],
    )
    key = picked["retention-editing"]["data"]
    assert key == {"id": int(first["id"]), "version": 1}
    assert picked["retention-assignee"]["value"] == rm and picked["retention-status"]["value"] == "open"

    message = save(anna, accounts_app, key, assignee=rm, status="offer_made", offer="rate_bonus", note="called")
    assert "Saved (version 2)." in message
    # Head office had the same version open: its save is refused, naming Anna
    boss = accounts_app.server.test_client()
    sign_in(boss, "boss")
    refused = save(boss, accounts_app, key, assignee=rm, status="lost", offer=None, note="")
    assert (
        "Not saved: anna changed this action at " in refused
        and "(it is now version 2; you edited version 1)" in refused
    )
    stored = actions_frame(accounts_store, FULL_SCOPE).filter(
        actions_frame(accounts_store, FULL_SCOPE)["id"] == key["id"]
    )
    assert stored.select("status", "offer", "note", "version", "updated_by").row(0) == (
        "offer_made",
        "rate_bonus",
        "called",
        2,
        "anna",
    )
    audit = entries(accounts_store, action="retention_action")
    assert audit.height == 1 and audit["username"][0] == "anna"
    detail = json.loads(audit["detail"][0])
    assert (detail["status"], detail["version"], detail["note_added"]) == ("offer_made", 2, True)
    assert "called" not in audit["detail"][0]  # the note's text is never in the audit log

    # the queue filters by status; the customer 360 shows the change
    assert [r["id"] for r in queue(anna, accounts_app, statuses=("offer_made",))] == [first["id"]]
    customer = first["customer"].split("]")[0].lstrip("[")
    page = json.dumps(
        anna.post(UPDATE, json=router_body(accounts_app, f"/customers/{customer}", "?lang=en")).get_json(),
        ensure_ascii=False,
    )
    assert "customer-retention-history" in page and "anna: Offer made, offer Deposit rate bonus" in page

    # the churn workbook carries her queue, only her customers
    workbook = exported_workbook(anna, accounts_app, "churn", "?lang=en")
    sheet = list(workbook["Retention work queue"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(sheet) if row and row[0] == "Customer")
    assert {row[0] for row in sheet[header + 1 :] if row[0]} == book


def test_the_queue_count_says_when_the_grid_holds_only_the_first_actions(
    accounts_app, accounts_store, rm_and_book, monkeypatch
) -> None:
    from clientscope.components import retention_queue

    add(accounts_store, "boss", "head_office")
    boss = accounts_app.server.test_client()
    sign_in(boss, "boss")
    routed = boss.post(UPDATE, json=router_body(accounts_app, "/churn", "?lang=en")).get_json()
    render_sections(boss, routed, "/churn", "?lang=en")  # the first visit opens the month's batch
    inputs = [
        ("retention-status-filter", "value", ["open", "contacted", "offer_made"]),
        ("retention-overdue", "value", "all"),
        ("retention-saved", "data", None),
    ]
    whole = call(boss, accounts_app, "retention-grid.rowData", inputs, [("url", "search", "?lang=en")])
    total = len(whole["retention-grid"]["rowData"])
    assert total > 5 and whole["retention-count"]["children"] == f"{total:,} actions"
    monkeypatch.setattr(retention_queue, "QUEUE_LIMIT", 5)
    first = call(boss, accounts_app, "retention-grid.rowData", inputs, [("url", "search", "?lang=en")])
    assert first["retention-grid"]["rowData"] == whole["retention-grid"]["rowData"][:5]
    assert first["retention-count"]["children"] == (
        f"The first 5 of {total:,} actions; narrow the filters to see the rest"
    )


def test_marketing_cannot_record_an_action(accounts_app, accounts_store, rm_and_book) -> None:
    add(accounts_store, "mkt", "marketing")
    client = accounts_app.server.test_client()
    sign_in(client, "mkt")
    assert queue(client, accounts_app) == []
    message = save(client, accounts_app, {"id": 1, "version": 1}, assignee=None, status="lost", offer=None, note="x")
    assert "Your role may not record retention actions." in message
    assert entries(accounts_store, action="retention_action").height == 0
