"""Scheduled reports end to end: a real SMTP server and an HTTP receiver on loopback get the messages; the attached
workbook equals the page's export in the recipient's own scope; restarts and crashes send exactly once."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from clientscope.access.config import AccessConfig
from clientscope.db import FULL_SCOPE
from clientscope.delivery import log as dlog
from clientscope.delivery.config import load_delivery
from clientscope.delivery.recipients import Audience
from clientscope.delivery.scheduler import run
from clientscope.delivery.service import Deliverer
from clientscope.export import render_workbook
from clientscope.exporting import export_page
from clientscope.reports import ReportRequest, builder
from clientscope.semantic import load_semantic_model
from clientscope.store import open_store
from clientscope.view_context import build_page_context
from tests.access_fixtures import add
from tests.conftest import REPO_ROOT
from tests.delivery_support import FakeClock
from tests.test_export_pages import sheets

ACCOUNTS = AccessConfig(sign_in="accounts")
# 2026-12-07 is a Monday; 08:00 in Shanghai is 00:00 UTC.
MONDAY_8 = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)


def subscriptions(smtp_port: int, body: str, webhook_url: str = "http://127.0.0.1:9") -> str:
    return f"""\
timezone: Asia/Shanghai
base_url: http://bi.bank.local
smtp: {{host: 127.0.0.1, port: {smtp_port}, tls: none, sender: bi@bank.local}}
webhooks:
  team_json: {{url: "{webhook_url}/hook", format: json}}
  team_wecom: {{url: "{webhook_url}/cgi-bin/webhook/send?key=k", format: wecom}}
  team_ding: {{url: "{webhook_url}/robot/send?access_token=t", format: dingtalk}}
{body}"""


def deliverer(tmp_path: Path, data_dir: Path, text: str, *, access=None, store=None, **options) -> Deliverer:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(text, encoding="utf-8")
    store = store or open_store("sqlite:///" + str(tmp_path / "store.sqlite"))
    model = load_semantic_model(REPO_ROOT / "metrics.yaml")
    options.setdefault("retry_delays", (0.0, 0.0))
    config = load_delivery(path)
    return Deliverer(config, store, Audience(access, store), data_dir, model, sleep=lambda s: None, **options)


def attachment(mail) -> openpyxl.Workbook:
    parts = [p for p in mail.iter_attachments() if p.get_filename().endswith(".xlsx")]
    assert len(parts) == 1
    return openpyxl.load_workbook(io.BytesIO(parts[0].get_content()))


def data_sheets(book: openpyxl.Workbook) -> dict[str, list[tuple]]:
    every = sheets(book)
    return {name: rows for name, rows in list(every.items())[1:]}  # the cover names the user and the time


BANK_WIDE_SEGMENTS = """\
subscriptions:
  - name: weekday_segments
    page: segments
    filters: "tier=private,affluent"
    schedule: "0 8 * * 1-5"
    recipients:
      - {bank_wide: true, email: boss@bank.local}
"""


def test_a_due_report_mails_the_page_workbook_and_the_charts(tmp_path, demo_data, smtp_inbox):
    inbox, port = smtp_inbox
    d = deliverer(tmp_path, demo_data, subscriptions(port, BANK_WIDE_SEGMENTS))
    d.plan(datetime(2026, 12, 6, 23, 0, tzinfo=UTC))  # first sight: plans from here on
    assert d.plan(MONDAY_8) == 1
    outcomes = d.work(MONDAY_8)
    assert [(o.status, o.attempts) for o in outcomes] == [("sent", 1)]
    (mail,) = inbox.to("boss@bank.local")
    assert mail["Subject"].startswith("【定期报表】") and "weekday_segments" in mail["Subject"]
    html = mail.get_body(("html",)).get_content()
    assert "http://bi.bank.local/segments?tier=private%2Caffluent" in html and 'src="cid:charts"' in html
    image = next(p for p in mail.walk() if p.get_content_type() == "image/png")
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    out = tmp_path / "export.xlsx"
    export_page(
        page="segments",
        data_dir=demo_data,
        out=out,
        filters=["tier=private,affluent"],
        lang="zh_CN",
        metrics_path=REPO_ROOT / "metrics.yaml",
        generated_at=datetime(2026, 12, 7, 8, 0),
    )
    assert data_sheets(attachment(mail)) == data_sheets(openpyxl.load_workbook(out))
    log = dlog.recent(d.store)
    assert log.select("name", "recipient", "status").rows() == [("weekday_segments", "*bank*>boss@bank.local", "sent")]


def test_each_recipient_gets_the_workbook_of_their_own_scope_never_the_senders(tmp_path, demo_data, smtp_inbox):
    inbox, port = smtp_inbox
    store = open_store("sqlite:///" + str(tmp_path / "store.sqlite"))
    add(store, "east", "region_manager", regions=["华东区"])
    add(store, "mkt", "marketing")
    body = """\
