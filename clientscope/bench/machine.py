"""What the numbers were measured on: cores, memory, CPU model, library versions, the code's commit."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from clientscope.settings import PROJECT_ROOT

VERSIONED = (
    "clientscope",
    "dash",
    "flask",
    "werkzeug",
    "duckdb",
    "polars",
    "pyarrow",
    "pandas",
    "plotly",
    "xlsxwriter",
)


@dataclass(frozen=True)
class Machine:
    cores: int
    memory_gb: float
    cpu_model: str
    os: str
    python: str
    versions: tuple[tuple[str, str], ...]
    commit: str


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float:
    import psutil

    return psutil.virtual_memory().total / 2**30


def cores() -> int:
    # The cores this process may use (a container or taskset may allow fewer than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def versions() -> tuple[tuple[str, str], ...]:
    found = []
    for name in VERSIONED:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)


def commit() -> str:
    """The checked-out commit (read-only git), with `+changes` when the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def describe() -> Machine:
    return Machine(
        cores=cores(),
        memory_gb=memory_gb(),
        cpu_model=cpu_model(),
        os=f"{platform.system()} {platform.release()}",
        python=platform.python_version(),
        versions=versions(),
        commit=commit(),
    )
