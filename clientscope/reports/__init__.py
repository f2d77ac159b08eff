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
from typing import Final

from clientscope.export import WorkbookSpec
from clientscope.view_context import PageContext

# A report's customer lists hold their first rows (in the list's own order: riskiest, largest, ...) and say how
# long the list is; `clientscope export PAGE --list-rows all` writes them whole (docs/excel-export.md, decision 75).
REPORT_LIST_ROWS: Final = 5_000


@dataclass(frozen=True)
class ReportRequest:
    page: PageContext
    generated_at: datetime
    user: str | None = None
    list_rows: int | None = REPORT_LIST_ROWS  # None: every row (up to Excel's row limit)

    def __post_init__(self) -> None:
        if self.list_rows is not None and self.list_rows < 1:
            raise ValueError(f"list_rows must be at least 1 (or None for every row), not {self.list_rows}")


_NOT_PAGES = {"common", "export"}  # reports/common.py and the Excel builder (export/workbook.py) are not pages
_PACKAGE = Path(__file__).parent.parent


def _modules() -> dict[str, str]:
    """Page → the module defining its `workbook`: an analysis package's `clientscope/<page>/workbook.py`, or
    `clientscope/reports/<page>.py` for pages without a package of their own."""
    found = {p.parent.name: f"clientscope.{p.parent.name}.workbook" for p in _PACKAGE.glob("*/workbook.py")}
    # a page's own module here wins over a package's workbook.py (explore/workbook.py builds the pivot sheet that
    # reports/explore.py's workbook uses)
    found.update({p.stem: f"clientscope.reports.{p.stem}" for p in Path(__file__).parent.glob("*.py")})
    return {page: module for page, module in found.items() if not page.startswith("_") and page not in _NOT_PAGES}


def report_pages() -> tuple[str, ...]:
    """Pages with a workbook."""
    return tuple(sorted(_modules()))


def builder(page: str) -> Callable[[ReportRequest], WorkbookSpec]:
    modules = _modules()
    if page not in modules:
        raise KeyError(page)
    return importlib.import_module(modules[page]).workbook
