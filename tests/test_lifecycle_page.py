"""Browser smoke test of /lifecycle on the session's demo bank: every chart renders, clicks drill and cross-filter."""

from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_support import assert_clean, retry_stale

pytestmark = pytest.mark.browser


def _url(dash_duo) -> str:
    return dash_duo.driver.current_url


def _wait_url(dash_duo, fragment: str, timeout: float = 20) -> None:
    WebDriverWait(dash_duo.driver, timeout).until(lambda driver: fragment in driver.current_url)


def _scroll_to(dash_duo, element) -> None:
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    time.sleep(0.5)  # let the scroll and any layout shift finish: plotly hit-tests the click where it lands


def _click_at(dash_duo, selector: str, fx: float, fy: float) -> None:
    """Click inside the element at fractions (fx, fy) of its width and height from its top-left corner."""
    element = dash_duo.find_element(selector)
    _scroll_to(dash_duo, element)
    size = element.size
    x, y = int(size["width"] * (fx - 0.5)), int(size["height"] * (fy - 0.5))
    builder = ActionBuilder(dash_duo.driver)
    # W3C pointer moves with an element origin are relative to the element's centre
    builder.pointer_action.source.create_pointer_move(origin=element, duration=100, x=x, y=y)
    builder.pointer_action.pause(0.5)
    builder.pointer_action.source.create_pointer_move(origin=element, duration=0, x=x, y=y)
    builder.pointer_action.pause(0.3).click()
    builder.perform()


def _wait_rendered(dash_duo) -> None:
    for card in ("lifecycle-funnel", "lifecycle-compare", "lifecycle-retention-card", "lifecycle-flow",
                 "lifecycle-act", "lifecycle-mix"):  # fmt: skip
        # a chart, or the sentence saying the (cross-filtered) cohort is empty
        dash_duo.wait_for_element(f"#{card} .js-plotly-plot, #{card} .empty-state", timeout=30)
    dash_duo.wait_for_element("#lifecycle-list .ag-row, #lifecycle-list .ag-overlay-no-rows-center", timeout=30)


def _settle(dash_duo, quiet: float = 1.5, timeout: float = 30) -> None:
    """Wait until the page is rendered and the URL has stopped changing (controls may write it once on mount)."""
    deadline = time.monotonic() + timeout
    url = dash_duo.driver.current_url
    while time.monotonic() < deadline:
        time.sleep(quiet)
        _wait_rendered(dash_duo)
        if dash_duo.driver.current_url == url:
            return
        url = dash_duo.driver.current_url


def _then(dash_duo, action, fragment: str, *, redraws_frame: bool = True) -> None:
    """Do `action`, wait until the URL holds `fragment` and the page has re-rendered from it (the frame section
    updates its elements in place: its intro names the view it was drawn from).  A page option that only one
    section reads (`redraws_frame=False`) leaves the frame as it is."""
    old = retry_stale(lambda: dash_duo.find_element("#lifecycle-intro").get_attribute("data-view"))
    retry_stale(action)
    _wait_url(dash_duo, fragment)
    if redraws_frame:
        # the intro may be replaced between finding it and reading it: look again
        WebDriverWait(dash_duo.driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda driver: driver.find_element(By.ID, "lifecycle-intro").get_attribute("data-view") != old
        )
    _settle(dash_duo)


def _click_point(dash_duo, card: str, index: int = 0, trace: int | None = None) -> None:
    """Click over the centre of a chart's `index`-th bar (of its `trace`-th trace, else of all), through the chart's
    drag layer (which takes the clicks)."""
    drag = f"#{card} .nsewdrag"
    _scroll_to(dash_duo, dash_duo.find_element(drag))
    scope = dash_duo.find_elements(f"#{card} .trace.bars")[trace] if trace is not None else dash_duo.find_element(drag)
    points = scope.find_elements(By.CSS_SELECTOR, "g.point path") if trace is not None else None
    box = dash_duo.driver.execute_script(
        "const d = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
        "return [(b.x + b.width / 2 - d.x) / d.width, (b.y + b.height / 2 - d.y) / d.height];",
        dash_duo.find_element(drag),
        points[index] if points is not None else dash_duo.find_elements(f"#{card} g.point path")[index],
    )
    _click_at(dash_duo, drag, box[0], box[1])


def _click_widest_link(dash_duo) -> None:
    """Click the widest Sankey link (its centre is on it), found afresh: the flow section may just have redrawn."""
    links = dash_duo.find_elements("#lifecycle-flow .sankey-link")
    link = max(links, key=lambda element: element.size["height"])
    _scroll_to(dash_duo, link)
    ActionChains(dash_duo.driver).move_to_element(link).pause(0.3).click().perform()


