"""Who is looking: the signed-in user (or the gateway's), their role and attributes, and what follows from them."""

from __future__ import annotations

from dataclasses import dataclass, field

import flask

from clientscope.access.roles import ALL_PAGES, Role, policy
from clientscope.db import ViewerScope
from clientscope.i18n import t

# Page paths that are not data pages and that every viewer may open.
_PUBLIC_PAGES = ("/login",)
_DATA_PAGES_EXCLUDED_FROM_ALL = ("/audit",)  # ALL_PAGES means every data page, not the audit log
SUBSCRIPTIONS_PAGE = "/subscriptions"  # opened by a permission of the role, not by its page list


@dataclass(frozen=True)
class Viewer:
    username: str
    role: Role
    regions: frozenset[str] = field(default_factory=frozenset)
    branches: frozenset[str] = field(default_factory=frozenset)
    rm: str | None = None
    open_mode: bool = False  # no sign-in configured: the local, loopback-only demo

    def scope(self) -> ViewerScope:
        """The rows and the personal data this viewer may see, applied by `run_query` to every statement."""
        rules = policy(self.role)
        personal = rules.personal_data
        if rules.scope == "all":
            return ViewerScope(can_see_personal=personal)
        if rules.scope == "regions":
            return ViewerScope(regions=self.regions, can_see_personal=personal)
        if rules.scope == "branches":
            return ViewerScope(branches=self.branches, can_see_personal=personal)
        if rules.scope == "rm":
            return ViewerScope(rms=frozenset({self.rm}) if self.rm else frozenset(), can_see_personal=personal)
        return ViewerScope(regions=frozenset(), can_see_personal=False)  # "none": every data query is empty

    def may_open(self, path: str) -> bool:
        """Whether this viewer may open the page at `path` (`/customers/C1` counts as `/customers`)."""
        if path in _PUBLIC_PAGES or self.open_mode:  # open mode: the one local user sees every page, audit too
            return True
        pages = policy(self.role).pages
        root = "/" + path.strip("/").split("/", 1)[0] if path.strip("/") else "/"
        if root == SUBSCRIPTIONS_PAGE:
            return policy(self.role).manage_subscriptions
        if ALL_PAGES in pages and root not in _DATA_PAGES_EXCLUDED_FROM_ALL:
            return True
        return root in pages

    def label(self, lang: str) -> str:
        """ "east (Region manager)" / "east（区域经理）": the navbar and the export cover name the viewer so."""
        return t("access.user", lang, user=self.username, role=t(f"access.role.{self.role.value}", lang))


OPEN_VIEWER = Viewer("local", Role.HEAD_OFFICE, open_mode=True)
_G_KEY = "clientscope_viewer"
_RUNTIME_KEY = "clientscope_access"  # clientscope.access.web.EXTENSION_KEY (not imported: web imports this module)


def set_current(viewer: Viewer) -> None:
    setattr(flask.g, _G_KEY, viewer)


def current_viewer() -> Viewer:
    """The viewer of the current request, as the access guard established it.

    In open mode (no access.yaml) a request the guard did not see (a test's request context) is the local
    viewer; with sign-in configured it is an error, so that nothing is ever read without a scope.
    """
    viewer = getattr(flask.g, _G_KEY, None) if flask.has_request_context() else None
    if viewer is not None:
        return viewer
    runtime = flask.current_app.extensions.get(_RUNTIME_KEY) if flask.has_app_context() else None
    if runtime is None or runtime.open_mode:
        return OPEN_VIEWER
    raise RuntimeError("no viewer: the access guard did not run for this request")
