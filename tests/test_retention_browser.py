"""The work queue in a real headless Chromium: an RM takes a customer from the queue from open to retained
(contacted with a note, an offer made, retained), the server is stopped and started again on a new connection
to the same store file, and the action, its history and the customer 360's history card are all still there."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from clientscope.access.web import EXTENSION_KEY, AccessRuntime
from clientscope.actions.store import actions_frame, history_frame
from clientscope.db import FULL_SCOPE
from clientscope.store import open_store
from tests.browser_support import assert_clean
from tests.test_churn_page_browser import settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def choose(dash_duo, selector: str, label: str) -> None:
    """Pick a dropdown option by its label. Script clicks: the long page re-renders and scrolls as its sections
    arrive, and a pointer click can land on whatever has just moved over the dropdown."""
    settle(dash_duo)
    driver = dash_duo.driver
    element = dash_duo.find_element(selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    toggle = element.find_elements("css selector", "button") or [element]
    driver.execute_script("arguments[0].click();", toggle[0])
    option = WebDriverWait(driver, 20).until(
        lambda d: next(
            (
                o
                for o in d.find_elements("css selector", ".dash-dropdown-options .dash-dropdown-option")
                if o.text == label
            ),
            None,
        )
    )
    driver.execute_script("arguments[0].click();", option)


def work(dash_duo, status: str, note: str, version: int, offer: str | None = None) -> None:
    """Choose the status (and offer), write the note, save, and wait for the saved version."""
    choose(dash_duo, "#retention-status", status)
    if offer:
        choose(dash_duo, "#retention-offer", offer)
    box = dash_duo.find_element("#retention-note")
    box.clear()
    box.send_keys(note)
    dash_duo.find_element("#retention-save").click()
    dash_duo.wait_for_text_to_equal("#retention-message", f"Saved (version {version}).", timeout=30)


def test_an_rm_works_an_action_to_retained_and_it_survives_a_restart(
    dash_duo, dash_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "sqlite:///" + str(tmp_path / "store.sqlite")
    monkeypatch.setitem(dash_app.server.extensions, EXTENSION_KEY, AccessRuntime(None, open_store(url)))
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/churn?lang=en")
    cell = dash_duo.wait_for_element("#retention-grid .ag-row[row-index='0'] .ag-cell[col-id='status']", timeout=90)
    assert cell.text == "Open"
    # a script click: on a busy page a sticky header or a late re-render can sit over the cell for a moment
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", cell)
    dash_duo.wait_for_contains_text("#retention-selected", "Working: customer ", timeout=30)
    customer = dash_duo.find_element("#retention-selected").text.split("customer ", 1)[1].split(" ", 1)[0]

    work(dash_duo, "Contacted", "Reached by phone, unhappy with fees", 2)
    work(dash_duo, "Offer made", "Offered a fee waiver", 3, offer="Fee waiver")
    work(dash_duo, "Retained", "Accepted, keeps the account", 4)
    dash_duo.wait_for_contains_text("#retention-history", "Retained, offer Fee waiver", timeout=20)

    # "Restart": stop the server, open the store again through a new engine, start a new server, reload
    dash_duo.server.stop()
    monkeypatch.setitem(dash_app.server.extensions, EXTENSION_KEY, AccessRuntime(None, open_store(url)))
    dash_duo.server.start(dash_app)
    reopened = open_store(url)
    kept = actions_frame(reopened, FULL_SCOPE).filter(actions_frame(reopened, FULL_SCOPE)["customer_id"] == customer)
    assert kept.select("status", "offer", "note", "version").row(0) == (
        "retained",
        "fee_waiver",
        "Accepted, keeps the account",
        4,
    )
    log = history_frame(reopened, FULL_SCOPE, customer_id=customer)
    assert log["status"].to_list() == ["contacted", "offer_made", "retained"]
    assert log["username"].to_list() == ["local"] * 3

    driver.get(dash_duo.server.url + f"/customers/{customer}?lang=en")
    dash_duo.wait_for_contains_text("#customer-retention-history", "local: Retained, offer Fee waiver", timeout=60)
    assert "Reached by phone, unhappy with fees" in dash_duo.find_element("#customer-retention-history").text
    # the queue still knows it: filtered on "Retained" it lists this customer
    driver.get(dash_duo.server.url + "/churn?lang=en")
    dash_duo.wait_for_element("#retention-grid .ag-row", timeout=90)
    choose(dash_duo, "#retention-status-filter", "Retained")
    statuses = (
        "return [...document.querySelectorAll('#retention-grid .ag-cell[col-id=\"status\"]')].map(e => e.textContent)"
    )
    WebDriverWait(driver, 30).until(lambda d: "Retained" in d.execute_script(statuses))
    assert_clean(dash_duo)
