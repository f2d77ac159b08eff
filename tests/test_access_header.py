"""Header sign-in (issue 23): the bank's gateway names the user and their groups; only a trusted proxy is believed.

The expected scope is read with DuckDB from the raw extracts (regions of the branches table), not from the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from clientscope.access.audit import entries
from clientscope.access.config import AccessConfig
from clientscope.access.web import EXTENSION_KEY, AccessRuntime
from tests.sections_support import render_sections
from tests.test_access import router_body
from tests.test_access_scope import filter_options

UPDATE = "/_dash-update-component"
HEADER = AccessConfig(
    sign_in="header",
    header={"trusted_proxies": ("127.0.0.1", "10.9.0.0/24")},
    groups={
        "cs-east": {"role": "region_manager", "regions": ("华东区",)},
        "cs-b009": {"role": "branch_manager", "branches": ("B009",)},
        "cs-marketing": {"role": "marketing"},
    },
    users={"zhang.wei": {"role": "head_office"}},
)
GATEWAY = {
    "en": "Sign in through the bank's gateway to use Clientscope.",
    "zh_CN": "请通过银行统一登录门户访问 Clientscope。",
}
NO_ROLE = {
    "en": "Your account has no Clientscope role yet. Ask an administrator.",
    "zh_CN": "您的账户尚未分配 Clientscope 角色，请联系管理员。",
}


@pytest.fixture
def header_app(dash_app, accounts_store, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    monkeypatch.setitem(dash_app.server.extensions, EXTENSION_KEY, AccessRuntime(HEADER, accounts_store))
    dash_app.server.test_client().get("/health")  # Dash fills app.callback_map on its first request
    yield dash_app


@pytest.fixture(scope="module")
def regions(demo_data: Path) -> dict[str, set[str]]:
    rows = duckdb.sql(
        "select region, branch_id from read_parquet($path)", params={"path": str(demo_data / "branches.parquet")}
    ).fetchall()
    found: dict[str, set[str]] = {}
    for region, branch in rows:
        found.setdefault(region, set()).add(branch)
    return found


def gateway(user: str, groups: str, address: str = "127.0.0.1") -> dict:
    return {"headers": {"X-Remote-User": user, "X-Remote-Groups": groups}, "environ_base": {"REMOTE_ADDR": address}}


def region_options(app, user: str, groups: str, address: str = "127.0.0.1") -> dict[str, set[str]]:
    client = app.server.test_client()
    response = client.post(UPDATE, json=router_body(app, "/segments", "?lang=en"), **gateway(user, groups, address))
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_json()["response"]  # the filter bar is in the page's frame section
    return filter_options(
        [page, render_sections(client, page, "/segments", "?lang=en", **gateway(user, groups, address))]
    )


def test_a_trusted_proxys_user_gets_the_role_and_scope_of_their_group(header_app, accounts_store, regions) -> None:
    options = region_options(header_app, "li.na", "staff, cs-east")
    assert options["region"] == {"华东区"} and options["branch"] == regions["华东区"]
    options = region_options(header_app, "chen.jie", "cs-b009", address="10.9.0.17")  # a trusted network
    assert options["branch"] == {"B009"}
    assert options["region"] == {r for r, branches in regions.items() if "B009" in branches}
    audit = entries(accounts_store, action="view").select("username", "role").rows()
    assert ("li.na", "region_manager") in audit and ("chen.jie", "branch_manager") in audit
    # Marketing, named by its group, opens its pages and not the others.
    client = header_app.server.test_client()
    churn = client.post(
        UPDATE, json=router_body(header_app, "/churn", "?lang=en"), **gateway("wang.fang", "cs-marketing")
    )
    assert "You may not open this page" in churn.get_data(as_text=True)


def test_a_per_user_grant_wins_over_the_groups(header_app, regions) -> None:
    options = region_options(header_app, "zhang.wei", "cs-east")
    assert options["region"] == set(regions)  # head office: every region, although cs-east says one


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_same_headers_from_an_untrusted_address_get_401(header_app, lang: str) -> None:
    client = header_app.server.test_client()
    response = client.get(f"/segments?lang={lang}", **gateway("zhang.wei", "cs-east", "10.1.2.3"))
    assert response.status_code == 401 and response.get_data(as_text=True) == GATEWAY[lang]
    callback = client.post(UPDATE, json=router_body(header_app, "/"), **gateway("zhang.wei", "cs-east", "10.1.2.3"))
    assert callback.status_code == 401 and callback.get_data(as_text=True) == GATEWAY["zh_CN"]
    # From the trusted proxy but without the user header: the gateway did not sign anyone in.
    missing = client.get(f"/segments?lang={lang}", headers={"X-Remote-Groups": "cs-east"})
    assert missing.status_code == 401 and missing.get_data(as_text=True) == GATEWAY[lang]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_user_without_a_mapped_group_gets_403_no_role(header_app, accounts_store, lang: str) -> None:
    client = header_app.server.test_client()
    for groups in ("staff, it-helpdesk", ""):
        response = client.get(f"/segments?lang={lang}", **gateway("new.hire", groups))
        assert response.status_code == 403 and response.get_data(as_text=True) == NO_ROLE[lang]
    assert entries(accounts_store, action="view").height == 0
