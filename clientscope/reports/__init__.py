"""One workbook builder per page, shared by the page's Export button and `clientscope export PAGE`.

Each builder takes a `ReportRequest` and returns a `WorkbookSpec`; the same request gives the same
sheets whichever way it arrives.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clientscope.components.page import PageContext
from clientscope.export import WorkbookSpec


@dataclass(frozen=True)
class ReportRequest:
    page: PageContext
    generated_at: datetime
    user: str | None = None


_NOT_PAGES = {"common"}
# Pages whose analysis is a package holding its own workbook module (issue 21).
_PACKAGED: dict[str, str] = {"lifecycle": "clientscope.lifecycle.workbook"}


def report_pages() -> tuple[str, ...]:
    """Pages with a workbook: every module `clientscope/reports/<page>.py` that defines `workbook`."""
    folder = Path(__file__).parent
    own = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_") and p.stem not in _NOT_PAGES}
    return tuple(sorted(own | _PACKAGED.keys()))


def builder(page: str) -> Callable[[ReportRequest], WorkbookSpec]:
    if page not in report_pages():
        raise KeyError(page)
    return importlib.import_module(_PACKAGED.get(page, f"clientscope.reports.{page}")).workbook
