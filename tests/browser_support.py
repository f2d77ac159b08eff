"""Helpers for browser tests: console errors and requests that left localhost."""

from __future__ import annotations

from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def external_requests(driver) -> list[str]:
    """URLs of every resource the page loaded from a host other than localhost."""
    urls = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([document.location.href]);"
    )
    return [
        u
        for u in urls
        if urlparse(u).scheme in {"http", "https", "ws", "wss"} and urlparse(u).hostname not in LOCAL_HOSTS
    ]


def assert_clean(dash_duo_or_br) -> None:
    """The page made no request outside localhost and the console has no errors."""
    assert external_requests(dash_duo_or_br.driver) == []
    assert dash_duo_or_br.get_logs() == []


def retry_stale(action, attempts: int = 3):
    """Run `action` (which finds its own elements) again when a section redrew an element under it: sections render
    one by one, so an element found a moment ago may have been replaced (a user's second click would land)."""
    from selenium.common.exceptions import StaleElementReferenceException

    for attempt in range(attempts):
        try:
            return action()
        except StaleElementReferenceException:
            if attempt == attempts - 1:
                raise
    return None
