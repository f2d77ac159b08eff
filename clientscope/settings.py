"""Where Clientscope finds its data and keeps its caches.

Resolution order for the data folder: the `--data` option, else `CLIENTSCOPE_DATA`,
else the demo folder (generated on first use).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "CLIENTSCOPE_DATA"
CACHE_ENV = "CLIENTSCOPE_CACHE"
METRICS_ENV = "CLIENTSCOPE_METRICS"
MEMORY_ENV = "CLIENTSCOPE_DUCKDB_MEMORY"
BUILD_MEMORY_ENV = "CLIENTSCOPE_DUCKDB_BUILD_MEMORY"
STATE_ENV = "CLIENTSCOPE_STATE"
STORE_URL_ENV = "CLIENTSCOPE_STORE_URL"
ACCESS_ENV = "CLIENTSCOPE_ACCESS"
SECRET_KEY_ENV = "CLIENTSCOPE_SECRET_KEY"
# DuckDB would otherwise take 80 % of the machine's RAM per process; with a limit it spills sorts, joins and
# windows to disk instead. Serving keeps each worker small (gunicorn runs several); the build step (marts,
# per-customer lists, the churn files) gets more while it runs, then the limit drops to the serving one. 2 GB keeps
# the whole build under 3 GB with the Python steps' frames on top, and was not slower than 3 GB at 1M customers
# (decision 76).
DEFAULT_DUCKDB_MEMORY = "1.5GB"
DEFAULT_DUCKDB_BUILD_MEMORY = "2GB"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def cache_root() -> Path:
    """The folder for generated demo data and derived marts (never inside the user's extracts)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "clientscope"


def state_dir() -> Path:
    """The folder for what the app writes and must keep (the app store, the session key): unlike the cache,
    deleting it loses accounts and the audit log. `CLIENTSCOPE_STATE`, else `$XDG_STATE_HOME/clientscope`,
    else `~/.local/state/clientscope`."""
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "state"
    return base / "clientscope"


def access_file(cli_value: str | os.PathLike[str] | None = None) -> Path | None:
    """The access configuration: `--access`, else `CLIENTSCOPE_ACCESS`, else `./access.yaml` when present;
    None means open mode (no sign-in, loopback only)."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get(ACCESS_ENV):
        return Path(os.environ[ACCESS_ENV])
    default = Path.cwd() / "access.yaml"
    return default if default.is_file() else None


def demo_dir() -> Path:
    return cache_root() / "demo"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Return (data folder, is_demo)."""
    if cli_value:
        return Path(cli_value).expanduser().resolve(), False
    env_value = os.environ.get(DATA_ENV)
    if env_value:
        return Path(env_value).expanduser().resolve(), False
    return demo_dir(), True


def metrics_file(cli_value: str | os.PathLike[str] | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env_value = os.environ.get(METRICS_ENV)
    if env_value:
        return Path(env_value).expanduser().resolve()
    return PROJECT_ROOT / "metrics.yaml"


def duckdb_memory() -> str:
    """The DuckDB memory limit of a process serving pages or exports (`CLIENTSCOPE_DUCKDB_MEMORY`)."""
    return os.environ.get(MEMORY_ENV) or DEFAULT_DUCKDB_MEMORY


def duckdb_build_memory() -> str:
    """The DuckDB memory limit while the build step runs (`CLIENTSCOPE_DUCKDB_BUILD_MEMORY`)."""
    return os.environ.get(BUILD_MEMORY_ENV) or DEFAULT_DUCKDB_BUILD_MEMORY


def duckdb_config(threads: int | None = None, memory_limit: str | None = None) -> dict[str, str | int]:
    """DuckDB settings of every connection: a memory limit (the serving one by default) and a spill folder."""
    config: dict[str, str | int] = {
        "memory_limit": memory_limit or duckdb_memory(),
        "temp_directory": str(cache_root() / "duckdb_spill"),
    }
    if threads:
        config["threads"] = threads
    return config
