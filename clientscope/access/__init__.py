"""Who sees what: sign-in (built-in accounts or the bank's gateway), roles, row-level scope, masking, audit.

See docs/access.md. `install_access(app, setup)` wires it into the Dash app; `current_viewer()` tells who is
looking; `Viewer.scope()` is what `run_query` applies to every statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clientscope.access.config import AccessConfig, load_access
from clientscope.access.roles import Role
from clientscope.access.viewer import OPEN_VIEWER, Viewer, current_viewer
from clientscope.store import AppStore, open_store


@dataclass(frozen=True)
class AccessSetup:
    config: AccessConfig | None  # None: open mode (no sign-in, loopback only)
    store: AppStore
    file: Path | None = None


def access_setup(access_file: Path | None, store_url: str | None = None) -> AccessSetup:
    """Read access.yaml (raises `SemanticError` listing its problems) and open the app store."""
    config = load_access(access_file) if access_file is not None else None
    return AccessSetup(config, open_store(store_url), access_file)


__all__ = ["OPEN_VIEWER", "AccessConfig", "AccessSetup", "Role", "Viewer", "access_setup", "current_viewer"]
