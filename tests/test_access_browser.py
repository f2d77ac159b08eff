"""Sign-in in a real headless Chromium (issue 23): the sign-in page is plain server-rendered HTML, then the Dash app
shows who is signed in; wrong passwords and the lock-out say so word for word, in Chinese and English."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.access_fixtures import PASSWORD, add
from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "title": "Sign in to Clientscope",
        "user": "east (Region manager)",
        "sign_out": "Sign out",
        "signed_out": "You are signed out.",
        "wrong": "The user name or password is not right.",
        # the fixture's lock-out: 3 attempts, 10 minutes
        "locked": "Too many failed sign-ins: the account is locked for 10 minutes. Try again later, or ask an "
        "administrator to reset the password.",
    },
    "zh_CN": {
        "title": "登录 Clientscope",
        "user": "east（区域经理）",
        "sign_out": "退出",
        "signed_out": "您已退出登录。",
        "wrong": "用户名或密码不正确。",
        "locked": "登录失败次数过多，账户已锁定 10 分钟。请稍后再试，或请管理员重置密码。",
    },
}
LOGIN = {"en": "/login?lang=en", "zh_CN": "/login"}


@pytest.fixture
def east(accounts_app, accounts_store):
    add(accounts_store, "east", "region_manager", regions=("华东区",))
    return accounts_app


def submit(dash_duo, lang: str, password: str, *, navigate: bool = True) -> None:
    if navigate:
        dash_duo.driver.get(dash_duo.server.url + LOGIN[lang])
    dash_duo.wait_for_text_to_equal("h1", WORDS[lang]["title"], timeout=20)
    dash_duo.find_element("#username").send_keys("east")
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#login-submit").click()


def message(dash_duo) -> str:
    return dash_duo.wait_for_element("#login-message", timeout=20).text


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_sign_in_shows_the_user_and_role_and_sign_out_ends_the_session(dash_duo, east, lang: str) -> None:
    dash_duo.start_server(east, navigate=False)  # "/" sends a signed-out visitor to /login
    asked = "/segments" + ("?lang=en" if lang == "en" else "")
    dash_duo.driver.get(dash_duo.server.url + asked)
    # Signed out: sent to the sign-in page, in the language of the page asked for, and back there after it.
    submit(dash_duo, lang, PASSWORD, navigate=False)
    dash_duo.wait_for_contains_text("#navbar", WORDS[lang]["user"], timeout=30)
    assert dash_duo.driver.current_url == dash_duo.server.url + asked
    logout = dash_duo.wait_for_element("#logout", timeout=20)
    assert logout.text == WORDS[lang]["sign_out"]
    # Sign out once the page has finished loading: a callback still in flight would be answered 401 (signed
    # out), which the browser logs as a console error, as it would for a user who signs out mid-load.
    WebDriverWait(dash_duo.driver, 60, poll_frequency=0.3).until(lambda _: dash_duo.redux_state_rqs == [])
    logout.click()
    assert message(dash_duo) == WORDS[lang]["signed_out"]
    dash_duo.driver.get(dash_duo.server.url + "/segments")
    dash_duo.wait_for_element("#login-form", timeout=20)  # the session is gone
    assert_clean(dash_duo)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_wrong_password_is_refused_with_its_message(dash_duo, east, lang: str) -> None:
    dash_duo.start_server(east, navigate=False)  # "/" sends a signed-out visitor to /login
    submit(dash_duo, lang, "not the password")
    assert message(dash_duo) == WORDS[lang]["wrong"]
    assert dash_duo.find_elements("#navbar") == []
    assert_clean(dash_duo)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_account_locks_after_the_configured_attempts_even_for_the_right_password(dash_duo, east, lang: str) -> None:
    dash_duo.start_server(east, navigate=False)  # "/" sends a signed-out visitor to /login
    shown = []
    for _ in range(3):  # the fixture's lockout.attempts
        submit(dash_duo, lang, "not the password")
        shown.append(message(dash_duo))
    assert shown == [WORDS[lang]["wrong"], WORDS[lang]["wrong"], WORDS[lang]["locked"]]
    submit(dash_duo, lang, PASSWORD)
    assert message(dash_duo) == WORDS[lang]["locked"]
    assert dash_duo.driver.find_elements(By.ID, "navbar") == []
    assert_clean(dash_duo)
