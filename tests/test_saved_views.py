"""Saved views in the app store (clientscope/views/store.py), on SQLite and PostgreSQL: saved per owner, shared,
deleted only by their owner, and still there when the store is opened again (a restart)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from clientscope.store import open_store
from clientscope.store.engine import head_revision
from clientscope.views.store import (
    MAX_NAME,
    OPEN_OWNER,
    ViewError,
    delete_view,
    list_views,
    owner_of,
    save_view,
    set_shared,
)

PIVOT = "?p.m=aum_total,customers&p.rows=region,branch&compare=yoy&p.show=change,pct&lang=en&theme=dark"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "s.sqlite")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def names() -> tuple[str, str]:
    """Owners unique to the test: the PostgreSQL server is shared by the session."""
    suffix = uuid.uuid4().hex[:8]
    return f"east-{suffix}", f"west-{suffix}"


def test_views_survive_reopening_the_store_and_open_without_language(store_url: str, names) -> None:
    east, west = names
    store = open_store(store_url)
    saved = save_view(store, east, "  华东  网点 AUM  ", "/explore", PIVOT, shared=False)
    assert saved.name == "华东 网点 AUM"  # spaces collapsed
    # the language and theme are the opener's, never the view's
    assert saved.query == "p.m=aum_total%2Ccustomers&p.rows=region%2Cbranch&compare=yoy&p.show=change%2Cpct"
    assert saved.href("lang=en") == "/explore?" + saved.query + "&lang=en"
    store.engine.dispose()

    reopened = open_store(store_url)  # a restart: a new engine on the same database
    assert reopened.revision() == head_revision()  # the saved views table came with 0002; later ones followed
    mine, _ = list_views(reopened, east)
    assert [(v.name, v.path, v.query, v.shared) for v in mine] == [("华东 网点 AUM", "/explore", saved.query, False)]
    west_mine, west_others = list_views(reopened, west)
    assert west_mine == () and all(v.owner != east for v in west_others)  # not shared: not listed to others


def test_sharing_deleting_and_saving_again_under_the_same_name(store_url: str, names) -> None:
    east, west = names
    store = open_store(store_url)
    view = save_view(store, east, "churn", "/churn", "?region=华东区", shared=False)
    assert set_shared(store, view.id, west, True) is None  # only the owner shares
    assert set_shared(store, view.id, east, True).shared is True
    mine, others = list_views(store, west)
    assert [v.name for v in others if v.owner == east] == ["churn"] and not mine
    again = save_view(store, east, "churn", "/churn", "?region=华南区", shared=True)
    assert again.id == view.id and again.query == "region=%E5%8D%8E%E5%8D%97%E5%8C%BA"  # replaced, not duplicated
    assert delete_view(store, view.id, west) is None  # only the owner deletes
    assert delete_view(store, view.id, east).name == "churn"
    assert list_views(store, east)[0] == ()
    assert all(v.owner != east for v in list_views(store, west)[1])


def test_bad_names_and_paths_are_refused_with_the_reason(tmp_path: Path) -> None:
    store = open_store("sqlite:///" + str(tmp_path / "s.sqlite"))
    with pytest.raises(ViewError) as empty:
        save_view(store, "a", "   ", "/explore", "", shared=False)
    assert empty.value.key == "views.name_required"
    with pytest.raises(ViewError) as long:
        save_view(store, "a", "x" * (MAX_NAME + 1), "/explore", "", shared=False)
    assert long.value.key == "views.name_too_long" and long.value.values == {"max": MAX_NAME}
    for path in ("//evil.example/x", "https://evil.example", "explore", "/a b"):
        with pytest.raises(ValueError, match="not a page path"):
            save_view(store, "a", "v", path, "", shared=False)
    with store.begin() as con:
        assert con.execute(sa.text("select count(*) from saved_views")).scalar_one() == 0


def test_open_mode_views_belong_to_one_shared_owner() -> None:
    assert owner_of("local", open_mode=True) == OPEN_OWNER
    assert owner_of("east", open_mode=False) == "east"


def test_the_newest_revision_is_alembics_head() -> None:
    """The store skips Alembic when it is at the newest revision, read from the migration files' numbers."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from clientscope.store.engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_store_at_the_newest_revision_opens_without_alembic(tmp_path: Path) -> None:
    url = "sqlite:///" + str(tmp_path / "store.sqlite")
    code = (
        "import sys\n"
        "from clientscope.store import open_store\n"
        f"store = open_store({url!r})\n"
        "print(store.revision(), 'alembic' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.split() == [head_revision(), "True"]  # a new store: migrated by Alembic
    assert again.stdout.split() == [head_revision(), "False"]  # up to date: Alembic is not even imported
