"""`clientscope send NAME` and `clientscope alerts check` as cron runs them, against a loopback SMTP server; the
chart image's Chinese is drawn with a CJK font, not as boxes."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from clientscope.cli import main
from clientscope.delivery.snapshot import FONT_FAMILY
from tests.test_delivery_alerts import write_bank


def write_file(tmp_path, port: int, body: str):
    path = tmp_path / "subscriptions.yaml"
    path.write_text(
        f"timezone: Asia/Shanghai\nsmtp: {{host: 127.0.0.1, port: {port}, tls: none}}\n{body}", encoding="utf-8"
    )
    return path


def test_send_mails_now_and_a_second_send_in_the_same_minute_sends_nothing(
    tmp_path, demo_data, smtp_inbox, monkeypatch, capsys
):
    inbox, port = smtp_inbox
    monkeypatch.setenv("CLIENTSCOPE_STORE_URL", "sqlite:///" + str(tmp_path / "store.sqlite"))
    path = write_file(
        tmp_path,
        port,
        """\
subscriptions:
  - {name: mix, page: segments, schedule: "0 8 * * 1", format: [xlsx],
     recipients: [{bank_wide: true, email: a@bank.local}]}
""",
    )
    args = ["send", "mix", "--subscriptions", str(path), "--data", str(demo_data)]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "report mix → *bank*>a@bank.local: sent (1 attempt(s)) ok"
    assert len(inbox.to("a@bank.local")) == 1
    assert main(["send", "nope", "--subscriptions", str(path), "--data", str(demo_data)]) == 1
    assert capsys.readouterr().err.strip() == "error: no subscription 'nope' in the subscriptions file (defined: mix)"


def test_alerts_check_sends_a_breach_once(tmp_path, smtp_inbox, monkeypatch, capsys, cache_dir):
    inbox, port = smtp_inbox
    monkeypatch.setenv("CLIENTSCOPE_STORE_URL", "sqlite:///" + str(tmp_path / "store.sqlite"))
    bank = tmp_path / "bank"
    write_bank(bank, 650_000.0)  # 华东 February AUM 900,000
    path = write_file(
        tmp_path,
        port,
        """\
alerts:
  - {name: east, metric: aum_total, filters: "region=华东", condition: above, threshold: 800000, page: segments,
     lang: en, recipients: [{bank_wide: true, email: r@bank.local}]}
""",
    )
    args = ["alerts", "check", "--subscriptions", str(path), "--data", str(bank)]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 new breach(es)",
        "alert east → *bank*>r@bank.local: sent (1 attempt(s)) ok",
    ]
    assert main(args) == 0 and main([*args, "--force"]) == 0
    (mail,) = inbox.to("r@bank.local")
    assert mail["Subject"] == "[Alert] Assets under management: region=华东"


def pngs(tmp_path, *titles: str) -> list[bytes]:
    """One Chromium session for every image (kaleido's write_images)."""
    figures = [go.Figure(layout={"title": t, "font": {"family": FONT_FAMILY, "size": 28}}) for t in titles]
    files = [tmp_path / f"{i}.png" for i in range(len(titles))]
    pio.write_images(figures, files, width=400, height=120)
    return [f.read_bytes() for f in files]


def test_chinese_titles_are_drawn_with_their_own_glyphs_not_boxes(tmp_path):
    # Characters no font has all draw as the same box, so two such titles give byte-identical images (the check
    # can tell boxes); two Chinese titles differing in one character must not.
    box_a, box_b, warning, forecast = pngs(
        tmp_path, "\ue000\ue001\ue002", "\ue003\ue004\ue005", "流失率预警", "流失率预测"
    )
    assert box_a == box_b
    assert warning != forecast
