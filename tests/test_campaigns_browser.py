"""/campaigns in a real browser: the table and charts render, the model selector writes the URL, a row click
selects its campaign and lists its converted customers with links to the customer 360 page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import polars as pl
import pytest
from babel.numbers import format_decimal
from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    NoSuchElementException,
    StaleElementReferenceException,
)

from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser


def reached_everyone(data: Path) -> int:
    """Customers contacted (control group excluded) in the demo's 12 months, from the raw touches."""
    touches = pl.read_parquet(data / "touches" / "*.parquet")
    return touches.filter(~pl.col("is_control"))["customer_id"].n_unique()


def click(dash_duo, selector: str) -> bool:
    """Click once the element is in view and nothing covers it (the page re-renders after each change)."""
    try:
        element = dash_duo.find_element(selector)
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
    except (ElementClickInterceptedException, StaleElementReferenceException, NoSuchElementException):
        return False
    return True


def test_campaigns_page(dash_duo, dash_app, demo_data: Path) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/campaigns?lang=en")
    dash_duo.wait_for_text_to_equal(
        "#campaigns-kpi-reached", format_decimal(reached_everyone(demo_data), locale="en"), timeout=30
    )
    dash_duo.wait_for_element("#campaigns-table .ag-row[row-id='CMP004']", timeout=20)
    assert dash_duo.find_elements("[id*='campaigns-channels'] .trace.bars")
    assert dash_duo.find_elements("#campaigns-paths .ag-row")
    assert "Last touch" in dash_duo.find_element("#campaigns-model").text

    # the model selector writes the URL and the page follows
    dash_duo.find_element("#campaigns-model").click()
    option = next(o for o in dash_duo.find_elements("[role='option']") if o.text == "Data-driven (Markov)")
    option.click()
    until(lambda: "p.model=markov" in dash_duo.driver.current_url, timeout=20)
    dash_duo.wait_for_contains_text("#campaigns-kpis", "Data-driven (Markov)", timeout=20)

    # a row click selects the campaign: one row left, its converted customers listed with 360 links
    until(lambda: click(dash_duo, "#campaigns-table .ag-row[row-id='CMP004'] .ag-cell[col-id='campaign_label']"), 20)
    until(lambda: "x.campaign=CMP004" in unquote(dash_duo.driver.current_url), timeout=20)
    dash_duo.wait_for_element(".chip", timeout=20)
    until(lambda: len(dash_duo.find_elements("#campaigns-table .ag-center-cols-container .ag-row")) == 1, timeout=20)
    link = dash_duo.wait_for_element("#campaigns-customers .ag-row a[href^='/customers/']", timeout=20)
    assert link.get_attribute("href").split("/customers/")[1].startswith(link.text)
    assert_clean(dash_duo)
