"""subscriptions.yaml's line-numbered problems, and cron schedules read in the bank's time zone."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from clientscope.cli import main
from clientscope.delivery.config import load_delivery
from clientscope.delivery.schedule import MAX_CATCH_UP, next_run, runs_between
from clientscope.semantic import SemanticError, format_problems
from clientscope.store import open_store

SHANGHAI = ZoneInfo("Asia/Shanghai")


def problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SemanticError) as caught:
        load_delivery(path)
    return format_problems(caught.value.problems).replace(str(path), "F").splitlines()


def test_every_problem_is_listed_with_its_line(tmp_path):
    text = """\
timezone: Asia/Shenghai
smtp: {host: mail, tls: startls}
subscriptions:
  - name: weekly
    page: segments
    schedule: "0 8 * * MON-FRY"
    recipients:
      - {user: east, email: not-an-address}
  - name: daily
    page: churn
    schedul: "0 8 * * *"
    recipients: [{email: a@bank.cn}]
"""
    assert problems(tmp_path, text) == [
        "F:1: 'timezone': unknown time zone 'Asia/Shenghai', e.g. Asia/Shanghai",
        "F:2: unknown value 'startls' for 'smtp.tls' (did you mean 'starttls'?)",
        "F:6: 'subscriptions.0.schedule': '0 8 * * MON-FRY' is not a cron schedule of 5 fields (minute hour day "
        "month weekday), e.g. '0 8 * * 1-5' for 08:00 on weekdays",
        "F:8: 'subscriptions.0.recipients.0': 'not-an-address' is not an e-mail address",
        "F:11: unknown key 'schedul' (did you mean 'schedule'?)",
        "F:12: 'subscriptions.1.recipients.0': name the account whose scope applies ('user: NAME'), or say "
        "'bank_wide: true' for the whole bank's view (open mode only); give exactly one",
    ]


def test_unknown_webhooks_and_repeated_names_are_refused(tmp_path):
    text = """\
subscriptions:
  - {name: a, page: overview, schedule: "0 8 * * *", recipients: [{bank_wide: true, webhook: ops}]}
  - {name: a, page: overview, schedule: "0 8 * * *", recipients: [{bank_wide: true, email: a@b.cn}]}
"""
    (found,) = problems(tmp_path, text)
    assert "subscription names must be unique: a repeated" in found


def test_alerts_need_the_operands_of_their_condition(tmp_path):
    text = """\
alerts:
  - {name: x, metric: churn_rate, condition: below_metric, threshold: 1, page: churn,
     recipients: [{bank_wide: true, email: a@b.cn}]}
"""
    (found,) = problems(tmp_path, text)
    assert found.startswith("F:2: ") and "condition 'below_metric' needs 'other: METRIC' and no threshold" in found


def test_schedule_check_names_unknown_pages_and_metrics(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(
        """\
subscriptions:
  - {name: a, page: segmants, schedule: "0 8 * * *", recipients: [{bank_wide: true, email: a@b.cn}]}
alerts:
  - {name: b, metric: churn_rat, condition: above, threshold: 0.1, page: churn,
     recipients: [{bank_wide: true, email: a@b.cn}]}
