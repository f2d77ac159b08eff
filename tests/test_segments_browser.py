"""/segments and /customers/<id> in a real headless Chromium: charts, URL-backed switches, cross-filter,
the server-side customer list, and the drill-through to the customer 360 page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser

LIST_LINK = "#segments-list .ag-row a[href^='/customers/']"


def query_of(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def settle(dash_duo) -> None:
    """Wait until no page render is pending (the shell's loading overlay is gone)."""
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: not d.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]') !== null")
    )


def click(dash_duo, element) -> None:
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def click_point(dash_duo, selector: str, index: int = 0) -> None:
    """Click a plotly point the way a user does (plotly listens on its drag layer, above the bars)."""
    points = dash_duo.find_elements(selector)
    ActionChains(dash_duo.driver).move_to_element(points[index]).pause(0.2).click().perform()


def test_segments_page_switches_filters_lists_and_drills(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/segments")
    dash_duo.wait_for_element("#segments-mix g.point path", timeout=60)
    dash_duo.wait_for_element("#segments-trend g.point path")
    dash_duo.wait_for_element("#segments-migration .sankey")
    dash_duo.wait_for_element("#segments-potential .ag-row")
    # the customer list fills from the server and links to the 360 page, carrying the view
    dash_duo.wait_for_element(LIST_LINK, timeout=30)
    assert "p.back=segments" in dash_duo.find_element(LIST_LINK).get_attribute("href")
    book = dash_duo.find_element("#segments-list .customer-list span.text-muted").text

    # the trend switch lives in the URL
    settle(dash_duo)
    option = [e for e in dash_duo.find_elements("#segments-trend label") if e.text == "AUM占比"]
    click(dash_duo, option[0])
    WebDriverWait(driver, 20).until(lambda d: query_of(d).get("p.trend") == ["share"])
    dash_duo.wait_for_element("#segments-trend g.point path", timeout=20)

    # clicking a tier in the mix cross-filters: a chip, and a shorter customer list
    settle(dash_duo)
    dash_duo.driver.execute_script("document.querySelector('#segments-mix').scrollIntoView({block: 'center'})")
    click_point(dash_duo, "#segments-mix g.point path", 0)
    WebDriverWait(driver, 20).until(lambda d: "x.tier" in query_of(d))
    dash_duo.wait_for_element("#filter-chips .chip", timeout=20)
    WebDriverWait(driver, 30).until(
        lambda d: d.find_element("css selector", "#segments-list .customer-list span.text-muted").text not in ("", book)
    )

    # a migration cell lists the customers who made that move
    settle(dash_duo)
    heatmap = dash_duo.find_elements("#segments-migration .js-plotly-plot")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", heatmap)
    cell_layer = heatmap.find_element("css selector", ".nsewdrag")
    ActionChains(driver).move_to_element_with_offset(cell_layer, 10, 10).pause(0.2).click().perform()
    WebDriverWait(driver, 20).until(lambda d: "p.move" in query_of(d))
    dash_duo.wait_for_contains_text("#segments-list .customer-list", "→", timeout=20)

    # the potential customers button switches the list
    settle(dash_duo)
    click(dash_duo, dash_duo.find_element("#segments-potential button"))
    WebDriverWait(driver, 20).until(lambda d: query_of(d).get("p.list") == ["potential"])
    dash_duo.wait_for_element("#segments-list .customer-list", timeout=20)

    # drill through to a customer: the 360 page renders with the view carried along
    settle(dash_duo)
    click(dash_duo, dash_duo.wait_for_element("#segments-potential button"))
    WebDriverWait(driver, 20).until(lambda d: "p.list" not in query_of(d))
    settle(dash_duo)
    click(dash_duo, dash_duo.wait_for_element(LIST_LINK, timeout=30))
    dash_duo.wait_for_element("#customer-profile", timeout=30)
    assert urlparse(driver.current_url).path.startswith("/customers/")
    dash_duo.wait_for_element("#customer-risk")
    dash_duo.wait_for_element("#customer-aum .js-plotly-plot")
    back = dash_duo.find_element("#customer-back").get_attribute("href")
    assert "/segments" in back and "x.tier=" in back
    assert_clean(dash_duo)


def test_customer_page_renders_and_unknown_id_is_not_found(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/customers/C0000003?lang=en")
    dash_duo.wait_for_element("#customer-profile", timeout=60)
    dash_duo.wait_for_contains_text("#customer-profile", "C0000003", timeout=20)
    dash_duo.wait_for_element("#customer-tiers .js-plotly-plot")
    dash_duo.wait_for_element("#customer-transactions .js-plotly-plot")
    dash_duo.wait_for_element("#customer-risk")
    assert "Customer 360" in dash_duo.find_element("#page").text
    # the navbar does not list the customer page
    assert "Customer 360" not in dash_duo.find_element("#navbar").text

    driver.get(dash_duo.server_url + "/customers/NO-SUCH-CUSTOMER")
    dash_duo.wait_for_element("#customer-not-found", timeout=30)
    assert "NO-SUCH-CUSTOMER" in dash_duo.find_element("#customer-not-found").text
    assert "Traceback" not in driver.page_source
    assert_clean(dash_duo)
