"""/churn in a real headless Chromium: the first visit trains the model; drill, breadcrumb, lists, signals."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser


def query_of(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def settle(dash_duo, timeout: float = 30) -> None:
    """Wait until no callback is pending and the URL has stopped changing (the page has re-rendered)."""
    seen: list[str] = []

    def settled(driver) -> bool:
        seen.append(driver.current_url)
        return dash_duo.redux_state_rqs == [] and len(seen) > 2 and seen[-1] == seen[-2] == seen[-3]

    WebDriverWait(dash_duo.driver, timeout, poll_frequency=0.3).until(settled)


def click_point(dash_duo, selector: str, index: int = 0) -> None:
    """Click a plotly point the way a user does (plotly listens on its drag layer, above the bars)."""
    settle(dash_duo)
    point = dash_duo.find_elements(selector)[index]
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", point)
    ActionChains(dash_duo.driver).move_to_element(point).pause(0.3).click().perform()


def click_until(dash_duo, selector: str, done, attempts: int = 3) -> None:
    """Click the widest plotly bar until `done(driver)` holds. The widest, because a thin bar (a region with few
    at-risk customers) can sit under the axis line or the other subplot's hover layer; again, because on a busy
    machine plotly may not have bound its click handler when the bar is first drawn (a user would click again)."""
    for _ in range(attempts):
        settle(dash_duo)
        bars = dash_duo.find_elements(selector)
        widest = max(range(len(bars)), key=lambda i: bars[i].size["width"] * bars[i].size["height"])
        click_point(dash_duo, selector, widest)
        try:
            WebDriverWait(dash_duo.driver, 20).until(done)
            return
        except TimeoutException:
            continue
    raise AssertionError(f"clicking {selector} {attempts} times did not change the view")


def test_churn_page_drills_lists_and_filters(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/churn")
    dash_duo.wait_for_element("#churn-drill-graph g.point path", timeout=60)
    dash_duo.wait_for_element("#churn-model-card #churn-card-auc-model")
    dash_duo.wait_for_element("#churn-rules tbody tr")
    # the retention action list fills from the server (infinite row model)
    dash_duo.wait_for_element("#churn-actions .ag-row a[href^='/customers/']", timeout=30)
    first_link = dash_duo.find_element("#churn-actions .ag-row a[href^='/customers/']").get_attribute("href")
    assert "p.back=churn" in first_link

    # click a region's bar: the drill path goes into the URL and the breadcrumb grows
    click_until(dash_duo, "#churn-drill-graph g.point path", lambda d: "drill" in query_of(d))
    region = query_of(driver)["drill"][0]
    assert region.startswith("region:")
    dash_duo.wait_for_element("#churn-crumb-1", timeout=20)
    dash_duo.wait_for_text_to_equal("#churn-crumb-1", region.removeprefix("region:"), timeout=20)

    # the breadcrumb's root link goes back up
    settle(dash_duo)
    dash_duo.find_element("#churn-crumb-0").click()
    WebDriverWait(driver, 20).until(lambda d: "drill" not in query_of(d))
    WebDriverWait(driver, 20).until(lambda d: not d.find_elements("css selector", "#churn-crumb-1"))

    # a click on a reason keeps the customers with that signal firing, shown as a removable chip
    dash_duo.wait_for_element("#churn-reason-graph g.point path", timeout=20)
    click_until(dash_duo, "#churn-reason-graph g.point path", lambda d: "p.signal" in query_of(d))
    dash_duo.wait_for_element("#churn-signal-chip a", timeout=20)
    settle(dash_duo)

    assert_clean(dash_duo)
