"""A server process imports only what serving needs (start-up time is a target: docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys

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
