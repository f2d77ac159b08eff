"""The typed description of a workbook that pages and the CLI fill in.

A page never touches xlsxwriter: it describes what to export (columns and their kinds, rows as
polars frames, a total row computed by the database, a chart, the filters applied) and hands the
spec to `write_workbook` / `workbook_bytes`. Mistakes a caller can make in code (an unknown chart
column, a total for a column that does not exist) fail when the spec is built, not in a half
written file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Final, Literal, get_args

import polars as pl

ColumnKind = Literal["text", "integer", "number", "currency", "percent", "date", "datetime"]
ChartKind = Literal["bar", "column", "line", "pie", "stacked_column", "area"]
PersonalKind = Literal["auto", "name", "phone", "id_number"]
Language = Literal["zh_CN", "en"]

COLUMN_KINDS: Final = frozenset(get_args(ColumnKind))
NUMERIC_KINDS: Final = frozenset({"integer", "number", "currency", "percent"})
CHART_KINDS: Final = frozenset(get_args(ChartKind))
PERSONAL_KINDS: Final = frozenset(get_args(PersonalKind))
LANGUAGES: Final = frozenset(get_args(Language))


class ExportError(RuntimeError):
    """The workbook could not be written; the message is safe to show to a user."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a data sheet.

    `excel_format` overrides the default number format of the kind (see `cells.DEFAULT_FORMATS`).
    `personal` columns are masked unless the workbook allows personal data; `personal_kind` says
    which rule applies ("auto" recognises ID numbers and phone numbers and treats the rest as names).
    """

    key: str
    label: str
    kind: ColumnKind
    excel_format: str | None = None
    width: float | None = None
    personal: bool = False
    personal_kind: PersonalKind = "auto"
    good_direction: Literal["up", "down"] | None = None  # a change column: positive green (up) or red (down)

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a column needs a key")
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r} (use one of {sorted(COLUMN_KINDS)})")
        if self.personal_kind not in PERSONAL_KINDS:
            raise ValueError(f"column {self.key!r}: unknown personal_kind {self.personal_kind!r}")
        # A masked value is text ("张**"), so a personal column cannot be numeric or a date.
        if self.personal and self.kind != "text":
            raise ValueError(f"column {self.key!r}: a personal column must be of kind 'text', not {self.kind!r}")
        if self.width is not None and not 0 < self.width <= 255:
            raise ValueError(f"column {self.key!r}: width must be between 0 and 255, not {self.width}")


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart over the sheet's own cells, placed to the right of the table."""

    kind: ChartKind
    title: str
    category_column: str
    value_columns: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r} (use one of {sorted(CHART_KINDS)})")
        object.__setattr__(self, "value_columns", tuple(self.value_columns))
        if not self.value_columns:
            raise ValueError(f"chart {self.title!r}: needs at least one value column")
        if self.kind == "pie" and len(self.value_columns) != 1:
            raise ValueError(f"chart {self.title!r}: a pie chart shows exactly one value column")


@dataclass(frozen=True)
class TotalRow:
    """The total line under a table, computed by the database and written as given.

    The builder never sums a column: a ratio's total is sum(numerator) / sum(denominator), which
    only the query can know. `label` None means the builder's own word ("合计" / "Total").
    """

    label: str | None
    values: Mapping[str, object]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))


@dataclass(frozen=True)
class HeaderSpan:
    """One merged cell of a header band: `label` over the columns `first` .. `last` (column keys)."""

    label: str
    first: str
    last: str


@dataclass(frozen=True)
class Outline:
    """Excel's row outline (collapsible groups): the rows' frame column `column` (not a sheet column) holds each
    row's outline level, 0 for the grand total up to `detail_level` for the detail rows; rows above the detail
    level (subtotals, total) are bold, and each summary row sits below its group."""

    column: str
    detail_level: int

    def __post_init__(self) -> None:
        if not 0 < self.detail_level <= 7:
            raise ValueError(f"outline detail_level must be between 1 and 7 (Excel's outline), not {self.detail_level}")


Rows = pl.DataFrame | Iterable[pl.DataFrame]