subscriptions:
  - name: churn_daily
    page: churn
    schedule: "0 8 * * *"
    format: [xlsx]
    recipients:
      - {user: east, email: east@bank.local}
      - {user: mkt, email: mkt@bank.local}
      - {user: nobody, email: nobody@bank.local}
      - {bank_wide: true, email: open@bank.local}
"""
    d = deliverer(tmp_path, demo_data, subscriptions(port, body), access=ACCOUNTS, store=store)
    d.queue_now("churn_daily", MONDAY_8)
    outcomes = {o.delivery.recipient.split(">")[0]: o for o in d.work(MONDAY_8)}
    assert outcomes["east"].status == "sent"
    assert outcomes["mkt"].result == "mkt (marketing) may not open the page 'churn'"
    assert outcomes["nobody"].result == "there is no enabled account 'nobody'; `clientscope users list` shows them"
    assert outcomes["*bank*"].result.startswith("bank_wide recipients are for open mode only")
    assert [rcpts for rcpts, _ in inbox.mails] == [["east@bank.local"]]
    built = d.built()
    viewer = d.audience.viewer(d.config.subscriptions[0].recipients[0])
    pc = build_page_context(built.db, built.model, demo_data, {}, viewer.scope())
    expected = render_workbook(builder("churn")(ReportRequest(pc, datetime(2026, 12, 7, 8), user="x")))
    got = data_sheets(attachment(inbox.to("east@bank.local")[0]))
    assert got == data_sheets(openpyxl.load_workbook(io.BytesIO(expected.content)))
    full = build_page_context(built.db, built.model, demo_data, {}, FULL_SCOPE)
    whole = data_sheets(
        openpyxl.load_workbook(io.BytesIO(render_workbook(builder("churn")(ReportRequest(full, MONDAY_8))).content))
    )
    assert got != whole  # the region's own rows, not the bank's
    other_regions = [r for r in full.choices.labels["region"] if r != "华东区"]
    text = str(got)
    assert other_regions and not any(region in text for region in other_regions)
    cover = attachment(inbox.to("east@bank.local")[0]).worksheets[0]
    assert any("east（区域经理）" in str(c.value) for row in cover.iter_rows() for c in row)


def test_webhooks_get_json_wecom_and_dingtalk_bodies_with_retries(tmp_path, demo_data, smtp_inbox, webhook_receiver):
    receiver, url = webhook_receiver
    receiver.failures_left = 2  # two 500s: the third attempt goes through
    _, port = smtp_inbox
    body = """\
subscriptions:
  - name: overview_en
    page: overview
    lang: en
    schedule: "*/5 * * * *"
    format: [xlsx]
    recipients:
      - {bank_wide: true, webhook: team_json}
      - {bank_wide: true, webhook: team_wecom}
      - {bank_wide: true, webhook: team_ding}
"""
    d = deliverer(tmp_path, demo_data, subscriptions(port, body, url), retry_delays=(0.0, 0.0, 0.0))
    d.queue_now("overview_en", MONDAY_8)
    outcomes = d.work(MONDAY_8)
    assert [(o.status, o.attempts) for o in outcomes] == [("sent", 3), ("sent", 1), ("sent", 1)]
    generic, wecom, ding = receiver.bodies
    assert generic["kind"] == "report" and generic["name"] == "overview_en"
    assert generic["link"] == "http://bi.bank.local/?lang=en"
    assert generic["idempotency_key"] == "report:overview_en:2026-12-07T00:00:00+00:00:*bank*>webhook:team_json"
    assert (
        wecom["msgtype"] == "markdown"
        and "[Open in Clientscope](http://bi.bank.local/?lang=en)" in (wecom["markdown"]["content"])
    )
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"].startswith("[Report] ")
    assert receiver.paths[1:] == ["/cgi-bin/webhook/send?key=k", "/robot/send?access_token=t"]


def test_a_robot_that_refuses_fails_after_the_retries_and_the_log_says_why(tmp_path, demo_data, webhook_receiver):
    receiver, url = webhook_receiver
    receiver.answer = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'
    body = """\
