"""Row-level scope end to end (issue 23): a region manager, a branch manager and a relationship manager see only
their rows on every page, in every workbook, in every grid and filter list, whatever the URL or a replayed
callback asks for.

The allowed rows and the totals are computed here with DuckDB straight from the raw extracts of the session's demo
bank (customers joined to branches), never through the app's scope queries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from clientscope.reports import report_pages
from tests.access_fixtures import add, sign_in
from tests.sections_support import render_sections
from tests.test_access import export_body, exported_workbook, router_body

PAGES = ("/", "/segments", "/lifecycle", "/campaigns", "/churn", "/metrics")
CUSTOMER_ID = re.compile(r"\bC\d{7}\b")
BRANCH_ID = re.compile(r"\bB\d{3}\b")
RM_ID = re.compile(r"\bRM\d{4}\b")
UPDATE = "/_dash-update-component"
# The ids of the lists a viewer reaches through a grid's getRows callback (infinite row model).
ROWS_REQUEST = {"startRow": 0, "endRow": 5_000, "sortModel": [], "filterModel": {}}


@dataclass(frozen=True)
class Scope:
    """One signed-in viewer and what the raw extracts say they may see."""

    username: str
    role: str
    grant: dict[str, Any]
    customers: frozenset[str]  # every customer of the scope (open or closed)
    regions: frozenset[str]
    branches: frozenset[str]  # branch ids
    rms: frozenset[str]  # RM ids of the scope's customers
    forbidden: tuple[str, ...]  # names of regions, branches and RMs without a single customer in the scope
    latest_customers: frozenset[str]  # customers with a month-end row at the latest month
    latest_aum: float
    other_region: str  # a region with no customer in the scope
    other_customer: str  # a customer of that region


def _raw(demo_data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, path in {
        "customers": demo_data / "customers" / "*.parquet",
        "months": demo_data / "customer_months" / "*.parquet",
        "branches": demo_data / "branches.parquet",
        "rms": demo_data / "relationship_managers.parquet",
    }.items():
        con.read_parquet(str(path)).create_view(name)
    con.sql(
        "create view people as select c.customer_id, c.name, c.branch_id, c.rm_id, b.region, b.branch_name "
        "from customers c join branches b using (branch_id)"
    )
    return con


ALLOWED = {
    "region": "select * from people where region = $value",
    "branch_id": "select * from people where branch_id = $value",
    "rm_id": "select * from people where rm_id = $value",
}


def _scope(
    con: duckdb.DuckDBPyConnection, username: str, role: str, grant: dict[str, Any], column: str, value: str
) -> Scope:
    """The scope of the customers whose `column` is `value`, as the table `allowed`."""
    con.register("allowed", con.sql(ALLOWED[column], params={"value": value}).pl())
    ids = frozenset(r[0] for r in con.sql("select customer_id from allowed").fetchall())
    regions = frozenset(r[0] for r in con.sql("select distinct region from allowed").fetchall())
    branches = frozenset(r[0] for r in con.sql("select distinct branch_id from allowed").fetchall())
    rms = frozenset(r[0] for r in con.sql("select distinct rm_id from allowed where rm_id is not null").fetchall())
    names = " ".join(r[0] for r in con.sql("select name from allowed").fetchall())
    forbidden = [r[0] for r in con.sql("select distinct region from branches").fetchall() if r[0] not in regions]
    forbidden += [
        r[0]
        for r in con.sql(
            "select branch_name from branches where branch_id not in (select branch_id from allowed)"
        ).fetchall()
    ]
    # RM names of other books; a two-character name could be part of an allowed customer's name, so only
    # names that are not are checked.
    forbidden += [
        r[0]
        for r in con.sql(
            "select rm_name from rms where rm_id not in (select rm_id from allowed where rm_id is not null)"
        ).fetchall()
        if r[0] not in names
    ]
    latest = con.sql(
        "select list(m.customer_id), sum(m.aum_total) from months m join allowed a using (customer_id) "
        "where m.month = (select max(month) from months)"
    ).fetchall()[0]
    other_region = sorted(
        r for r in (r[0] for r in con.sql("select distinct region from branches").fetchall()) if r not in regions
    )[0]
    other_customer = con.sql(
        "select min(customer_id) from people where region = $region", params={"region": other_region}
    ).fetchall()[0][0]
    return Scope(
        username,
        role,
        grant,
        ids,
        regions,
        branches,
        rms,
        tuple(forbidden),
        frozenset(latest[0]),
        float(latest[1]),
        other_region,
        other_customer,
    )


@pytest.fixture(scope="module")
def scopes(demo_data: Path) -> dict[str, Scope]:
    con = _raw(demo_data)
    # The RM with the largest book, and a branch of another region than the region manager's.
    rm = con.sql(
        "select rm_id from customers where rm_id is not null group by rm_id order by count(*) desc, rm_id limit 1"
    ).fetchall()[0][0]
    return {
        "region": _scope(con, "mid", "region_manager", {"regions": ("华中区",)}, "region", "华中区"),
        "branch": _scope(con, "b001", "branch_manager", {"branches": ("B001",)}, "branch_id", "B001"),
        "rm": _scope(con, "rm", "relationship_manager", {"rm": rm}, "rm_id", rm),
    }


@pytest.fixture(params=["region", "branch", "rm"])
def viewer(request, scopes: dict[str, Scope], accounts_app, accounts_store):
    """(scope, signed-in Flask test client, app) for each restricted role."""
    scope = scopes[request.param]
    add(accounts_store, scope.username, scope.role, **scope.grant)
    client = accounts_app.server.test_client()
    assert sign_in(client, scope.username).status_code == 302
    return scope, client, accounts_app


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def assert_within(scope: Scope, text: str, where: str) -> None:
    """No customer, branch or RM id outside the scope, and no other region's, branch's or RM's name."""
    assert set(CUSTOMER_ID.findall(text)) <= scope.customers, where
    assert set(BRANCH_ID.findall(text)) <= scope.branches, where
    assert set(RM_ID.findall(text)) <= scope.rms, where
    leaked = [name for name in scope.forbidden if name in text]
    assert not leaked, f"{where}: {leaked}"