def test_lifecycle_page_renders_drills_and_cross_filters(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/lifecycle?lang=en&p.flow_a=2026-03")
    _settle(dash_duo)
    assert "p.flow_b" not in dash_duo.driver.current_url  # a default month never goes into the URL
    dash_duo.wait_for_contains_text("#lifecycle-list-title", "All customers of the cohort", timeout=20)
    dash_duo.wait_for_contains_text("#lifecycle-kpi-reactivation", "%", timeout=20)

    # a click on a funnel bar lists that step's customers
    # (the first bar is `acquired`, the whole cohort: it sets no cross-filter, so only the list section redraws)
    _then(dash_duo, lambda: _click_point(dash_duo, "lifecycle-funnel"), "p.list=step", redraws_frame=False)
    dash_duo.wait_for_contains_text("#lifecycle-list-title", "Funnel step", timeout=20)

    # a click on a heatmap cell lists that cohort (the first cohort, months since opening 0)
    _then(dash_duo, lambda: _click_at(dash_duo, "#lifecycle-retention-card .nsewdrag", 0.03, 0.03), "p.list=cell")
    dash_duo.wait_for_contains_text("#lifecycle-list-title", "Cohort opened", timeout=20)

    # a click on a Sankey link lists the customers who made that move
    _then(dash_duo, lambda: _click_widest_link(dash_duo), "p.list=flow")
    dash_duo.wait_for_contains_text("#lifecycle-list-title", "→", timeout=20)

    # the retention switch lives in the URL
    def click_aum_retained() -> None:
        label = dash_duo.driver.find_element(By.XPATH, "//*[@id='lifecycle-retention']//label[text()='AUM retained']")
        _scroll_to(dash_duo, label)
        label.click()

    _then(dash_duo, click_aum_retained, "p.retention=aum", redraws_frame=False)

    # a click on a grouped-funnel bar cross-filters the page by that channel (a chip)
    _then(dash_duo, lambda: _click_point(dash_duo, "lifecycle-compare"), "x.acquisition_channel=")
    dash_duo.wait_for_element("#filter-chips .chip", timeout=20)
    assert_clean(dash_duo)


def test_lifecycle_page_in_chinese_with_an_empty_cohort(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/lifecycle?tier=private")  # nobody enters as private
    dash_duo.wait_for_contains_text("#lifecycle-funnel", "没有符合条件的新开户客户", timeout=30)
    dash_duo.wait_for_text_to_equal("#lifecycle-kpi-acquired", "0", timeout=20)
    assert_clean(dash_duo)


def _chip_texts(dash_duo) -> list[str]:
    return [chip.text for chip in dash_duo.find_elements("#filter-chips .chip")]


def _wait_chip(dash_duo, text: str, timeout: float = 20) -> None:
    WebDriverWait(dash_duo.driver, timeout).until(lambda _: any(text in chip for chip in _chip_texts(dash_duo)))


def test_heatmap_stage_mix_and_sankey_clicks_cross_filter_the_page(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/lifecycle?lang=en")
    _settle(dash_duo)
    assert not _chip_texts(dash_duo)

    # a heatmap cell: the page is filtered to that opening-month cohort (a chip) and the list shows the cohort
    _then(dash_duo, lambda: _click_at(dash_duo, "#lifecycle-retention-card .nsewdrag", 0.03, 0.03), "x.cohort=")
    _wait_chip(dash_duo, "Opening-month cohort: ")
    assert "p.list=cell" in _url(dash_duo)
    dash_duo.wait_for_contains_text("#lifecycle-list-title", "Cohort opened", timeout=20)
    cohort = _url(dash_duo).split("x.cohort=")[1].split("&")[0]
    dash_duo.wait_for_contains_text("#lifecycle-list-title", cohort, timeout=20)
    # the heatmap keeps every cohort and outlines the selected one
    assert dash_duo.find_elements("#lifecycle-retention-card .shapelayer path")

    # a stage-mix segment (active, the last month): the cohort charts keep the customers active at the latest month;
    # the list shows that month's active customers.  Traces follow the stage order: new, active, ...
    _then(dash_duo, lambda: _click_point(dash_duo, "lifecycle-mix", index=-1, trace=1), "x.stage=active")
    _wait_chip(dash_duo, "Lifecycle stage: ")
    assert "x.cohort=" in _url(dash_duo) and "p.list=mix" in _url(dash_duo)
    dash_duo.wait_for_contains_text("#lifecycle-list-title", "In stage", timeout=20)
    dash_duo.wait_for_contains_text("#lifecycle-intro", "customers who opened", timeout=20)

    # a Sankey link: the cohort charts keep the customers who made that move
    _then(dash_duo, lambda: _click_widest_link(dash_duo), "x.flow=")
    _wait_chip(dash_duo, "Stage flow: ")
    assert len(_chip_texts(dash_duo)) == 3

    # the chip's × removes that filter and keeps the others
    def remove_cohort_chip() -> None:
        remove = dash_duo.driver.find_element(
            By.XPATH,
            "//*[@id='filter-chips']//*[contains(@class, 'chip')][contains(., 'Opening-month cohort')]"
            "//*[contains(@class, 'chip-remove')]",
        )
        _scroll_to(dash_duo, remove)
        remove.click()

    _then(dash_duo, remove_cohort_chip, "x.flow=")
    WebDriverWait(dash_duo.driver, 20).until(lambda driver: "x.cohort=" not in driver.current_url)
    assert "x.stage=active" in _url(dash_duo) and len(_chip_texts(dash_duo)) == 2
    assert not dash_duo.find_elements("#url-notices")  # every value the clicks wrote was valid
    assert_clean(dash_duo)
