"""Metric alerts on a hand-checked tiny bank: a breach found on a new data version is sent exactly once, stays
quiet while it lasts, and is sent again only after it cleared."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from clientscope.delivery.alerts import judge
from clientscope.delivery.config import Alert
from tests.test_delivery_reports import deliverer, subscriptions
from tests.tiny_extracts import tiny_frames, write_frames

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
# Region 华东 is branch B01: C001 and C003. AUM: January 650,000 + 12,000 = 662,000; February 700,000 (C003
# closed in February and has no February row).
ALERTS = """\
alerts:
  - name: east_aum_high
    metric: aum_total
    filters: "region=华东"
    condition: above
    threshold: 800000
    page: segments
    recipients: [{bank_wide: true, email: risk@bank.local}]
  - name: east_aum_jump
    metric: aum_total
    filters: "region=华东"
    condition: rise_above
    threshold: 0.2
    page: segments
    lang: en
    recipients: [{bank_wide: true, webhook: team_json}]
"""


def write_bank(folder: Path, c001_feb_wealth: float, c002_feb_card: float = 4_200.0) -> None:
    """The tiny bank with C001's February wealth (and AUM) set, and C002's card spend (a change of data version
    that moves no alert metric)."""
    frames = tiny_frames()
    feb = pl.col("month") == pl.date(2025, 2, 28)
    c001, c002 = pl.col("customer_id") == "C001", pl.col("customer_id") == "C002"
    frames["customer_months"] = (
        frames["customer_months"]
        .with_columns(
            wealth=pl.when(feb & c001).then(c001_feb_wealth).otherwise(pl.col("wealth")),
            card_spend=pl.when(feb & c002).then(c002_feb_card).otherwise(pl.col("card_spend")),
        )
        .with_columns(aum_total=pl.col("deposits") + pl.col("wealth") + pl.col("insurance"))
    )
    write_frames(folder, frames)


def test_a_breach_is_sent_once_until_it_clears(tmp_path, smtp_inbox, webhook_receiver, cache_dir):
    inbox, port = smtp_inbox
    receiver, url = webhook_receiver
    bank = tmp_path / "bank"
    write_bank(bank, 450_000.0)  # February: 700,000 — below 800,000, +5.7 % on January
    d = deliverer(tmp_path, bank, subscriptions(port, ALERTS, url))
    assert d.check_alerts(NOW) == 0 and d.work(NOW) == []

    write_bank(bank, 650_000.0)  # February: 150,000 + 650,000 + 100,000 = 900,000: above, and +35.9 %
    assert d.check_alerts(NOW) == 2
    assert [o.status for o in d.work(NOW)] == ["sent", "sent"]
    (mail,) = inbox.to("risk@bank.local")
    assert mail["Subject"] == "【预警】管理资产规模（AUM）：region=华东"
    text = mail.get_body(("plain",)).get_content()
    assert "管理资产规模（AUM）（2025-02）为 ¥90.00万，上期 ¥66.20万。" in text
    assert "触发条件：高于阈值 ¥80.00万。" in text
    (jump,) = receiver.bodies
    assert (jump["value"], jump["prior"], jump["threshold"]) == (900_000.0, 662_000.0, 0.2)
    assert "Condition: up more than +20.0% on the prior period (actual +36.0%)." in jump["text"]
    assert jump["link"] == "http://bi.bank.local/segments?region=%E5%8D%8E%E4%B8%9C&lang=en"

    assert d.check_alerts(NOW) == 0  # the same data version is checked once
    write_bank(bank, 650_000.0, c002_feb_card=5_000.0)  # a new version, the breach lasts: nothing new
    assert d.check_alerts(NOW) == 0
    write_bank(bank, 450_000.0)  # cleared
    assert d.check_alerts(NOW) == 0
    write_bank(bank, 700_000.0)  # breached again: one more mail (and one more webhook)
    assert d.check_alerts(NOW) == 2
    d.work(NOW)
    assert len(inbox.to("risk@bank.local")) == 2 and len(receiver.bodies) == 2
    assert "¥95.00万" in inbox.to("risk@bank.local")[1].get_body(("plain",)).get_content()


def alert(condition: str, **operands) -> Alert:
    return Alert(
        name="a",
        metric="m",
        condition=condition,
        page="churn",
        recipients=[{"bank_wide": True, "email": "a@b.cn"}],
        **operands,
    )


def test_conditions_judge_value_prior_and_other_metric():
    assert judge(alert("above", threshold=0.02), 0.021, None, None) is True
    assert judge(alert("above", threshold=0.02), 0.02, None, None) is False
    assert judge(alert("below", threshold=0.1), 0.05, None, None) is True
    assert judge(alert("rise_above", threshold=0.2), 121.0, 100.0, None) is True
    assert judge(alert("rise_above", threshold=0.2), 120.0, 100.0, None) is False
    assert judge(alert("rise_above", threshold=0.2), 5.0, 0.0, None) is None  # no relative change from zero
    assert judge(alert("fall_below", threshold=0.1), 89.0, 100.0, None) is True
    assert judge(alert("below_metric", other="c"), 0.03, None, 0.04) is True
    assert judge(alert("below_metric", other="c"), 0.05, None, 0.04) is False
    assert judge(alert("above", threshold=1), None, 1.0, None) is None


def test_a_report_due_while_the_extracts_are_invalid_waits_and_is_sent_once_they_are_valid(
    tmp_path, smtp_inbox, cache_dir
):
    from datetime import timedelta

    from clientscope.delivery import log as dlog

    inbox, port = smtp_inbox
    bank = tmp_path / "bank"
    write_bank(bank, 450_000.0)
    body = """\
subscriptions:
  - {name: tiny, page: overview, schedule: "0 8 * * *", format: [xlsx],
     recipients: [{bank_wide: true, email: boss@bank.local}]}
"""
    d = deliverer(tmp_path, bank, subscriptions(port, body))
    d.queue_now("tiny", NOW)
    frames = tiny_frames()
    write_frames(bank, {"customers": frames["customers"].drop("open_date")})  # a required column gone
    (waiting,) = d.work(NOW)
    assert waiting.status == "due" and waiting.result.startswith("waiting for valid extracts: ")
    assert "open_date" in waiting.result and inbox.mails == []
    write_bank(bank, 450_000.0)
    later = NOW + dlog.LEASE + timedelta(seconds=1)
    assert [o.status for o in d.work(later)] == ["sent"]
    assert len(inbox.to("boss@bank.local")) == 1 and d.work(later + dlog.LEASE * 2) == []
