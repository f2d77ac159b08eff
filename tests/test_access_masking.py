"""Personal data masking for marketing, in clear for head office (issue 23), and the page permission of the two
callbacks a browser could aim at another page: the export button and the shared customer list.

Expected masked values are written here from the rules (docs/excel-export.md: the first character of a name and
"**"), applied to the names read with DuckDB from the raw extract, not by calling the app's masking code.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from clientscope.access.audit import entries
from tests.access_fixtures import add, sign_in
from tests.test_access import export_body, exported_workbook
from tests.test_access_scope import list_body

UPDATE = "/_dash-update-component"
COVER_NOTE = {
    "en": "Personal data (names, phone numbers, ID numbers) is masked.",
    "zh_CN": "个人信息（姓名、手机号、证件号）已脱敏。",
}


@pytest.fixture(scope="module")
def names(demo_data: Path) -> dict[str, str]:
    rows = duckdb.sql(
        "select customer_id, name from read_parquet($path)", params={"path": str(demo_data / "customers" / "*.parquet")}
    ).fetchall()
    return dict(rows)


def converted_rows(client, app) -> list[dict]:
    """The campaigns page's converted customers as the customer-list engine sends them to the browser."""
    output = next(key for key in app.callback_map if '"customer-list"' in key)
    data = {"query": "lang=en", "segment": {"source": "campaign_customers"}}
    body = list_body(app, output, "campaigns", "customers", data)
    body["inputs"][0]["value"] = {"startRow": 0, "endRow": 1000, "sortModel": []}
    response = client.post(UPDATE, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    grid = next(v for v in response.get_json()["response"].values() if "getRowsResponse" in v)
    return grid["getRowsResponse"]["rowData"]


def signed_in(app, store, username: str, role: str):
    add(store, username, role)
    client = app.server.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def test_marketing_sees_converted_customers_masked_and_head_office_in_clear(
    accounts_app, accounts_store, names: dict[str, str]
) -> None:
    marketing = converted_rows(signed_in(accounts_app, accounts_store, "mkt", "marketing"), accounts_app)
    head_office = converted_rows(signed_in(accounts_app, accounts_store, "hq", "head_office"), accounts_app)
    assert marketing and [r["id"] for r in marketing] == [r["id"] for r in head_office]
    for row in marketing:
        assert row["customer_name"] == names[row["id"]][0] + "**"  # 张三丰 → 张**
    for row in head_office:
        assert row["customer_name"] == names[row["id"]]
    assert all(names[r["id"]] not in json.dumps(marketing, ensure_ascii=False) for r in marketing)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_campaigns_workbook_masks_names_for_marketing_and_says_so(
    accounts_app, accounts_store, names: dict[str, str], lang: str
) -> None:
    books = {
        role: exported_workbook(
            signed_in(accounts_app, accounts_store, user, role), accounts_app, "campaigns", f"?lang={lang}"
        )
        for user, role in (("mkt", "marketing"), ("hq", "head_office"))
    }
    sheet = "Converted customers" if lang == "en" else books["marketing"].sheetnames[-2]
    shown = {}
    for role, book in books.items():
        rows = list(book[sheet].iter_rows(min_row=4, values_only=True))
        shown[role] = {row[0]: row[1] for row in rows if row[0]}
    assert shown["marketing"] and shown["marketing"].keys() == shown["head_office"].keys()
    assert shown["marketing"] == {cid: names[cid][0] + "**" for cid in shown["marketing"]}
    assert shown["head_office"] == {cid: names[cid] for cid in shown["head_office"]}
    covers = {
        role: [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
        for role, book in books.items()
    }
    assert COVER_NOTE[lang] in covers["marketing"] and COVER_NOTE[lang] not in covers["head_office"]
    user = {"en": "mkt (Marketing)", "zh_CN": "mkt（市场营销）"}[lang]
    assert user in covers["marketing"], covers["marketing"][:12]
    details = [json.loads(d) for d in entries(accounts_store, action="export").get_column("detail")]
    assert sorted(d["masked"] for d in details) == [False, True]


def test_an_export_for_a_page_the_role_may_not_open_is_refused_however_the_ids_are_set(
    accounts_app, accounts_store
) -> None:
    client = signed_in(accounts_app, accounts_store, "mkt", "marketing")
    churn = {"page": "churn", "type": "export-button"}
    refused = export_body(accounts_app, "churn", "?lang=en")
    assert client.post(UPDATE, json=refused).status_code == 403
    # A replayed request whose download names an allowed page but whose button State names the churn page used to
    # build the churn workbook: the workbook is now the download's page, which the guard checked.
    tampered = export_body(accounts_app, "overview", "?lang=en")
    tampered["state"][0] = {"id": churn, "property": "id", "value": churn}
    response = client.post(UPDATE, json=tampered)
    assert response.status_code == 200
    download = next(iter(response.get_json()["response"].values()))["data"]
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    assert download["filename"].startswith("overview") and "Risk levels" not in book.sheetnames
    assert [e for e in entries(accounts_store, action="export").get_column("target")] == ["overview"]


def test_the_customer_list_of_a_page_the_role_may_not_open_is_refused(accounts_app, accounts_store) -> None:
    output = next(key for key in accounts_app.callback_map if '"customer-list"' in key)
    data = {"query": "lang=en", "segment": {"month": "2026-10"}}
    body = list_body(accounts_app, output, "segments", "segments", data)
    body["inputs"][0]["value"] = {"startRow": 0, "endRow": 5}
    marketing = signed_in(accounts_app, accounts_store, "mkt", "marketing")
    assert marketing.post(UPDATE, json=body).status_code == 403
    head_office = signed_in(accounts_app, accounts_store, "hq", "head_office")
    rows = head_office.post(UPDATE, json=body).get_json()["response"]
    assert len(next(iter(rows.values()))["getRowsResponse"]["rowData"]) == 5


def test_a_pages_list_asked_for_under_another_page_is_refused_with_the_reason(accounts_app, accounts_store) -> None:
    # Marketing may open /campaigns, not /churn: a request naming the campaigns page but the churn action list's
    # source gets no rows, and the count says why.
    output = next(key for key in accounts_app.callback_map if '"customer-list"' in key)
    marketing = signed_in(accounts_app, accounts_store, "mkt", "marketing")
    cases = {
        "churn_actions": "the 'churn_actions' list belongs to the churn page",
        "lifecycle_drill": "the 'lifecycle_drill' list belongs to the lifecycle page",
        "nope": "unknown customer list source 'nope'",
    }
    for source, reason in cases.items():
        data = {"query": "lang=en", "segment": {"source": source, "month": "2026-10"}}
        response = marketing.post(UPDATE, json=list_body(accounts_app, output, "campaigns", "customers", data))
        assert response.status_code == 200
        answer = {key.split('"type":"')[1].split('"')[0]: v for key, v in response.get_json()["response"].items()}
        assert answer["customer-list"]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
        assert answer["customer-list-count"]["children"] == f"This list cannot be shown: {reason}"
