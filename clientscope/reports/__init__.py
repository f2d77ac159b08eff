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
# Pages whose analysis has its own package: the workbook is that package's `workbook` module.
PACKAGE_WORKBOOKS: dict[str, str] = {
    "segments": "clientscope.segments.workbook",
    "overview": "clientscope.overview.workbook",
}


def report_pages() -> tuple[str, ...]:
    """Pages with a workbook: every module `clientscope/reports/<page>.py` that defines `workbook`, and the
    analysis packages' `workbook` modules."""
    folder = Path(__file__).parent
    here = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_") and p.stem not in _NOT_PAGES}
    return tuple(sorted(here | PACKAGE_WORKBOOKS.keys()))


def builder(page: str) -> Callable[[ReportRequest], WorkbookSpec]:
    if page not in report_pages():
        raise KeyError(page)
    return importlib.import_module(PACKAGE_WORKBOOKS.get(page, f"clientscope.reports.{page}")).workbook
