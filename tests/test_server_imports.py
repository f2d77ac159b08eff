"""A server process imports only what serving needs (start-up time is a target: docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from clientscope.startup import without_notebook_support
without_notebook_support()
from clientscope.shell import create_app
import dash._jupyter
print(sys.modules.get("IPython", "absent"), dash._jupyter._dep_installed, callable(create_app))
"""


def test_the_server_keeps_dash_from_importing_ipython() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["None", "False", "True"]


APP_PROBE = """
import sys
from clientscope.startup import prepare, without_notebook_support
without_notebook_support()
from clientscope.shell import create_app
create_app(prepare(sys.argv[1]))
print(*(name in sys.modules for name in sys.argv[2:]))
"""
LOADED_BY_FIRST_USE = ("clientscope.ask.answer", "clientscope.ask.intent", "sqlalchemy.dialects.postgresql")


def test_a_started_app_loads_the_question_parser_and_other_dialects_only_when_used(demo_data: Path) -> None:
    """Every page module is imported at start-up; the ask page's parser (its pattern tables, 0.1–0.2 s) waits for
    the first question, and the PostgreSQL dialect for a delivery on PostgreSQL (benchmarks.md, thirteenth stop).
    The second start is the one checked: the first may migrate the session's app store, and Alembic imports every
    dialect."""
    args = [sys.executable, "-c", APP_PROBE, str(demo_data), *LOADED_BY_FIRST_USE]
    for _ in range(2):
        out = subprocess.run(args, capture_output=True, text=True, check=True, env=dict(os.environ)).stdout
    assert out.split() == ["False"] * len(LOADED_BY_FIRST_USE)