def workbook_text(workbook: openpyxl.Workbook) -> str:
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def sheet_rows(workbook: openpyxl.Workbook, title: str) -> list[tuple]:
    return list(workbook[title].iter_rows(values_only=True))


def kpi_values(workbook: openpyxl.Workbook) -> dict[str, Any]:
    """Metric → value of the KPI sheet (its columns found by their headers)."""
    rows = sheet_rows(workbook, "KPIs")
    return dict(zip(column(rows, "Metric"), column(rows, "Value"), strict=True))


def column(rows: list[tuple], header: str) -> list[Any]:
    """The values under `header` in a data sheet (title, note, header row, then rows)."""
    head = next(i for i, row in enumerate(rows) if header in row)
    index = rows[head].index(header)
    return [row[index] for row in rows[head + 1 :]]


def render(client, app, path: str, search: str = "?lang=en") -> dict:
    """The page as the browser gets it: the router's answer and, for a sectioned page, every section's."""
    response = client.post(UPDATE, json=router_body(app, path, search))
    assert response.status_code == 200, (path, response.status_code)
    page = response.get_json()["response"]
    return {"page": page, "sections": render_sections(client, page, path, search)}


def components(tree: Any):
    """Every Dash component (type, props) in a rendered layout."""
    if isinstance(tree, dict):
        if "props" in tree and "type" in tree:
            yield tree
        for value in tree.values():
            yield from components(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from components(value)


def filter_options(tree: Any) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for component in components(tree):
        ident = component["props"].get("id")
        if isinstance(ident, dict) and ident.get("type") == "filter":
            found[ident["key"]] = {o["value"] for o in component["props"].get("options") or []}
    return found


def test_every_page_shows_only_the_viewers_rows_and_options(viewer) -> None:
    scope, client, app = viewer
    for path in (*PAGES, f"/customers/{min(scope.latest_customers)}"):
        tree = render(client, app, path)
        assert_within(scope, _text(tree), path)
        assert "You may not open this page" not in _text(tree)
        options = filter_options(tree)
        if path in ("/", "/segments", "/lifecycle", "/campaigns", "/churn"):
            # The filter bar lists only the viewer's regions, branches and RMs: exactly those with customers.
            assert options["region"] == set(scope.regions), path
            assert options["branch"] == set(scope.branches), path
            assert options["rm"] <= set(scope.rms) | {"-"}, path
            assert options["rm"] & set(scope.rms), path


def test_every_workbook_holds_only_the_viewers_rows_and_totals(viewer) -> None:
    scope, client, app = viewer
    own = min(scope.latest_customers)
    for page in report_pages():
        search = "?lang=en" + (f"&p.customer={own}" if page == "customer" else "")
        workbook = exported_workbook(client, app, page, search)
        # Every cell of every sheet: customer-level sheets' ids, aggregate sheets' region/branch/RM labels.
        assert_within(scope, workbook_text(workbook), page)
    n, aum = len(scope.latest_customers), scope.latest_aum
    overview = exported_workbook(client, app, "overview", "?lang=en")
    kpis = kpi_values(overview)
    assert kpis["Customers"] == n
    assert kpis["Assets under management"] == pytest.approx(aum, abs=0.01)
    assert sheet_rows(overview, "Tier mix (end of period)")[-1][:3] == ("Total", n, pytest.approx(aum, abs=0.01))
    segments = exported_workbook(client, app, "segments", "?lang=en")
    # The customer list of the period's last month-end is exactly the scope's customers at that month-end.
    assert set(column(sheet_rows(segments, "Customer list"), "Customer id")) == scope.latest_customers
    churn = exported_workbook(client, app, "churn", "?lang=en")
    levels = sheet_rows(churn, "Risk levels")[3:]
    assert sum(row[1] for row in levels) == n
    assert sum(row[3] for row in levels) == pytest.approx(aum, abs=0.01)


def test_a_url_or_a_replayed_callback_asking_for_another_region_gets_the_viewers_rows(viewer) -> None:
    scope, client, app = viewer
    other = scope.other_region
    n = len(scope.latest_customers)
    for path in PAGES:
        for search in (f"?lang=en&region={other}", f"?lang=en&x.region={other}"):
            tree = render(client, app, path, search)
            text = _text(tree)
            key = "region" if "x." not in search else "x.region"
            if path != "/metrics":
                assert f"{key} = {other}: no such value in the data" in text, (path, search)
            # The notice names the asked-for region once; nothing else of it appears.
            assert_within(scope, text.replace(f"{key} = {other}", ""), f"{path}{search}")
    workbook = exported_workbook(client, app, "overview", f"?lang=en&region={other}")
    kpis = kpi_values(workbook)
    assert kpis["Customers"] == n
    segments = exported_workbook(client, app, "segments", f"?lang=en&region={other}&x.region={other}")
    assert set(column(sheet_rows(segments, "Customer list"), "Customer id")) == scope.latest_customers


def _grid_body(app, output: str, ident: str | dict, extra_state: list[dict]) -> dict:
    return {
        "output": output,
        "outputs": {"id": ident, "property": "getRowsResponse"},
        "inputs": [{"id": ident, "property": "getRowsRequest", "value": ROWS_REQUEST}],
        "state": extra_state,
        "changedPropIds": [
            (ident if isinstance(ident, str) else json.dumps(ident, separators=(",", ":"))) + ".getRowsRequest"
        ],
    }


def grid_callbacks(app) -> dict[str, str]:
    """The callback_map keys of every grid's getRows callback, by the grid's id (type for pattern ids)."""
    found = {}
    for key in app.callback_map:
        for part in key.strip(".").split("..."):
            if part.endswith(".getRowsResponse"):
                ident = part.removesuffix(".getRowsResponse")
                found[json.loads(ident)["type"] if ident.startswith("{") else ident] = key
    return found


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    data = response.get_json()["response"]
    grid = next(value for value in data.values() if "getRowsResponse" in value)
    return grid["getRowsResponse"]["rowData"]


def test_every_grid_pages_only_the_viewers_rows_whatever_the_request_asks(viewer) -> None:
    scope, client, app = viewer
    other = scope.other_region
    callbacks = grid_callbacks(app)
    # one engine serves every customer list (clientscope/customer_list/); the explore grid pages pivot rows
    assert set(callbacks) == {"customer-list", "explore-grid"}
    lists = (
        ("campaigns", "customers", "campaign_customers"),
        ("lifecycle", "drill", "lifecycle_drill"),
        ("churn", "actions", "churn_actions"),
        ("churn", "rm-customers", "churn_rm"),
    )
    seen = set()
    for search in ("lang=en", f"lang=en&region={other}"):
        for page, name, source in lists:
            data = {"query": search, "segment": {"source": source}}
            rows = rows_of(client.post(UPDATE, json=list_body(app, callbacks["customer-list"], page, name, data)))
            seen.update(row["id"] for row in rows)
            assert_within(scope, _text(rows), f"{page} {name} {search}")
    assert seen and seen <= scope.customers  # (the scope's customers, at any month)
    # The customer list's segment travels through the browser: a tampered one asking for another region's
    # customers gets none, and an untampered one exactly the scope's customers at the month-end.
    month = max(_months(client, app))
    for filters, expected in (({}, scope.latest_customers), ({"region": [other]}, frozenset())):
        segment = {"month": month, "filters": filters, "tag": None, "source": "snapshot", "params": {}}
        data = {"query": "lang=en", "segment": segment}
        rows = rows_of(
            client.post(UPDATE, json=list_body(app, callbacks["customer-list"], "segments", "segments", data))
        )
        assert {row["id"] for row in rows} == expected, filters
    # The explore grid's pages are drawn under the viewer's scope whatever query the browser sends back: a pivot
    # by region, branch and RM names only the scope's regions, branches and RMs; another region's value in the
    # query is not the viewer's to ask for, so it is dropped (the page says so) and the scope's own groups remain.
    pivot = "lang=en&p.m=customers&p.rows=region,branch,rm"
    for query in (pivot, f"{pivot}&region={other}"):
        state = [{"id": "explore-column-keys", "property": "data", "value": {"query": query, "keys": []}}]
        rows = rows_of(client.post(UPDATE, json=_grid_body(app, callbacks["explore-grid"], "explore-grid", state)))
        assert rows, query
        assert_within(scope, _text(rows), f"explore {query}")


def list_body(app, output: str, page: str, name: str, data: dict) -> dict:
    """A getRows request of the customer-list engine's one callback for the list `name` on `page`."""
    ids = {kind: {"name": name, "page": page, "type": kind} for kind in ("customer-list", "customer-list-segment")}
    body = _grid_body(
        app, output, ids["customer-list"], [{"id": ids["customer-list-segment"], "property": "data", "value": data}]
    )
    count = {"name": name, "page": page, "type": "customer-list-count"}
    body["outputs"] = [body["outputs"], {"id": count, "property": "children"}]
    return body


def _months(client, app) -> list[str]:
    tree = render(client, app, "/segments")
    for component in components(tree):
        if component["props"].get("id") == "filter-end":
            return [o["value"] for o in component["props"]["options"]]
    raise AssertionError("no period end options on /segments")


def test_another_regions_customer_reads_exactly_like_an_unknown_id(viewer) -> None:
    scope, client, app = viewer
    unknown = "C9999999"
    for lang, marker in (("en", "There is no customer with id"), ("zh_CN", "没有编号为")):
        other = _text(render(client, app, f"/customers/{scope.other_customer}", f"?lang={lang}"))
        missing = _text(render(client, app, f"/customers/{unknown}", f"?lang={lang}"))
        assert marker in other
        assert other.replace(scope.other_customer, "ID") == missing.replace(unknown, "ID")
    # The workbook of that customer fails the same way as an unknown id's, from the page's Export button ...
    messages = []
    for customer in (scope.other_customer, unknown):
        response = client.post(UPDATE, json=export_body(app, "customer", f"?lang=en&p.customer={customer}"))
        assert response.status_code == 200
        messages.append(_error_toast(response).replace(customer, "ID"))
    assert messages[0] == messages[1] and "There is no customer" in messages[0]
    # ... and from the 360 page's own download button (which reads the id from the URL path).
    output = next(key for key in app.callback_map if key.startswith("customer-download."))
    texts = []
    for customer in (scope.other_customer, unknown):
        body = {
            "output": output,
            "outputs": {"id": "customer-download", "property": "data"},
            "inputs": [{"id": "customer-export", "property": "n_clicks", "value": 1}],
            "state": [
                {"id": "url", "property": "pathname", "value": f"/customers/{customer}"},
                {"id": "url", "property": "search", "value": "?lang=en"},
            ],
            "changedPropIds": ["customer-export.n_clicks"],
        }
        response = client.post(UPDATE, json=body)
        texts.append(re.sub(r"[0-9a-f]{8}", "ERR", response.get_data(as_text=True).replace(customer, "ID")))
        assert "content" not in (response.get_json() or {}).get("response", {}).get("customer-download", {}).get(
            "data", {}
        ), customer
    assert texts[0] == texts[1]


def _error_toast(response) -> str:
    """The text of the error toast an export callback sets (set_props), without its random error id."""
    body = response.get_json()
    text = _text(body.get("sideUpdate") or body)
    return re.sub(r"error id [0-9a-f]+", "error id ERR", text)