@dataclass(frozen=True, eq=False)
class SheetSpec:
    """One data sheet: a title line, an optional note line, the table, its total and a chart.

    `rows` is one polars frame or an iterable of frames (batches streamed from a drill query).
    A generator can be consumed once only: pass a frame or a list to write the same spec twice.
    Frame columns not named in `columns` are ignored.
    """

    name: str
    title: str
    columns: tuple[ColumnSpec, ...]
    rows: Rows
    total: TotalRow | None = None
    chart: ChartSpec | None = None
    note: str | None = None
    # Header bands above the column headers (a pivot's column values, then its metrics), top band first; a column
    # no band covers has its header merged down through the bands.  Sheets with bands or an outline are small
    # (a pivot) and are written without xlsxwriter's constant_memory mode, which cannot merge across rows.
    bands: tuple[tuple[HeaderSpan, ...], ...] = ()
    outline: Outline | None = None
    # When `rows` is the first part of a longer list (a report's customer list cut at its row cap): the list's
    # full length. A sheet holding fewer rows says so under the table and on the cover.
    of_rows: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "bands", tuple(tuple(band) for band in self.bands))
        if not self.columns:
            raise ValueError(f"sheet {self.name!r}: needs at least one column")
        if isinstance(self.rows, str | bytes) or not isinstance(self.rows, pl.DataFrame | Iterable):
            raise ValueError(f"sheet {self.name!r}: rows must be a polars DataFrame or an iterable of DataFrames")
        keys = [column.key for column in self.columns]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"sheet {self.name!r}: duplicate column keys {duplicates}")
        if self.of_rows is not None and self.of_rows < 0:
            raise ValueError(f"sheet {self.name!r}: of_rows must be the list's length (>= 0), not {self.of_rows}")
        if self.total is not None:
            _check_total(self.name, self.columns, self.total)
        if self.chart is not None:
            _check_chart(self.name, self.columns, self.chart)
        _check_bands(self.name, keys, self.bands)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)


def _check_total(sheet: str, columns: tuple[ColumnSpec, ...], total: TotalRow) -> None:
    by_key = {column.key: column for column in columns}
    unknown = sorted(set(total.values) - set(by_key))
    if unknown:
        raise ValueError(f"sheet {sheet!r}: the total row names unknown columns {unknown}")
    first = columns[0].key
    if first in total.values:
        raise ValueError(f"sheet {sheet!r}: the total row's label goes in the first column {first!r}; give no value")
    personal = sorted(key for key in total.values if by_key[key].personal)
    if personal:
        raise ValueError(f"sheet {sheet!r}: the total row cannot carry personal columns {personal}")


def _check_bands(sheet: str, keys: list[str], bands: tuple[tuple[HeaderSpan, ...], ...]) -> None:
    for band in bands:
        taken: set[int] = set()
        for span in band:
            if span.first not in keys or span.last not in keys:
                raise ValueError(f"sheet {sheet!r}: header span {span.label!r} names an unknown column")
            cols = set(range(keys.index(span.first), keys.index(span.last) + 1))
            if not cols or cols & taken:
                raise ValueError(f"sheet {sheet!r}: header span {span.label!r} is empty or overlaps another")
            taken |= cols


def _check_chart(sheet: str, columns: tuple[ColumnSpec, ...], chart: ChartSpec) -> None:
    by_key = {column.key: column for column in columns}
    for key in (chart.category_column, *chart.value_columns):
        if key not in by_key:
            raise ValueError(f"sheet {sheet!r}: chart {chart.title!r} names unknown column {key!r}")
    for key in chart.value_columns:
        if by_key[key].kind not in NUMERIC_KINDS:
            raise ValueError(f"sheet {sheet!r}: chart value column {key!r} must be numeric, not {by_key[key].kind!r}")


@dataclass(frozen=True)
class MetricDefinition:
    """One line of the definitions sheet, taken from metrics.yaml by the caller."""

    name: str
    label: str
    description: str
    formula: str
    owner: str
    format: str


@dataclass(frozen=True, eq=False)
class WorkbookSpec:
    """Everything one export contains. `generated_at` is passed in so the builder never reads the clock."""

    title: str
    page: str
    language: Language
    filters: tuple[tuple[str, str], ...]
    data_as_of: date | None
    generated_at: datetime
    user: str | None
    sheets: tuple[SheetSpec, ...]
    definitions: tuple[MetricDefinition, ...]
    can_see_personal: bool = False

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r} (use one of {sorted(LANGUAGES)})")
        if not isinstance(self.generated_at, datetime):
            raise ValueError("generated_at must be a datetime")
        object.__setattr__(self, "filters", tuple((str(label), str(value)) for label, value in self.filters))
        object.__setattr__(self, "sheets", tuple(self.sheets))
        object.__setattr__(self, "definitions", tuple(self.definitions))
