"""Pages on an imported snapshot churn file (two months, no RMs, no campaigns) served in a real browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clientscope.validation import validate
from tests.browser_support import assert_clean
from tests.test_browser_shell import _free_port, _serve
from tests.test_importers_mapped_snapshot import doc_mapping, import_with

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def snapshot_server(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path):
    data = import_with(tmp_path_factory.mktemp("snapshot-pages"), doc_mapping())
    assert validate(data).ok
    port = _free_port()
    env = {**os.environ, "CLIENTSCOPE_DATA": str(data), "CLIENTSCOPE_CACHE": str(cache_dir)}
    proc = _serve(env, ["-m", "clientscope.cli", "serve", "--port", str(port)], port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("path", ["/", "/segments", "/churn", "/campaigns", "/lifecycle", "/metrics"])
def test_page_renders_on_an_imported_snapshot(dash_br, snapshot_server: str, path: str) -> None:
    dash_br.server_url = snapshot_server + path + "?lang=en"
    dash_br.wait_for_element("#page h2, #page .h4", timeout=60)
    text = dash_br.find_element("#page").text
    assert "Traceback" not in text
    assert not dash_br.find_elements("#error-toast.show")
    assert_clean(dash_br)


def test_the_churn_rate_card_shows_the_exited_share(dash_br, snapshot_server: str) -> None:
    """The overview's churn-rate card for December 2019 is the share of rows with Exited = 1."""
    from tests.test_importers_mapped_snapshot import churn_rows

    share = churn_rows().get_column("Exited").mean()
    dash_br.server_url = snapshot_server + "/?lang=en"
    dash_br.wait_for_contains_text("#page", f"{share * 100:.2f}%", timeout=60)
    assert_clean(dash_br)
