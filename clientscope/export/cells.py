"""Typed cells: number formats per column kind, styles, column widths and single-value writers (totals).

Numbers are written as numbers, dates as Excel dates, text with `write_string` so "00123" and
"=1+1" stay text. None, NaN and infinities become empty cells (Excel has no NaN).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from clientscope.export.spec import ColumnSpec

DEFAULT_FORMATS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "text": "@",
        "integer": "#,##0",
        "number": "#,##0.00",
        "currency": "¥#,##0.00",
        "percent": "0.0%",
        "date": "yyyy-mm-dd",
        "datetime": "yyyy-mm-dd hh:mm:ss",
    }
)
MIN_WIDTH: Final = 6.0
MAX_WIDTH: Final = 50.0
_PADDING: Final = 2.0

CellWriter = Callable[[Worksheet, int, int, object, Format | None], None]


class CellValueError(ValueError):
    """A value does not fit its column's kind (e.g. text in a currency column)."""


def number_format(column: ColumnSpec) -> str:
    return column.excel_format or DEFAULT_FORMATS[column.kind]


class Styles:
    """The workbook's cell formats, created once per format and reused (Excel caps distinct styles)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, object], ...], Format] = {}

    def get(self, **properties: object) -> Format:
        key = tuple(sorted(properties.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(dict(properties))
        return self._cache[key]

    @property
    def title(self) -> Format:
        return self.get(bold=True, font_size=14)

    @property
    def note(self) -> Format:
        return self.get(italic=True, font_color="#595959")

    @property
    def header(self) -> Format:
        return self.get(bold=True, bg_color="#DDE4EE", bottom=1, valign="top")

    @property
    def header_band(self) -> Format:
        return self.get(bold=True, bg_color="#DDE4EE", border=1, align="center", valign="vcenter", text_wrap=True)

    @property
    def section(self) -> Format:
        return self.get(bold=True, font_size=12)

    @property
    def bold(self) -> Format:
        return self.get(bold=True)

    @property
    def warning(self) -> Format:
        return self.get(bold=True, font_color="#C00000")

    @property
    def wrap(self) -> Format:
        return self.get(text_wrap=True, valign="top")

    def cell(self, num_format: str) -> Format:
        return self.get(num_format=num_format)

    def total(self, num_format: str) -> Format:
        return self.get(num_format=num_format, bold=True, top=1)


def checked(code: int, row: int, col: int) -> None:
    """Fail loudly if xlsxwriter refused a cell.

    -1 means outside the sheet or a row already flushed in constant_memory mode: a bug here, never
    data. (-2 from write_string only means text over Excel's 32,767 characters was cut, which is fine.)
    """
    if code == -1:
        raise RuntimeError(f"cell ({row}, {col}) could not be written")


def _write_number(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise CellValueError(f"expected a number, got {value!r}")
    number = float(value)
    if math.isfinite(number):
        checked(sheet.write_number(row, col, number, fmt), row, col)


def _write_temporal(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None) -> None:
    if value is None:
        return
    if not isinstance(value, date):  # a datetime is a date too
        raise CellValueError(f"expected a date or datetime, got {value!r}")
    checked(sheet.write_datetime(row, col, value, fmt), row, col)


def _write_text(sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None) -> None:
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if text:
        checked(sheet.write_string(row, col, text, fmt), row, col)


def value_writer(column: ColumnSpec) -> CellWriter:
    """A checked writer for single values of `column` (totals); table rows go through `prepare`."""
    if column.kind == "text":
        return _write_text
    if column.kind in ("date", "datetime"):
        return _write_temporal
    return _write_number


def display_width(text: str) -> int:
    """Width in Excel character units: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _value_width(column: ColumnSpec, value: object) -> int:
    # An estimate of the formatted value, not Excel's exact rendering: enough to size a column.
    if value is None:
        return 0
    if column.kind in ("date", "datetime"):
        return len(number_format(column).replace('"', ""))
    if column.kind == "text" or not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return display_width(str(value))
    number = float(value)
    if not math.isfinite(number):
        return 0
    if column.kind == "integer":
        return len(f"{number:,.0f}")
    if column.kind == "percent":
        return len(f"{number * 100:,.1f}%")
    return len(f"{number:,.2f}") + (1 if column.kind == "currency" else 0)


def column_width(column: ColumnSpec, sample: Iterable[object]) -> float:
    """The width of a column: the caller's, else the widest of label and sample, within bounds."""
    if column.width is not None:
        return column.width
    widest = max((_value_width(column, value) for value in sample), default=0)
    # Headers are bold, which renders about 10% wider.
    widest = max(widest, math.ceil(display_width(column.label) * 1.1))
    return min(MAX_WIDTH, max(MIN_WIDTH, widest + _PADDING))


_EXCEL_EPOCH: Final = datetime(1899, 12, 31)
_FICTIONAL_LEAP_DAY: Final = 60  # Excel's 1900-02-29, kept for Lotus 1-2-3 compatibility


def excel_serial(value: date) -> float:
    """The Excel serial number of a date or datetime (1900 date system, wall-clock time)."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - _EXCEL_EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86_400
    return serial + 1 if serial >= _FICTIONAL_LEAP_DAY else serial
