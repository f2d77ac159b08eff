"""The per-process, read-only application context: which data is served and how it was checked.

It is created once when the app starts and attached to the Flask app (not a module global), so
every gunicorn worker builds its own identical copy and nothing is mutated after start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import flask

from clientscope.db import Database
from clientscope.semantic import SemanticModel

log = logging.getLogger(__name__)
EXTENSION_KEY = "clientscope"


@dataclass(frozen=True)
class AppContext:
    data_dir: Path
    is_demo: bool
    db: Database | None
    model: SemanticModel
    problems: tuple[str, ...] = ()  # blocking problems: the app shows them instead of the pages
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.db is not None and not self.problems


def attach(server: flask.Flask, ctx: AppContext) -> None:
    server.extensions[EXTENSION_KEY] = ctx


def current() -> AppContext:
    """The context of the app handling the current request."""
    return flask.current_app.extensions[EXTENSION_KEY]
