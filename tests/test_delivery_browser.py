"""/subscriptions in a real headless Chromium (open mode: the local viewer may open it): the example file's
subscriptions, pause and resume, a clean console."""

from __future__ import annotations

import pytest

from tests.browser_support import assert_clean
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser


def test_subscriptions_page_pauses_and_resumes(dash_duo, dash_app, monkeypatch) -> None:
    monkeypatch.setenv("CLIENTSCOPE_SUBSCRIPTIONS", str(REPO_ROOT / "subscriptions.example.yaml"))
    dash_duo.start_server(dash_app)
    dash_duo.driver.get(dash_duo.server_url + "/subscriptions?lang=en")
    dash_duo.wait_for_contains_text("#subs-list", "east_churn_weekday", timeout=30)
    assert "Subscriptions" in dash_duo.find_element("#navbar").text
    assert "0 8 * * 1-5" in dash_duo.find_element("#subs-list").text
    button = '[id*="east_churn_weekday"][id*="subs-toggle"]'
    dash_duo.wait_for_element(button, timeout=10).click()
    dash_duo.wait_for_contains_text("#subs-list", "paused", timeout=20)
    assert dash_duo.find_element(button).text == "Resume"
    dash_duo.find_element(button).click()
    dash_duo.wait_for_text_to_equal(button, "Pause", timeout=20)
    assert_clean(dash_duo)
