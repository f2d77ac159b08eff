"""/explore and /views in a real headless Chromium: a two-level pivot with YoY columns built from the URL and the
controls, its numbers against an independent query, a drilled cell's customer list, the export, the second page of
a three-level pivot loaded from the server, and a saved view that opens again from /views."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from clientscope.access.audit import entries
from clientscope.explore.grid import PAGE_SIZE
from clientscope.semantic import format_value
from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser

PIVOT = "/explore?p.m=aum_total,customers,churn_rate&p.rows=region,branch&compare=yoy&p.show=prior,change,pct"
GRID = "#explore-grid"


def query_of(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def settle(dash_duo) -> None:
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: not d.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]') !== null")
    )


def click(dash_duo, element) -> None:
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def texts(driver, selector: str) -> list[str]:
    """The texts of every element matching `selector` (read in one go: the grid re-renders under us)."""
    script = "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())"
    return driver.execute_script(script, selector)


def store_of(dash_app):
    return dash_app.server.extensions["clientscope_access"].store


def test_two_level_pivot_with_yoy_drills_and_exports(dash_duo, dash_app, demo_db) -> None:
    db, model = demo_db
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + PIVOT)
    dash_duo.wait_for_element(f"{GRID} .ag-header-group-cell", timeout=60)
    # multi-level headers: the metric over its value and YoY columns
    groups = texts(driver, f"{GRID} .ag-header-group-cell")
    assert "管理资产规模（AUM）" in groups and "流失率" in groups
    leaves = texts(driver, f"{GRID} .ag-header-cell-text")
    assert {"本期", "同比基期", "同比变化", "同比增幅"} <= set(leaves)

    dash_duo.wait_for_contains_text(f"{GRID} .ag-pinned-left-cols-container", "小计", timeout=30)
    assert dash_duo.find_element("#explore-row-count").text.startswith("共 ")

    # the controls write the URL: without the prior-year column
    settle(dash_duo)
    prior = next(e for e in dash_duo.find_elements("#explore-show label") if e.text.strip() == "基期")
    click(dash_duo, prior.find_element("css selector", "input"))
    WebDriverWait(driver, 20).until(lambda d: query_of(d).get("p.show") == ["change,pct"])
    WebDriverWait(driver, 20).until(lambda d: "同比基期" not in texts(d, f"{GRID} .ag-header-cell-text"))
    assert query_of(driver)["p.rows"] == ["region,branch"]

    # the grand total's AUM, as the screen formats it, from an independent query of the last month-end
    end = db.con.sql("select max(month) from customer_month_facts").fetchall()[0][0]
    total = db.con.sql(
        "select sum(aum_total)::double from customer_month_facts where month = $m", params={"m": end}
    ).fetchall()[0][0]
    dash_duo.wait_for_contains_text(
        f"{GRID} .ag-floating-bottom", format_value(total, model.format_of("aum_total"), "zh_CN")
    )

    # a branch's AUM cell drills to the customers behind it (its row came in the grid's first block)
    settle(dash_duo)
    first_cell = f"{GRID} .ag-center-cols-container .ag-row[row-index='0'] [col-id='c0__customers__value']"
    WebDriverWait(driver, 30).until(lambda d: texts(d, first_cell) not in ([], [""]))
    cell = dash_duo.find_element(first_cell)
    customers = cell.text
    click(dash_duo, cell)
    WebDriverWait(driver, 20).until(lambda d: "p.cell" in query_of(d))
    dash_duo.wait_for_element(".customer-list .ag-row a[href^='/customers/']", timeout=30)
    count = dash_duo.wait_for_element(".customer-list span.text-muted", timeout=30)
    WebDriverWait(driver, 20).until(lambda d: count.text != "")
    assert customers.replace(",", "") in count.text.replace(",", "")

    # the export button builds the same view's workbook (audited with its rows)
    settle(dash_duo)
    before = entries(store_of(dash_app), action="export").height
    click(dash_duo, dash_duo.find_element("#page button[id*='export-button']"))
    WebDriverWait(driver, 30).until(lambda d: entries(store_of(dash_app), action="export").height > before)
    latest = entries(store_of(dash_app), action="export").row(0, named=True)
    assert latest["target"] == "explore" and "p.rows=region%2Cbranch" in latest["detail"].replace(",", "%2C")
    assert_clean(dash_duo)


def test_the_second_page_of_a_large_pivot_comes_from_the_server(dash_duo, dash_app, demo_db, demo_data) -> None:
    from clientscope.db import FULL_SCOPE
    from clientscope.explore.paging import body_rows, page_pivot
    from clientscope.state import parse_query
    from clientscope.view_context import build_page_context

    query = "p.m=aum_total,customers&p.rows=region,branch,rm"
    db, model = demo_db
    body = body_rows(page_pivot(build_page_context(db, model, demo_data, parse_query(query), FULL_SCOPE)).table)
    assert len(body) > 2 * PAGE_SIZE
    labels = f"{GRID} .ag-pinned-left-cols-container .ag-row"
    script = (
        "return [...document.querySelectorAll(arguments[0])].map(e => [Number(e.getAttribute('row-index')),"
        " e.textContent.trim()])"
    )

    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/explore?" + query)
    WebDriverWait(driver, 60).until(lambda d: [0, body[0].label] in d.execute_script(script, labels))
    dash_duo.wait_for_contains_text("#explore-row-count", f"共 {len(body):,} 行", timeout=10)
    assert all(index < PAGE_SIZE for index, _ in driver.execute_script(script, labels))  # one block, not the pivot
    settle(dash_duo)
    click(dash_duo, dash_duo.find_element(f"{GRID} .ag-paging-button[data-ref='btNext']"))
    expected = [[PAGE_SIZE + i, row.label] for i, row in enumerate(body[PAGE_SIZE : 2 * PAGE_SIZE])]
    WebDriverWait(driver, 30).until(
        lambda d: sorted(r for r in d.execute_script(script, labels) if r[0] >= PAGE_SIZE)[:3] == expected[:3]
    )
    rows = sorted(driver.execute_script(script, labels))
    assert all(PAGE_SIZE <= index < 2 * PAGE_SIZE for index, _ in rows) and rows == expected[: len(rows)]
    assert "合计" in texts(driver, f"{GRID} .ag-floating-bottom")[0]  # the total stays pinned on every page
    assert_clean(dash_duo)


def test_a_saved_view_opens_again_from_my_views(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/explore?p.m=aum_total&p.rows=tier&p.view=bar")
    dash_duo.wait_for_element("#explore-chart .js-plotly-plot", timeout=60)
    settle(dash_duo)
    click(dash_duo, dash_duo.find_element("#save-view-open"))
    name = dash_duo.wait_for_element("#save-view-name", timeout=10)
    name.send_keys("分层 AUM 柱状图")
    click(dash_duo, dash_duo.find_element("#save-view-share input"))
    click(dash_duo, dash_duo.find_element("#save-view-save"))
    dash_duo.wait_for_text_to_equal("#save-view-done", "已保存视图“分层 AUM 柱状图”。", timeout=20)

    driver.get(dash_duo.server_url + "/views")
    link = dash_duo.wait_for_element("#views-list a", timeout=30)
    assert link.text == "分层 AUM 柱状图"
    click(dash_duo, link)
    dash_duo.wait_for_element("#explore-chart .js-plotly-plot", timeout=60)
    assert query_of(driver) == {"p.m": ["aum_total"], "p.rows": ["tier"], "p.view": ["bar"]}
    assert_clean(dash_duo)
