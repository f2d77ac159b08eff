#!/usr/bin/env bash
# Installs everything the tests need (Python test extras, Debian's chromium + chromium-driver
# for the browser tests) and runs the whole suite.  Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: chromium + chromium-driver (browser tests; kaleido also draws the scheduled mails'
# chart images with this chromium), a CJK font (so that headless screenshots and those images show Chinese, not
# boxes), postgresql (the app store's PostgreSQL tests start a throwaway server on loopback), a Java 17 runtime
# (the Spark build's equality test runs PySpark in local mode).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
    || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q . \
    || ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
    echo "Installing chromium, chromium-driver, postgresql, a CJK font and Java 17 (Debian packages) for the tests..."
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver postgresql \
        fonts-wqy-microhei openjdk-17-jre-headless >/dev/null
fi

python -m pip install --quiet --disable-pip-version-check -e ".[test]"
python -m ruff check .
python -m ruff format --check .
# Independent tests run in parallel, one worker per core (each worker builds its own session fixtures). A plain
# `pytest` leaves out the tests marked slow (pyproject.toml); CI runs every test, so select them all here (a -m
# passed to this script comes later and wins).
python -m pytest -n auto -m "slow or not slow" "$@"
