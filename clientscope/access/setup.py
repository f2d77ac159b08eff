"""What the app needs to know who is looking: the access file (or open mode) and the app store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clientscope.access.config import AccessConfig, load_access
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
