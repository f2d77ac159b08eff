"""Pages on data nobody here made: the imported Berka bank served in a real browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clientscope.importers import import_berka
from clientscope.validation import validate
from tests.browser_support import assert_clean
from tests.conftest import REAL_DATA
from tests.test_browser_shell import _free_port, _serve

pytestmark = [pytest.mark.browser, pytest.mark.real_data]


@pytest.fixture(scope="module")
def berka(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REAL_DATA / "berka").is_dir():
        pytest.skip(f"the shared real data is not present at {REAL_DATA / 'berka'}")
    out = tmp_path_factory.mktemp("real") / "berka"
    import_berka(REAL_DATA / "berka", out)
    assert validate(out).ok
    return out


@pytest.fixture(scope="module")
def berka_server(berka: Path, cache_dir: Path):
    port = _free_port()
    env = {**os.environ, "CLIENTSCOPE_DATA": str(berka), "CLIENTSCOPE_CACHE": str(cache_dir)}
    proc = _serve(env, ["-m", "clientscope.cli", "serve", "--port", str(port)], port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("path", ["/", "/segments", "/churn", "/campaigns", "/lifecycle", "/metrics"])
def test_page_renders_on_berka(dash_br, berka_server: str, path: str) -> None:
    dash_br.server_url = berka_server + path
    # the first request of a worker may wait for the server to finish building the real extracts on a busy machine
    dash_br.wait_for_element("#page h2, #page .h4", timeout=120)
    text = dash_br.find_element("#page").text
    assert "Traceback" not in text
    assert not dash_br.find_elements("#error-toast.show")
    assert_clean(dash_br)


def test_campaigns_page_says_why_on_berka(dash_br, berka_server: str) -> None:
    dash_br.server_url = berka_server + "/campaigns?lang=en"
    dash_br.wait_for_contains_text("#page", "campaign", timeout=60)
    assert_clean(dash_br)
