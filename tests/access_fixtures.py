"""Signed-in test clients: the session's app with access switched to built-in accounts for one test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from clientscope.access import accounts
from clientscope.access.config import AccessConfig, Grant
from clientscope.access.web import EXTENSION_KEY, AccessRuntime
from clientscope.store import AppStore, open_store

PASSWORD = "correct horse battery"
ACCOUNTS = AccessConfig(sign_in="accounts", lockout={"attempts": 3, "minutes": 10})
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def accounts_store(tmp_path: Path) -> AppStore:
    return open_store("sqlite:///" + str(tmp_path / "store.sqlite"))


@pytest.fixture
def accounts_app(dash_app, accounts_store: AppStore, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """The session's app, signing in with built-in accounts of a fresh store (restored after the test)."""
    monkeypatch.setitem(dash_app.server.extensions, EXTENSION_KEY, AccessRuntime(ACCOUNTS, accounts_store))
    yield dash_app


def add(store: AppStore, username: str, role: str, **attributes: object) -> None:
    accounts.add_user(store, username, PASSWORD, Grant(role=role, **attributes))


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD, lang: str = "zh_CN"):
    page = client.get("/login?lang=" + lang)
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    return client.post("/login", data={"csrf": token, "username": username, "password": password, "lang": lang})


def login_message(response) -> str:
    found = re.search(r'id="login-message">([^<]+)<', response.get_data(as_text=True))
    return found.group(1) if found else ""
