"""Native Excel charts that reference the table's own cells, so they follow edits in Excel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook

from clientscope.export.cells import excel_serial, number_format
from clientscope.export.spec import ChartSpec, ColumnSpec

_XLSX_TYPES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "bar": MappingProxyType({"type": "bar"}),
        "column": MappingProxyType({"type": "column"}),
        "line": MappingProxyType({"type": "line"}),
        "pie": MappingProxyType({"type": "pie"}),
        "stacked_column": MappingProxyType({"type": "column", "subtype": "stacked"}),
        "area": MappingProxyType({"type": "area"}),
    }
)
# Charts over at most this many rows carry a copy of their data (see ChartCache).
CHART_CACHE_ROWS: Final = 1_000
# About 720 x 430 pixels: readable next to a table without covering it.
CHART_SCALE: Final = MappingProxyType({"x_scale": 1.5, "y_scale": 1.5})


@dataclass(frozen=True)
class TableRange:
    """Where a table sits on its sheet (zero-based rows), for the chart's references."""

    sheet_name: str
    header_row: int
    first_row: int
    last_row: int


class ChartCache:
    """A copy of the values a chart shows, kept while the table is small.

    xlsxwriter normally copies a chart's cells into the chart ("cached data"), which PowerPoint,
    previewers and some readers need, and which tells text categories from numbers. In
    constant_memory mode it cannot read the cells back, so the builder keeps the cell-ready values
    itself while streaming, up to CHART_CACHE_ROWS rows; a larger chart is left for Excel to fill
    when the file is opened.
    """

    def __init__(self, spec: ChartSpec, columns: tuple[ColumnSpec, ...]) -> None:
        by_key = {column.key: column for column in columns}
        self._keys = (spec.category_column, *spec.value_columns)
        self._temporal = {key for key in self._keys if by_key[key].kind in ("date", "datetime")}
        self._values: dict[str, list[object]] | None = {key: [] for key in self._keys}
        self._rows = 0

    def add(self, values: Mapping[str, list[object]], height: int) -> None:
        """Keep a chunk's cell-ready values (text already masked, numbers finite or None)."""
        if self._values is None:
            return
        self._rows += height
        if self._rows > CHART_CACHE_ROWS:
            self._values = None  # too many to copy; stop holding them
            return
        for key in self._keys:
            if key in self._temporal:
                # The cache holds what the cells hold: Excel serial numbers for dates.
                self._values[key].extend(None if value is None else excel_serial(value) for value in values[key])
            else:
                self._values[key].extend(values[key])

    def series_data(self, key: str) -> list[object] | None:
        return None if self._values is None else self._values[key]


def build_chart(
    workbook: Workbook,
    spec: ChartSpec,
    columns: tuple[ColumnSpec, ...],
    table: TableRange,
    cache: ChartCache | None = None,
) -> Chart:
    """A chart with one series per value column over the table's rows (the total row excluded)."""
    chart = workbook.add_chart(dict(_XLSX_TYPES[spec.kind]))
    if chart is None:  # xlsxwriter warns and returns None for an unknown type; spec validation prevents it
        raise RuntimeError(f"xlsxwriter cannot make a {spec.kind!r} chart")
    position = {column.key: index for index, column in enumerate(columns)}
    by_key = {column.key: column for column in columns}
    category = position[spec.category_column]
    for key in spec.value_columns:
        col = position[key]
        series: dict[str, object] = {
            "name": [table.sheet_name, table.header_row, col],
            "categories": [table.sheet_name, table.first_row, category, table.last_row, category],
            "values": [table.sheet_name, table.first_row, col, table.last_row, col],
        }
        if cache is not None and cache.series_data(key) is not None:
            # The *_data options are xlsxwriter's way to supply the cached data it would read itself.
            series["name_data"] = [by_key[key].label]
            series["categories_data"] = cache.series_data(spec.category_column)
            series["values_data"] = cache.series_data(key)
        chart.add_series(series)
    chart.set_title({"name": spec.title})
    value_format = number_format(by_key[spec.value_columns[0]])
    if spec.kind == "pie":
        chart.set_legend({"position": "right"})
        return chart
    chart.set_legend({"position": "bottom"} if len(spec.value_columns) > 1 else {"none": True})
    category_axis: dict[str, object] = {}
    if by_key[spec.category_column].kind in ("date", "datetime"):
        category_axis["num_format"] = number_format(by_key[spec.category_column])
    # A bar chart is a column chart turned sideways: its category axis is the vertical one.
    if spec.kind == "bar":
        chart.set_x_axis({"num_format": value_format})
        chart.set_y_axis(category_axis)
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis({"num_format": value_format})
    return chart
