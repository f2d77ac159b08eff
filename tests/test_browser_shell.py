"""The app in a real headless Chromium: the overview loads, languages switch, bad data shows an error page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from babel.numbers import format_decimal

from tests.browser_support import assert_clean
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser


@pytest.fixture
def app(dash_app):
    return dash_app


def latest_month_customers(data: Path) -> int:
    months = pl.read_parquet(data / "customer_months" / "*.parquet", columns=["month"])
    return months.filter(pl.col("month") == months["month"].max()).height


def test_overview_loads_with_clean_console(dash_duo, app, demo_data: Path) -> None:
    dash_duo.start_server(app)
    expected = format_decimal(latest_month_customers(demo_data), locale="zh_CN")
    dash_duo.wait_for_text_to_equal("#kpi-value-customers", expected, timeout=20)
    # every card names the month it shows and the month it is compared with
    data_months = pl.read_parquet(demo_data / "customer_months" / "*.parquet", columns=["month"])["month"]
    first, last = data_months.min(), data_months.max()
    before = last.replace(day=1) - timedelta(days=1)
    month_text = f"{last.year}年{last.month}月 较 {before.year}年{before.month}月"
    assert dash_duo.find_element("#kpi-month-customers").text == month_text
    # the churn rate's period line: the default period is every month of this 12-month bank; stocks have none
    period = f"{first.year}年{first.month}月至{last.year}年{last.month}月："
    assert dash_duo.find_element("#kpi-period-churn_rate").text.startswith(period)
    assert not dash_duo.driver.find_elements("css selector", "#kpi-period-customers")
    assert "总览" in dash_duo.find_element("#navbar").text
    assert dash_duo.driver.execute_script("return fetch('/health').then(r => r.text())") == "OK"
    assert_clean(dash_duo)


def test_language_switch_to_english(dash_duo, app) -> None:
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#language-switch", timeout=20).click()
    dash_duo.wait_for_contains_text("#navbar", "Overview", timeout=20)
    assert "lang=en" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text("#page", "Customers", timeout=20)
    dash_duo.wait_for_contains_text("#filter-compare", "MoM", timeout=20)
    assert_clean(dash_duo)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict[str, str], args: list[str], port: int, timeout_s: float = 90.0) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError(f"server on port {port} did not answer within {timeout_s} s")


def test_broken_extracts_show_the_problems_not_a_traceback(dash_br, demo_data: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in demo_data.iterdir():
        if item.name != "branches.parquet":
            (broken / item.name).symlink_to(item)
    pl.read_parquet(demo_data / "branches.parquet").drop("region").write_parquet(broken / "branches.parquet")
    port = _free_port()
    env = {**os.environ, "CLIENTSCOPE_DATA": str(broken)}
    proc = _serve(env, ["-m", "clientscope.cli", "serve", "--port", str(port)], port)
    try:
        dash_br.server_url = f"http://127.0.0.1:{port}"
        dash_br.wait_for_contains_text("#data-problems", "branches.parquet", timeout=20)
        text = dash_br.find_element("#data-problems").text
        assert "'region'" in text and "Traceback" not in text
        assert_clean(dash_br)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_python_app_py_serves_the_demo_on_first_run(dash_br, tmp_path: Path) -> None:
    """The README's first command: no data configured → demo generated → 200 on /. The limit is generous (it
    covers generating the demo bank and training the churn model on a busy two-core machine): it catches a
    server that never comes up, it does not measure speed."""
    env = {k: v for k, v in os.environ.items() if k != "CLIENTSCOPE_DATA"}
    env["CLIENTSCOPE_CACHE"] = str(tmp_path / "cache")
    env["CLIENTSCOPE_STATE"] = str(tmp_path / "state")
    proc = _serve(env, ["app.py"], 8050, timeout_s=300.0)
    try:
        assert (tmp_path / "cache" / "demo" / "customers").is_dir()
        dash_br.server_url = "http://127.0.0.1:8050"
        dash_br.wait_for_element("#kpi-value-customers", timeout=30)
        assert_clean(dash_br)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
