"""Callback failures: the user sees a friendly alert with an error id, the log gets the traceback."""

from __future__ import annotations

import logging
import uuid

from dash import ctx, set_props

from clientscope.i18n import t
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query

log = logging.getLogger("clientscope.callbacks")


def new_error_id() -> str:
    return uuid.uuid4().hex[:8]


def on_callback_error(exc: Exception) -> None:
    """Global Dash `on_error` handler (returns None so outputs stay unchanged)."""
    error_id = new_error_id()
    log.error("callback error %s in %s", error_id, getattr(ctx, "triggered_id", None), exc_info=exc)
    lang = _language()
    set_props(
        ShellIds.ERROR_TOAST,
        {"is_open": True, "children": t("error.callback", lang, error_id=error_id)},
    )


def _language() -> str:
    try:
        search = ctx.states.get("url.search") or ctx.inputs.get("url.search") or ""
    except Exception:
        search = ""
    # The error handler must not fail in turn (that was an HTTP 500): anything but a string means no language.
    return parse_query(search if isinstance(search, str) else "").get("lang", "zh_CN")
