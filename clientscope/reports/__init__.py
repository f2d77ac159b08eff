"""One workbook builder per page, shared by the page's Export button and `clientscope export PAGE`.

Each builder takes a `ReportRequest` and returns a `WorkbookSpec`; the same request gives the same
sheets whichever way it arrives.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from clientscope.components.page import PageContext
from clientscope.export import WorkbookSpec


@dataclass(frozen=True)
class ReportRequest:
    page: PageContext
    generated_at: datetime
    user: str | None = None


# page name → "module:function"; imported lazily so the CLI does not import Dash pages.
REPORTS: dict[str, str] = {
    "overview": "clientscope.reports.overview:workbook",
}


def report_pages() -> tuple[str, ...]:
    return tuple(REPORTS)


def builder(page: str) -> Callable[[ReportRequest], WorkbookSpec]:
    if page not in REPORTS:
        raise KeyError(page)
    module_name, _, func = REPORTS[page].partition(":")
    return getattr(importlib.import_module(module_name), func)
