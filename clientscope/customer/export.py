"""The customer's workbook download (the page's Export button; the workbook is clientscope/reports/customer.py)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlencode

from dash import dcc, no_update, set_props

from clientscope.i18n import t
from clientscope.shell_ids import ShellIds
from clientscope.state import parse_query

log = logging.getLogger(__name__)


def workbook_download(pathname: str, search: str | None) -> Any:
    """The download of the customer's workbook; the id travels as the `p.customer` option.  A failed export
    opens the error toast and downloads nothing."""
    from clientscope.components.export_button import build_workbook_bytes
    from clientscope.errors import new_error_id
    from clientscope.export import ExportError

    customer_id = unquote(pathname.rstrip("/").rsplit("/", 1)[-1])
    args = parse_query(search or "")
    args["p.customer"] = customer_id
    try:
        content, filename = build_workbook_bytes("customer", to_query_args(args), datetime.now())
    except ExportError as exc:
        error_id = new_error_id()
        log.error("customer export failed (%s): %s", error_id, exc)
        lang = args.get("lang", "zh_CN")
        set_props(
            ShellIds.ERROR_TOAST,
            {"is_open": True, "children": t("export.failed", lang, error_id=error_id, reason=str(exc))},
        )
        return no_update
    return dcc.send_bytes(content, filename)


def to_query_args(args: dict[str, str]) -> str:
    return "?" + urlencode(args)
