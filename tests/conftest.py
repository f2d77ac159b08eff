"""Shared fixtures: a small seeded demo bank, built once per test session, and browser options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dash.testing.application_runners import BaseDashRunner
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from clientscope.spark.session import SparkSettings, spark_session

# dash.testing numbers its servers from one port in every process: give each xdist worker its own range, so
# that browser tests running at the same time in two workers never ask for the same port.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
BaseDashRunner._next_port = 58050 + 200 * int(_WORKER.removeprefix("gw") or 0)

# Deterministic property tests that do not fail because the machine is busy (CI shares two cores with xdist
# workers and a browser): no per-example deadline, no "too slow" health check, a fixed example sequence.
hypothesis_settings.register_profile(
    "clientscope", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("clientscope")

pytest_plugins = ["tests.access_fixtures", "tests.postgres_server", "tests.delivery_support"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SPARK_SETTINGS = SparkSettings(shuffle_partitions=2)  # few tasks per stage: the fixtures are small
REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "real"

# Chromium flags so the headless browser never reaches for the network on its own
# (the test machines have no network but the package registries).
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--window-size=1400,1000",
)


def pytest_setup_options():
    """dash.testing hook: the Chrome options for dash_duo."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    chromium = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    if Path(chromium).exists():
        options.binary_location = chromium
    return options


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Marts and other caches of the test session go to a temporary folder, never ~/.cache."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["CLIENTSCOPE_CACHE"] = str(path)
    # The app store (accounts, audit log) and the session key of the test session live beside it.
    os.environ["CLIENTSCOPE_STATE"] = str(tmp_path_factory.mktemp("state"))
    return path


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """A small seeded demo bank (2,000 customers × 12 months), generated once per session."""
    from clientscope.demo import generate

    out = tmp_path_factory.mktemp("demo") / "bank"
    generate(out, customers=2_000, months=12, seed=7)
    return out


@pytest.fixture(scope="session")
def dash_app(demo_data: Path):
    """The app on the session's demo bank. One per test session: Dash's page registry is process-wide."""
    from clientscope.shell import create_app
    from clientscope.startup import prepare

    return create_app(prepare(str(demo_data)))


@pytest.fixture(scope="session")
def demo_db(demo_data: Path):
    """The session's demo bank opened with its marts built, plus the semantic model: (db, model)."""
    from clientscope.db import Database
    from clientscope.marts import build_marts
    from clientscope.semantic import load_semantic_model
    from clientscope.semantic.rollups import build_rollups

    model = load_semantic_model(REPO_ROOT / "metrics.yaml")
    db = Database.open(demo_data)
    build_marts(db, model.rules)
    build_rollups(db, model)
    return db, model


@pytest.fixture(scope="session")
def spark():
    """The worker's SparkSession in local mode (one per process: Spark keeps one)."""
    session = spark_session(SPARK_SETTINGS)
    yield session
    session.stop()