subscriptions:
  - name: o
    page: overview
    schedule: "0 8 * * *"
    format: [xlsx]
    recipients: [{bank_wide: true, webhook: team_wecom}]
"""
    d = deliverer(tmp_path, demo_data, subscriptions(1, body, url))
    d.queue_now("o", MONDAY_8)
    (outcome,) = d.work(MONDAY_8)
    assert (outcome.status, outcome.attempts) == ("failed", 3)
    assert outcome.result == ('the robot refused the message: {"errcode": 93000, "errmsg": "invalid webhook url"}')
    assert dlog.pending(d.store, MONDAY_8) == []


class Crash(Exception):
    pass


def test_a_crash_between_rendering_and_sending_resends_exactly_once(tmp_path, demo_data, smtp_inbox):
    inbox, port = smtp_inbox
    text = subscriptions(port, BANK_WIDE_SEGMENTS.replace("    recipients:", "    format: [xlsx]\n    recipients:"))

    def crash(due):
        raise Crash(due.key)

    first = deliverer(tmp_path, demo_data, text, after_render=crash)
    first.plan(datetime(2026, 12, 6, 23, 0, tzinfo=UTC))
    first.plan(MONDAY_8)
    with pytest.raises(Crash):
        first.work(MONDAY_8)
    assert inbox.mails == []
    # The restarted process plans again (nothing new: the run is recorded). While the crashed sender's lease lasts
    # the row is left alone (it could be another scheduler still at work); then it is sent, once.
    again = deliverer(tmp_path, demo_data, text, store=first.store)
    assert again.plan(MONDAY_8) == 0
    assert again.work(MONDAY_8 + timedelta(minutes=9)) == []
    restarted = MONDAY_8 + dlog.LEASE + timedelta(seconds=1)
    assert [o.status for o in again.work(restarted)] == ["sent"]
    assert again.work(restarted + dlog.LEASE * 2) == []
    assert again.plan(datetime(2026, 12, 7, 0, 30, tzinfo=UTC)) == 0
    assert len(inbox.to("boss@bank.local")) == 1


def test_the_scheduler_fires_a_minute_schedule_with_an_injected_clock(tmp_path, demo_data, smtp_inbox):
    inbox, port = smtp_inbox
    body = """\
subscriptions:
  - name: every_minute
    page: overview
    schedule: "* * * * *"
    format: [xlsx]
    recipients: [{bank_wide: true, email: ops@bank.local}]
"""
    d = deliverer(tmp_path, demo_data, subscriptions(port, body))
    clock = FakeClock(datetime(2026, 12, 7, 0, 0, 30, tzinfo=UTC), stop_after=datetime(2026, 12, 7, 0, 3, tzinfo=UTC))
    run(d, clock, stop=clock.done)
    # Seen at 00:00:30 (plans from then on), then woken at 00:01, 00:02, 00:03: three runs, three mails.
    assert clock.sleeps == [30.0, 60.0, 60.0, 60.0]
    assert len(inbox.to("ops@bank.local")) == 3
    due = sorted(dlog.recent(d.store)["due_at"].dt.strftime("%H:%M").to_list())
    assert due == ["00:01", "00:02", "00:03"]
    # A restart after a downtime sends each missed run once, and nothing twice.
    later = datetime(2026, 12, 7, 0, 6, 10, tzinfo=UTC)
    assert d.plan(later) == 3 and [o.status for o in d.work(later)] == ["sent"] * 3
    assert len(inbox.to("ops@bank.local")) == 6


def test_two_senders_never_send_the_same_due_row(tmp_path, demo_data, smtp_inbox):
    inbox, port = smtp_inbox
    text = subscriptions(port, BANK_WIDE_SEGMENTS)
    one = deliverer(tmp_path, demo_data, text)
    other = deliverer(tmp_path, demo_data, text, store=one.store)
    one.queue_now("weekday_segments", MONDAY_8)
    (due,) = dlog.pending(one.store, MONDAY_8)
    assert dlog.claim(one.store, due.id, MONDAY_8)  # the first sender is at work on it
    assert other.work(MONDAY_8) == [] and not dlog.claim(other.store, due.id, MONDAY_8)
    assert inbox.mails == []
