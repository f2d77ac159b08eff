"""Saved views in the app store: any page's URL (path + query string) under a name, per owner, optionally shared.

A view never holds a scope: whoever opens it sees the page under their own (the scope is the viewer's, applied
at the SQL choke point, and is not part of any URL).  The language and theme are the opener's too, so they are
not saved.  A view whose filters no longer exist opens like any other URL: the page drops the unknown values
with its usual notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from clientscope.state import parse_query
from clientscope.store import AppStore
from clientscope.store.tables import saved_views

OPEN_OWNER = "open"  # open mode (no sign-in): the one local user's views
MAX_NAME = 80
_PATH = re.compile(r"^/(?:[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-%.]+)*)?$")  # a page path of this app, never //host
_NOT_SAVED = ("lang", "theme")


class ViewError(ValueError):
    """A view that cannot be saved; `key` is the message id of the reason (clientscope/messages/explore.py)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class SavedView:
    id: int
    owner: str
    name: str
    path: str
    query: str
    shared: bool
    created_at: datetime

    def href(self, lang_query: str = "") -> str:
        """The view's address, with the opener's language / theme (`lang_query`: e.g. "lang=en")."""
        query = "&".join(part for part in (self.query.lstrip("?"), lang_query) if part)
        return self.path + ("?" + query if query else "")


def owner_of(username: str, open_mode: bool) -> str:
    return OPEN_OWNER if open_mode else username


def clean_query(search: str | None) -> str:
    """The query string to save: everything the URL says but the language and theme."""
    from urllib.parse import urlencode

    args = {k: v for k, v in parse_query(search or "").items() if k not in _NOT_SAVED}
    return urlencode(args)


def save_view(store: AppStore, owner: str, name: str, path: str, search: str | None, shared: bool) -> SavedView:
    """Save (or replace, same owner and name) a view; ViewError when the name or the path does not fit."""
    name = " ".join(name.split())
    if not name:
        raise ViewError("views.name_required")
    if len(name) > MAX_NAME:
        raise ViewError("views.name_too_long", max=MAX_NAME)
    if not _PATH.match(path or "") or len(path) > 200:
        raise ValueError(f"not a page path: {path!r}")
    now = datetime.now(UTC)
    values = {"path": path, "query": clean_query(search), "shared": bool(shared), "updated_at": now}
    with store.begin() as con:
        found = con.execute(
            sa.select(saved_views.c.id).where(saved_views.c.owner == owner, saved_views.c.name == name)
        ).scalar_one_or_none()
        if found is None:
            con.execute(saved_views.insert().values(owner=owner, name=name, created_at=now, **values))
        else:
            con.execute(saved_views.update().where(saved_views.c.id == found).values(**values))
    view = _find(store, owner, name)
    assert view is not None
    return view


def _find(store: AppStore, owner: str, name: str) -> SavedView | None:
    query = sa.select(saved_views).where(saved_views.c.owner == owner, saved_views.c.name == name)
    with store.begin() as con:
        row = con.execute(query).first()
    return _view(row) if row is not None else None


def _view(row: sa.Row) -> SavedView:
    m = row._mapping
    return SavedView(m["id"], m["owner"], m["name"], m["path"], m["query"], bool(m["shared"]), m["created_at"])


def list_views(store: AppStore, owner: str) -> tuple[tuple[SavedView, ...], tuple[SavedView, ...]]:
    """(the owner's views, views others shared), each by name."""
    query = (
        sa.select(saved_views)
        .where(sa.or_(saved_views.c.owner == owner, saved_views.c.shared.is_(True)))
        .order_by(saved_views.c.name, saved_views.c.owner)
    )
    with store.begin() as con:
        views = [_view(row) for row in con.execute(query)]
    return tuple(v for v in views if v.owner == owner), tuple(v for v in views if v.owner != owner)


def set_shared(store: AppStore, view_id: int, owner: str, shared: bool) -> SavedView | None:
    """Share or unshare one of the owner's views (None when it is not theirs)."""
    where = (saved_views.c.id == int(view_id), saved_views.c.owner == owner)
    with store.begin() as con:
        done = con.execute(saved_views.update().where(*where).values(shared=bool(shared), updated_at=datetime.now(UTC)))
        if not done.rowcount:
            return None
        row = con.execute(sa.select(saved_views).where(*where)).first()
    return _view(row) if row is not None else None


def delete_view(store: AppStore, view_id: int, owner: str) -> SavedView | None:
    """Delete one of the owner's views and return it (None when it is not theirs)."""
    where = (saved_views.c.id == int(view_id), saved_views.c.owner == owner)
    with store.begin() as con:
        row = con.execute(sa.select(saved_views).where(*where)).first()
        if row is None:
            return None
        con.execute(saved_views.delete().where(*where))
    return _view(row)
