"""What the view controls do for the current viewer: save, share, delete — each audited."""

from __future__ import annotations

from dash import html

from clientscope.access import current_viewer
from clientscope.access.audit import Action, record_for
from clientscope.access.web import access_runtime
from clientscope.i18n import normalise_language, t
from clientscope.state import parse_query
from clientscope.views.store import ViewError, delete_view, owner_of, save_view, set_shared


def current_owner() -> str:
    viewer = current_viewer()
    return owner_of(viewer.username, viewer.open_mode)


def save_current(name: str, shared: bool, pathname: str, search: str) -> html.Span:
    """Save the page the viewer is on; the answer (saved, or what is wrong with the name) in their language."""
    lang = normalise_language(parse_query(search).get("lang"))
    store = access_runtime().store
    try:
        view = save_view(store, current_owner(), name, pathname, search, shared)
    except ViewError as exc:
        return html.Span(t(exc.key, lang, **exc.values), className="text-danger", id="save-view-error")
    record_for(store, current_viewer(), Action.SAVE_VIEW, target=view.path, name=view.name, shared=view.shared)
    return html.Span(t("views.saved", lang, name=view.name), className="text-success", id="save-view-done")


def share(view_id: int, shared: bool) -> None:
    store = access_runtime().store
    view = set_shared(store, view_id, current_owner(), shared)
    if view is not None:
        record_for(store, current_viewer(), Action.SHARE_VIEW, target=view.path, name=view.name, shared=shared)


def delete(view_id: int) -> None:
    store = access_runtime().store
    view = delete_view(store, view_id, current_owner())
    if view is not None:
        record_for(store, current_viewer(), Action.DELETE_VIEW, target=view.path, name=view.name)