""",
        encoding="utf-8",
    )
    assert main(["schedule", "check", "--subscriptions", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}: subscription 'a': page 'segmants' has no workbook; choose one of: ")
    assert err[1] == f"{path}: alert 'b': unknown metric 'churn_rat' (see `clientscope metrics`)"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekdays_at_eight_in_shanghai():
    # Friday 2026-12-04 08:00 Shanghai = 00:00 UTC; the next run after it is Monday 2026-12-07.
    assert next_run("0 8 * * 1-5", SHANGHAI, utc(2026, 12, 4, 0, 0)) == utc(2026, 12, 7, 0, 0)
    # 07:59 Shanghai on a Monday (Sunday 23:59 UTC): the run is a minute later, on Monday in Shanghai.
    assert next_run("0 8 * * 1-5", SHANGHAI, utc(2026, 12, 6, 23, 59)) == utc(2026, 12, 7, 0, 0)
    week = list(runs_between("0 8 * * 1-5", SHANGHAI, utc(2026, 12, 5, 0, 0), utc(2026, 12, 13, 0, 0)))
    assert [m.astimezone(SHANGHAI).strftime("%a %d %H:%M") for m in week] == [
        "Mon 07 08:00",
        "Tue 08 08:00",
        "Wed 09 08:00",
        "Thu 10 08:00",
        "Fri 11 08:00",
    ]


def test_a_run_at_one_in_the_morning_shanghai_is_the_previous_utc_day():
    assert next_run("0 1 1 * *", SHANGHAI, utc(2026, 12, 1, 0, 0)) == utc(2026, 12, 31, 17, 0)


def test_month_ends_the_31st_skips_short_months_and_l_takes_the_last_day():
    start, end = utc(2025, 12, 31, 12, 0), utc(2026, 12, 31, 12, 0)
    on_31st = [m.astimezone(SHANGHAI).month for m in runs_between("0 8 31 * *", SHANGHAI, start, end)]
    assert on_31st == [1, 3, 5, 7, 8, 10, 12]
    last = [m.astimezone(SHANGHAI).day for m in runs_between("0 8 L * *", SHANGHAI, start, utc(2028, 3, 1, 0, 0))]
    assert last[:3] == [31, 28, 31] and last[-2:] == [31, 29]  # 2028 is a leap year


def test_a_long_downtime_plans_at_most_the_newest_runs():
    runs = list(runs_between("* * * * *", SHANGHAI, utc(2026, 1, 1, 0, 0), utc(2026, 1, 2, 0, 0)))
    assert len(runs) == MAX_CATCH_UP and runs[-1] == utc(2026, 1, 2, 0, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        return open_store("sqlite:///" + str(tmp_path / "s.sqlite"))
    return open_store(request.getfixturevalue("postgres_url"))


def test_the_log_records_a_run_once_and_leases_it_to_one_sender_on_sqlite_and_postgresql(any_store):
    from datetime import timedelta
    from uuid import uuid4

    from clientscope.delivery import log as dlog

    name = "s-" + uuid4().hex[:12]  # the PostgreSQL store is shared by the session
    due_at, now = utc(2026, 12, 7, 0, 0), utc(2026, 12, 7, 0, 0, 5)
    with any_store.begin() as con:
        assert dlog.record_due(con, "report", name, due_at, "u>a@b.cn") is True
        assert dlog.record_due(con, "report", name, due_at, "u>a@b.cn") is False
        assert dlog.record_due(con, "report", name, due_at, "v>c@d.cn") is True
    rows = dlog.pending(any_store, now, name=name)
    assert [(r.key, r.due_at) for r in rows] == [
        (f"report:{name}:2026-12-07T00:00:00+00:00:u>a@b.cn", due_at),
        (f"report:{name}:2026-12-07T00:00:00+00:00:v>c@d.cn", due_at),
    ]
    assert dlog.claim(any_store, rows[0].id, now) and not dlog.claim(any_store, rows[0].id, now)
    assert [r.recipient for r in dlog.pending(any_store, now, name=name)] == ["v>c@d.cn"]
    after_lease = now + dlog.LEASE + timedelta(seconds=1)
    assert [r.recipient for r in dlog.pending(any_store, after_lease, name=name)] == ["u>a@b.cn", "v>c@d.cn"]
    dlog.finish(any_store, rows[0].id, dlog.SENT, 1, "ok")
    assert [r.recipient for r in dlog.pending(any_store, after_lease, name=name)] == ["v>c@d.cn"]
    log = dlog.recent(any_store, name=name)
    assert sorted(log.select("recipient", "status").rows()) == [("u>a@b.cn", "sent"), ("v>c@d.cn", "due")]


def test_smtp_settings_from_the_environment_and_the_password_from_nowhere_else(smtp_inbox, monkeypatch):
    from clientscope.delivery.config import Smtp
    from clientscope.delivery.mail import send_email
    from clientscope.delivery.message import Message

    inbox, port = smtp_inbox
    monkeypatch.setenv("CLIENTSCOPE_SMTP_PORT", str(port))
    monkeypatch.setenv("CLIENTSCOPE_SMTP_TLS", "none")
    monkeypatch.setenv("CLIENTSCOPE_SMTP_SENDER", "bi@bank.local")
    smtp = Smtp(host="127.0.0.1", port=1).with_env()
    assert (smtp.port, smtp.tls, smtp.sender) == (port, "none", "bi@bank.local")
    assert "password" not in Smtp.model_fields
    message = Message(subject="测试", lines=("一行",), link="http://x/", link_text="打开", key="k:1")
    send_email(smtp, message, "a@bank.local")
    (mail,) = inbox.to("a@bank.local")
    digest = hashlib.sha256(b"k:1").hexdigest()[:32]  # one Message-ID per idempotency key
    assert (mail["From"], mail["Subject"], mail["Message-ID"]) == ("bi@bank.local", "测试", f"<{digest}@clientscope>")
    monkeypatch.setenv("CLIENTSCOPE_SMTP_TLS", "startls")
    with pytest.raises(ValueError) as caught:
        Smtp().with_env()
    assert str(caught.value) == (
        "the SMTP settings from the environment are not valid: CLIENTSCOPE_SMTP_TLS: "
        "Input should be 'none', 'starttls' or 'ssl'"
    )


def test_every_key_and_condition_is_documented_and_in_the_example():
    from typing import get_args

    from clientscope.delivery.config import Alert, Condition, DeliveryConfig, Recipient, Smtp, Subscription, Webhook
    from tests.conftest import REPO_ROOT

    doc = (REPO_ROOT / "docs" / "delivery.md").read_text(encoding="utf-8")
    example = (REPO_ROOT / "subscriptions.example.yaml").read_text(encoding="utf-8")
    keys = {k for model in (DeliveryConfig, Smtp, Webhook, Recipient, Subscription, Alert) for k in model.model_fields}
    assert sorted(k for k in keys if f"`{k}`" not in doc and f"{{{k}:" not in doc) == []
    assert sorted(k for k in keys if f"{k}:" not in example) == []
    assert sorted(c for c in get_args(Condition) if f"`{c}`" not in doc) == []
