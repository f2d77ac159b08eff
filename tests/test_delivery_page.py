"""/subscriptions: opened by roles with the manage_subscriptions permission; pause and resume; the delivery log."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from clientscope.access.audit import entries
from clientscope.delivery import log as dlog
from tests.access_fixtures import add, sign_in
from tests.test_access import router_body

FILE = """\
timezone: Asia/Shanghai
subscriptions:
  - name: east_weekly
    page: segments
    filters: "region=华东区"
    schedule: "0 8 * * 1"
    recipients: [{user: east, email: east@bank.local}]
alerts:
  - {name: churn_up, metric: churn_rate, condition: above, threshold: 0.02, page: churn,
     recipients: [{user: east, email: east@bank.local}]}
"""


@pytest.fixture
def subscriptions_env(tmp_path, monkeypatch):
    path = tmp_path / "subscriptions.yaml"
    path.write_text(FILE, encoding="utf-8")
    monkeypatch.setenv("CLIENTSCOPE_SUBSCRIPTIONS", str(path))
    return path


def rendered(client, app, search: str = "?lang=en") -> str:
    response = client.post("/_dash-update-component", json=router_body(app, "/subscriptions", search))
    return json.dumps(response.get_json(), ensure_ascii=False)  # unescaped: "'" and ">" as written


@pytest.mark.parametrize(
    ("role", "attributes", "allowed"),
    [
        ("head_office", {}, True),
        ("marketing", {}, True),
        ("region_manager", {"regions": ["华东区"]}, False),
        ("auditor", {}, False),
    ],
)
def test_only_roles_with_the_permission_open_the_page(
    accounts_app, accounts_store, subscriptions_env, role, attributes, allowed
):
    add(accounts_store, "someone", role, **attributes)
    client = accounts_app.server.test_client()
    sign_in(client, "someone")
    page = rendered(client, accounts_app)
    assert ("You may not open this page" not in page) is allowed
    assert ("east_weekly" in page) is allowed


def test_the_page_lists_next_runs_and_the_log_and_pauses(accounts_app, accounts_store, subscriptions_env):
    add(accounts_store, "boss", "head_office")
    with accounts_store.begin() as con:
        dlog.record_due(con, "report", "east_weekly", datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "east>east@bank.local")
    client = accounts_app.server.test_client()
    sign_in(client, "boss")
    page = rendered(client, accounts_app)
    assert "Scheduled reports and alerts" in page and "churn_up" in page and "above 0.02" in page
    assert "2026-12-07 00:00 UTC" in page and "east>east@bank.local" in page
    toggle = next(key for key in accounts_app.callback_map if key.startswith("subs-list."))
    body = {
        "output": toggle,
        "outputs": {"id": "subs-list", "property": "children"},
        "inputs": [[{"id": {"type": "subs-toggle", "name": "east_weekly"}, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "url", "property": "search", "value": "?lang=en"}],
        "changedPropIds": ['{"name":"east_weekly","type":"subs-toggle"}.n_clicks'],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "paused" in answer.get_data(as_text=True) and "Resume" in answer.get_data(as_text=True)
    assert dlog.paused_names(accounts_store) == frozenset({"east_weekly"})
    send = next(key for key in accounts_app.callback_map if key.startswith("subs-status."))
    body = {
        "output": send,
        "outputs": {"id": "subs-status", "property": "children"},
        "inputs": [[{"id": {"type": "subs-send", "name": "east_weekly"}, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "url", "property": "search", "value": "?lang=en"}],
        "changedPropIds": ['{"name":"east_weekly","type":"subs-send"}.n_clicks'],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert "Queued: the scheduler (clientscope schedule run) sends “east_weekly” within a minute" in json.dumps(
        answer.get_json(), ensure_ascii=False
    )
    recorded_before = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    queued = [d for d in dlog.pending(accounts_store, datetime.now(UTC)) if d.due_at != recorded_before]
    assert [(d.name, d.recipient) for d in queued] == [("east_weekly", "east>east@bank.local")]
    actions = entries(accounts_store).select("action", "target").rows()
    assert ("view", "/subscriptions") in actions and actions.count(("subscription", "east_weekly")) == 2


def test_a_file_with_problems_is_shown_with_its_lines(accounts_app, accounts_store, subscriptions_env):
    subscriptions_env.write_text("subscriptions:\n  - {name: x, page: overview}\n", encoding="utf-8")
    add(accounts_store, "boss", "head_office")
    client = accounts_app.server.test_client()
    sign_in(client, "boss")
    page = rendered(client, accounts_app)
    assert "The subscriptions file has problems; nothing is sent:" in page
    assert f"{subscriptions_env}:2: missing required key 'schedule'" in page
