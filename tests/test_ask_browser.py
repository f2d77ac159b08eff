"""The ask box in a real headless Chromium: a question typed into the navbar box is answered on /ask, with the
interpretation, the value and the link to the page with the same filters; the console stays clean."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.keys import Keys

from clientscope.ask import answer_question
from clientscope.db import FULL_SCOPE
from clientscope.view_context import build_page_context
from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser


def test_a_question_typed_in_the_navbar_is_answered_with_a_link(dash_duo, dash_app, demo_db, demo_data) -> None:
    db, model = demo_db
    expected = answer_question(build_page_context(db, model, demo_data, {}, FULL_SCOPE), "上个月华东区的流失率")
    dash_duo.start_server(dash_app)
    box = dash_duo.wait_for_element("#ask-box", timeout=30)
    box.send_keys("上个月华东区的流失率", Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#ask-value", expected.value, timeout=30)
    assert dash_duo.find_element("#ask-interpretation").text == "理解为: 流失率 · 华东区 · 2026年10月"
    assert urlsplit(dash_duo.driver.current_url).path == "/ask"
    assert parse_qs(urlsplit(dash_duo.driver.current_url).query) == {"q": ["上个月华东区的流失率"]}
    link = dash_duo.find_element("#ask-link")
    assert link.text == "在「流失预警」页查看（带相同筛选条件）"
    href = urlsplit(link.get_attribute("href"))
    assert href.path == "/churn"
    assert parse_qs(href.query) == {"start": ["2026-10"], "end": ["2026-10"], "region": ["华东区"]}
    assert dash_duo.find_element("#ask-box").get_attribute("value") == "上个月华东区的流失率"
    dash_duo.wait_for_element("#ask-chart .main-svg", timeout=30)
    link.click()
    dash_duo.wait_for_element("#churn-kpis", timeout=30)
    assert urlsplit(dash_duo.driver.current_url).path == "/churn"
    assert_clean(dash_duo)


def test_an_ambiguous_question_in_english_asks_back(dash_duo, dash_app) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_element("#language-switch", timeout=30).click()
    dash_duo.wait_for_contains_text("#navbar", "Overview", timeout=30)
    box = dash_duo.wait_for_element("#ask-box", timeout=30)
    box.send_keys("AUM of 北京支行", Keys.ENTER)
    message = "“北京支行” could be 北京国贸支行, 北京中关村支行, 北京金融街支行: say which one."
    dash_duo.wait_for_text_to_equal("#ask-message", message, timeout=30)
    assert "lang=en" in dash_duo.driver.current_url
    assert dash_duo.driver.find_elements("css selector", "#ask-value") == []
    assert_clean(dash_duo)
