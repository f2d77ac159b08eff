"""Opening the app store and bringing its schema up to date (Alembic migrations, run once per start).

A store already at the newest revision is opened without Alembic (0.25 s of imports, on every start and every
command-line export): the newest revision is the highest-numbered file of `migrations/versions/` (numbered
0001, 0002, … one after the other; a test checks Alembic agrees) and the store's is `alembic_version`'s row."""

from __future__ import annotations

import fcntl
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from clientscope import settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: several gunicorn workers (or servers) starting at once migrate one at a time.
_POSTGRES_MIGRATION_LOCK = 7_302_515


class StoreError(RuntimeError):
    """The app store cannot be opened; the message says which URL and how to fix it."""


@dataclass(frozen=True)
class AppStore:
    engine: sa.Engine
    url: str

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        with self.engine.begin() as connection:
            yield connection

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return _current_revision(connection)


# "Context impl SQLiteImpl" and "setup plugin ..." on every open of the store are noise on a command's output
logging.getLogger("alembic").setLevel(logging.WARNING)


def store_url() -> str:
    """`CLIENTSCOPE_STORE_URL` (e.g. postgresql+psycopg://user@host/clientscope), else SQLite in the state folder."""
    explicit = os.environ.get(settings.STORE_URL_ENV)
    if explicit:
        return explicit
    return "sqlite:///" + str(settings.state_dir() / "clientscope.sqlite")


def head_revision() -> str:
    """The newest migration's revision: the number of the highest-numbered file in migrations/versions/."""
    numbers = [m.group(1) for p in (MIGRATIONS / "versions").glob("*.py") if (m := _REVISION_FILE.match(p.name))]
    return max(numbers)


_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def _current_revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("select version_num from alembic_version")).scalar()


def open_store(url: str | None = None) -> AppStore:
    """Open the store at `url` (default `store_url()`) and migrate it to the newest schema."""
    url = url or store_url()
    try:
        engine = sa.create_engine(url, **_engine_options(url))
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open the app store {_safe(url)}: {exc}; set {settings.STORE_URL_ENV}") from exc
    store = AppStore(engine, url)
    try:
        if store.revision() != head_revision():
            _migrate(store)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the app store {_safe(url)}: {exc.orig}") from exc
    return store


def _engine_options(url: str) -> dict[str, object]:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Readers and one writer at a time across processes; wait for a lock instead of failing at once.
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _migrate(store: AppStore) -> None:
    from alembic import command

    config = _alembic_config()
    with _migration_lock(store), store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            connection.exec_driver_sql("pragma journal_mode=wal")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _migration_lock(store: AppStore) -> Iterator[None]:
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as connection:
            connection.execute(sa.text("select pg_advisory_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(sa.text("select pg_advisory_unlock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK})
        return
    database = store.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_suffix(".migrate.lock")
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _safe(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparseable URL)"
