"""Who sees what: sign-in (built-in accounts or the bank's gateway), roles, row-level scope, masking, audit.

See docs/access.md. `install_access(app, setup)` wires it into the Dash app; `current_viewer()` tells who is
looking; `Viewer.scope()` is what `run_query` applies to every statement.

The names below are imported when first used (PEP 562): every command line parser imports
`clientscope.access.cli` for its arguments, and must not pay for the store and the semantic layer (about a
second) to print `--help` or to run `clientscope export`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientscope.lazy_names import lazy_getattr

if TYPE_CHECKING:
    from clientscope.access.config import AccessConfig
    from clientscope.access.roles import Role
    from clientscope.access.setup import AccessSetup, access_setup
    from clientscope.access.viewer import OPEN_VIEWER, Viewer, current_viewer

_MODULES = {
    "clientscope.access.config": ("AccessConfig",),
    "clientscope.access.setup": ("AccessSetup", "access_setup"),
    "clientscope.access.roles": ("Role",),
    "clientscope.access.viewer": ("OPEN_VIEWER", "Viewer", "current_viewer"),
}


__getattr__ = lazy_getattr(__name__, _MODULES)


__all__ = ["OPEN_VIEWER", "AccessConfig", "AccessSetup", "Role", "Viewer", "access_setup", "current_viewer"]
