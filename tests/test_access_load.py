"""Sign-in and scope under load (issue 23): gunicorn with 4 workers on loopback, built-in accounts made with the
`clientscope users add` command, 50 signed-in sessions of every role posting page-router callbacks with random
(seeded) filters for 60 s. Every answer must be the expected status for its role and stay within its viewer's scope.

The scope's truth is computed with DuckDB from the raw extracts (customers joined to branches), not by the app.
Latencies are printed (run with -s); nothing is asserted on time, the machine is shared.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import requests

from tests.access_fixtures import CSRF, PASSWORD
from tests.conftest import REPO_ROOT
from tests.sections_support import CALLBACK_URL, section_body, section_output, slots
from tests.test_access import router_body
from tests.test_access_scope import components

pytestmark = pytest.mark.slow

SESSIONS = 50
DURATION_S = 60.0
MAX_REQUESTS_PER_SESSION = 60
REQUEST_TIMEOUT_S = 120.0
DATA_PAGES = ("/", "/segments", "/lifecycle", "/campaigns", "/churn")
CUSTOMER_ID = re.compile(r"\bC\d{7}\b")
KPI = "kpi-value-customers"


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    args: tuple[str, ...]  # `clientscope users add` options
    pages: tuple[str, ...]  # router paths this role opens
    regions: frozenset[str] | None = None  # None: every region
    customers: frozenset[str] | None = None  # None: every customer
    latest: int = 0  # customers at the latest month-end (the overview's customers KPI without filters)


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def _regions(demo_data: Path) -> list[str]:
    path = str(demo_data / "branches.parquet")
    return sorted(
        r[0] for r in duckdb.sql("select distinct region from read_parquet($p)", params={"p": path}).fetchall()
    )


def _accounts(demo_data: Path) -> list[Account]:
    con = duckdb.connect()
    con.read_parquet(str(demo_data / "customers" / "*.parquet")).create_view("customers")
    con.read_parquet(str(demo_data / "branches.parquet")).create_view("branches")
    con.sql(
        "create view people as select c.customer_id, c.rm_id, c.branch_id, b.region "
        "from customers c join branches b using (branch_id)"
    )
    latest = set(
        r[0]
        for r in con.sql(
            "select customer_id from read_parquet($months) "
            "where month = (select max(month) from read_parquet($months))",
            params={"months": str(demo_data / "customer_months" / "*.parquet")},
        ).fetchall()
    )

    def scoped(column: str, value: str) -> tuple[frozenset[str], frozenset[str]]:
        rows = con.sql("select customer_id, region, branch_id, rm_id from people").fetchall()
        index = {"region": 1, "branch_id": 2, "rm_id": 3}[column]
        kept = [r for r in rows if r[index] == value]
        return frozenset(r[0] for r in kept), frozenset(r[1] for r in kept)

    rm = con.sql(
        "select rm_id from people where rm_id is not null group by 1 order by count(*) desc, 1 limit 1"
    ).fetchall()[0][0]
    east, east_regions = scoped("region", "华东区")
    mid, mid_regions = scoped("region", "华中区")
    b009, b009_regions = scoped("branch_id", "B009")
    book, book_regions = scoped("rm_id", rm)
    data = (*DATA_PAGES, "/metrics")
    return [
        Account("hq", "head_office", (), data, latest=len(latest)),
        Account("east", "region_manager", ("--regions", "华东区"), data, east_regions, east, len(east & latest)),
        Account("mid", "region_manager", ("--regions", "华中区"), data, mid_regions, mid, len(mid & latest)),
        Account("b009", "branch_manager", ("--branches", "B009"), data, b009_regions, b009, len(b009 & latest)),
        Account("rm", "relationship_manager", ("--rm", rm), data, book_regions, book, len(book & latest)),
        Account("mkt", "marketing", (), ("/", "/campaigns", "/metrics"), latest=len(latest)),
        Account("audit", "auditor", (), ("/audit", "/metrics"), customers=frozenset()),  # no customer data
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(dash_app, demo_data: Path, cache_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """gunicorn (4 workers) on the session's demo bank and build cache, signing in with built-in accounts."""
    # Warm the session's cache (marts, churn model) in this process, so that the workers only read it.
    warm = dash_app.server.test_client()
    warm.get("/health")  # Dash fills app.callback_map on its first request
    for path in DATA_PAGES:
        assert warm.post("/_dash-update-component", json=router_body(dash_app, path)).status_code == 200
    folder = tmp_path_factory.mktemp("load")
    access = folder / "access.yaml"
    access.write_text("sign_in: accounts\nlockout:\n  attempts: 20\n  minutes: 1\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "CLIENTSCOPE_ACCESS": str(access),
        "CLIENTSCOPE_STORE_URL": "sqlite:///" + str(folder / "store.sqlite"),
        "CLIENTSCOPE_STATE": str(folder / "state"),
        "CLIENTSCOPE_DATA": str(demo_data),
        "CLIENTSCOPE_CACHE": str(cache_dir),
        "CLIENTSCOPE_SECRET_KEY": "load-test-" + "k" * 40,
    }
    accounts = _accounts(demo_data)
    for account in accounts:
        done = subprocess.run(
            [sys.executable, "-m", "clientscope.cli", "users", "add", account.username, "--role", account.role,
             *account.args, "--password-stdin"],
            input=PASSWORD + "\n", text=True, capture_output=True, cwd=REPO_ROOT, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    port = _free_port()
    log = (folder / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "180",
         "app:server"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert proc.poll() is None, (folder / "gunicorn.log").read_text()
            try:
                if requests.get(url + "/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            raise AssertionError("gunicorn did not answer /health within 240 s")
        yield url, accounts, folder / "gunicorn.log"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _sign_in(url: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/login", timeout=REQUEST_TIMEOUT_S)
    token = CSRF.search(page.text).group(1)
    signed = session.post(
        url + "/login",
        data={"csrf": token, "username": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT_S,
    )
    assert signed.status_code == 302, (username, signed.status_code)
    return session


def _search(rng: random.Random, account: Account, all_regions: list[str]) -> str:
    """Random filters: a tier, a language, sometimes a region (maybe one outside the viewer's scope)."""
    parts = [f"lang={rng.choice(['en', 'zh_CN'])}"]
    if rng.random() < 0.5:
        parts.append("tier=" + rng.choice(["mass", "affluent", "private"]))
    if rng.random() < 0.4:
        parts.append("region=" + rng.choice(all_regions))
    return "?" + "&".join(parts)


def _check(account: Account, path: str, search: str, text: str, all_regions: list[str]) -> str | None:
    """Why a 200 answer is outside the viewer's scope, or None."""
    if "You may not open this page" in text or "无权查看此页面" in text:
        return f"{account.username} denied {path}"
    if account.customers is not None:
        outside = set(CUSTOMER_ID.findall(text)) - account.customers
        if outside:
            return f"{account.username} {path}{search}: customers {sorted(outside)[:3]}"
    if account.regions is not None:
        # Another region's name may appear only in the notice that ignores it.
        asked = re.search(r"region=([^&]+)", search)
        ignored = asked.group(1) if asked else None
        others = [r for r in all_regions if r not in account.regions and r != ignored and r in text]
        if others:
            return f"{account.username} {path}{search}: regions {others}"
    if path == "/" and search.count("=") == 1 and account.role != "auditor":  # the overview without filters
        shown = [c["props"].get("children") for c in components(json.loads(text)) if c["props"].get("id") == KPI]
        if [int(str(v).replace(",", "")) for v in shown] != [account.latest]:
            return f"{account.username} /: customers KPI {shown} != {account.latest}"
    return None


def _user(url, app, account, all_regions, seed, stop_at, tally, forbidden_body) -> None:
    rng = random.Random(seed)
    try:
        session = _sign_in(url, account.username)
    except Exception as exc:  # reported, never raised in a thread
        tally.add("sign-in failed", 0.0, f"{account.username}: {exc!r}")
        return
    for number in range(MAX_REQUESTS_PER_SESSION):
        if time.monotonic() > stop_at:
            return
        refused = forbidden_body is not None and number % 5 == 4
        path = rng.choice(account.pages)
        search = "?lang=en" if number == 0 else _search(rng, account, all_regions)
        body = forbidden_body if refused else router_body(app, path, search)
        started = time.perf_counter()
        try:
            response = session.post(url + "/_dash-update-component", json=body, timeout=REQUEST_TIMEOUT_S)
        except requests.RequestException as exc:
            tally.add("exception", time.perf_counter() - started, f"{account.username} {path}: {exc!r}")
            continue
        seconds = time.perf_counter() - started
        expected = 403 if refused else 200
        if response.status_code != expected:
            tally.add(str(response.status_code), seconds, f"{account.username} {path}{search}: {response.status_code}")
            continue
        text = response.text if refused else _with_sections(session, url, path, search, response.text)
        error = None if refused else _check(account, path, search, text, all_regions)
        tally.add(str(response.status_code), seconds, error)


def _with_sections(session, url: str, path: str, search: str, text: str) -> str:
    """The page's answer and its sections' (a sectioned page draws its content in one request per section)."""
    page = json.loads(text)
    found = list(slots(page))
    if not found:
        return text
    output = section_output(session.get(url + "/_dash-dependencies", timeout=REQUEST_TIMEOUT_S).json())
    drawn = [
        session.post(url + CALLBACK_URL, json=section_body(output, slot, path, search), timeout=REQUEST_TIMEOUT_S)
        for slot in found
    ]
    return json.dumps([page, *(answer.json() for answer in drawn if answer.status_code == 200)], ensure_ascii=False)


def test_fifty_signed_in_users_get_their_pages_and_only_their_rows(served, dash_app, demo_data: Path) -> None:
    url, accounts, log = served
    all_regions = _regions(demo_data)
    # A page's list (the churn action list's rows, through the customer-list engine): refused (403) to roles
    # that may not open /churn.
    output = next(key for key in dash_app.callback_map if '"customer-list"' in key)
    churn_rows = {
        "output": output,
        "outputs": [
            {"id": {"name": "actions", "page": "churn", "type": "customer-list"}, "property": "getRowsResponse"},
            {"id": {"name": "actions", "page": "churn", "type": "customer-list-count"}, "property": "children"},
        ],
        "inputs": [],
        "state": [],
        "changedPropIds": [],
    }
    tally = Tally()
    stop_at = time.monotonic() + DURATION_S
    threads = []
    for number in range(SESSIONS):
        account = accounts[number % len(accounts)]
        forbidden = churn_rows if "/churn" not in account.pages else None
        thread = threading.Thread(
            target=_user,
            args=(url, dash_app, account, all_regions, 23_000 + number, stop_at, tally, forbidden),
            daemon=True,
        )
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION_S + 2 * REQUEST_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads)
    latencies = sorted(tally.latencies)
    total = sum(tally.statuses.values())
    figures = {
        "requests": total,
        "statuses": dict(tally.statuses),
        "errors": len(tally.errors),
        "p50_s": round(latencies[len(latencies) // 2], 2) if latencies else None,
        "p95_s": round(latencies[int(len(latencies) * 0.95)], 2) if latencies else None,
        "max_s": round(latencies[-1], 2) if latencies else None,
    }
    print("LOAD", json.dumps(figures))
    assert tally.errors == [], (tally.errors[:10], log.read_text()[-3000:])
    assert total >= SESSIONS and set(tally.statuses) <= {"200", "403"} and tally.statuses["403"] > 0
