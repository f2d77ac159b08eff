"""The view context of the current request: the running app's database and model, the URL's query string, and the
scope of the viewer who asked (signed in, named by the gateway, or the local viewer of open mode)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clientscope import runtime
from clientscope.access.viewer import current_viewer
from clientscope.db import ViewerScope
from clientscope.state import ViewState
from clientscope.view_context import PageContext, build_page_context


def viewer_scope() -> ViewerScope:
    """The scope of the current viewer."""
    return current_viewer().scope()


def page_context(query: Mapping[str, str | Sequence[str]]) -> PageContext:
    app = runtime.current()
    return build_page_context(app.db, app.model, app.data_dir, query, viewer_scope())


def current_state(query: Mapping[str, str | Sequence[str]]) -> ViewState:
    return page_context(query).state
