"""The interaction model in a real browser: URL state, filter changes, cross-filter chips, language, theme."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import polars as pl
import pytest
from babel.numbers import format_decimal
from dash.testing.wait import until
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains

from tests.browser_support import assert_clean, retry_stale
from tests.tiers import tier_floors

pytestmark = pytest.mark.browser


def customers_at_latest_month(data: Path, *, region: str | None = None, tier_of: str | None = None) -> int:
    """An independent count from the raw extracts (tiers by the metrics.yaml thresholds)."""
    months = pl.read_parquet(data / "customer_months" / "*.parquet", columns=["customer_id", "month", "aum_total"])
    latest = months.filter(pl.col("month") == months["month"].max())
    if region:
        customers = pl.read_parquet(data / "customers" / "*.parquet", columns=["customer_id", "branch_id"])
        branches = pl.read_parquet(data / "branches.parquet", columns=["branch_id", "region"])
        keep = customers.join(branches, on="branch_id").filter(pl.col("region") == region)["customer_id"]
        latest = latest.filter(pl.col("customer_id").is_in(keep.implode()))
    if tier_of == "private":
        latest = latest.filter(pl.col("aum_total") >= tier_floors()["private"])
    return latest.height


def first_region(data: Path) -> str:
    return sorted(pl.read_parquet(data / "branches.parquet")["region"].unique().to_list())[0]


def test_url_state_restores_filters(dash_duo, dash_app, demo_data: Path) -> None:
    region = first_region(demo_data)
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/?region={region}&compare=yoy")
    expected = format_decimal(customers_at_latest_month(demo_data, region=region), locale="zh_CN")
    dash_duo.wait_for_text_to_equal("#kpi-value-customers", expected, timeout=20)
    assert region in dash_duo.find_element(".filter-bar").text
    assert dash_duo.find_element("#filter-compare input[value='yoy']").is_selected()
    assert_clean(dash_duo)


def test_changing_a_control_updates_url_and_back_restores(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_element("#kpi-value-customers", timeout=20)
    dash_duo.wait_for_contains_text("#kpi-cards", "环比基期", timeout=20)
    dash_duo.find_element("#filter-compare input[value='qoq']").click()
    dash_duo.wait_for_contains_text("#kpi-cards", "季度环比基期", timeout=20)
    assert "compare=qoq" in dash_duo.driver.current_url
    dash_duo.driver.back()
    dash_duo.wait_for_contains_text("#kpi-cards", "环比基期", timeout=20)
    assert "季度环比基期" not in dash_duo.find_element("#kpi-cards").text
    assert "compare=qoq" not in dash_duo.driver.current_url
    assert_clean(dash_duo)


def test_bad_url_values_are_dropped_with_a_notice(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/?region=火星区&start=2099-01&lang=en")
    dash_duo.wait_for_contains_text("#url-notices", "region = 火星区: no such value in the data", timeout=20)
    assert "start = 2099-01: not a month of the data" in dash_duo.find_element("#url-notices").text
    dash_duo.wait_for_element("#kpi-value-customers")
    assert_clean(dash_duo)


def test_click_adds_a_chip_that_narrows_and_removing_it_restores(dash_duo, dash_app, demo_data: Path) -> None:
    dash_duo.start_server(dash_app)
    everyone = format_decimal(customers_at_latest_month(demo_data), locale="zh_CN")
    dash_duo.wait_for_text_to_equal("#kpi-value-customers", everyone, timeout=20)
    # the tier-mix chart (its own section, drawn after the KPI cards): one trace per tier in metrics.yaml order
    # (private, affluent, mass)
    first_bar = "[id*='overview-tier-mix'] .trace.bars:first-child .point path"
    dash_duo.wait_for_element(first_bar, timeout=30)

    def click_private() -> None:
        # plotly handles clicks on its drag layer at the pointer position: click where the bar is drawn
        ActionChains(dash_duo.driver).move_to_element(dash_duo.find_element(first_bar)).click().perform()

    for _ in range(3):  # on a busy machine plotly may not have bound its click handler yet: a user clicks again
        retry_stale(click_private)
        try:
            dash_duo.wait_for_element(".chip", timeout=15)
            break
        except TimeoutException:
            continue
    dash_duo.wait_for_element(".chip", timeout=5)
    assert "x.tier=private" in unquote(dash_duo.driver.current_url)
    private = format_decimal(customers_at_latest_month(demo_data, tier_of="private"), locale="zh_CN")
    dash_duo.wait_for_text_to_equal("#kpi-value-customers", private, timeout=20)
    dash_duo.find_element(".chip-remove").click()
    dash_duo.wait_for_text_to_equal("#kpi-value-customers", everyone, timeout=20)
    assert not dash_duo.find_elements(".chip")
    assert_clean(dash_duo)


def test_language_switch_changes_labels_and_number_formats(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    aum = dash_duo.wait_for_element("#kpi-value-aum_total", timeout=20)
    assert "亿" in aum.text or "万" in aum.text
    dash_duo.find_element("#language-switch").click()
    dash_duo.wait_for_contains_text("#navbar", "Overview", timeout=20)
    dash_duo.wait_for_contains_text("#kpi-cards", "MoM prior", timeout=20)
    aum_en = dash_duo.find_element("#kpi-value-aum_total").text
    assert aum_en.startswith("¥") and aum_en[-1] in "KMB" and "亿" not in aum_en
    assert dash_duo.driver.execute_script("return document.documentElement.lang") == "en"
    assert_clean(dash_duo)


def test_dark_theme(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_element("#theme-switch", timeout=20).click()
    dash_duo.wait_for_element("#kpi-value-customers", timeout=20)
    until(
        lambda: (
            dash_duo.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == "dark"
        ),
        timeout=10,
    )
    assert "theme=dark" in dash_duo.driver.current_url
    assert_clean(dash_duo)
