"""A clicked pivot cell → the shared customer list (clientscope/customer_list/) with the cell's filters.

The list is the customers on the book at the cell's month-end (the period's last month, or the last month of the
clicked period column), narrowed by the page's filters, the row's dimension values and the column's value — the
same drill-through every page uses, with masking, paging, links to the customer 360 page and its export."""

from __future__ import annotations

from dataclasses import dataclass

from clientscope.customer_list import LIST_DIMENSIONS, CustomerSegment
from clientscope.explore.options import CELL_SEP, TOTAL_KEY
from clientscope.explore.table import PivotTable
from clientscope.i18n import month_name, t
from clientscope.kpis import period_bounds
from clientscope.semantic.periods import GRAIN_MONTHS, add_months, month_label, month_start
from clientscope.view_context import PageContext


@dataclass(frozen=True)
class CellDrill:
    segment: CustomerSegment | None
    title: str = ""
    problem: str | None = None  # why the cell cannot be listed, in words


def cell_key(row_id: str, column_key: str) -> str:
    """The `p.cell` value of a clicked cell."""
    return f"{row_id}{CELL_SEP}{column_key}"


def cell_drill(pc: PageContext, table: PivotTable, cell: str) -> CellDrill:
    lang = pc.lang
    row_id, _, column_key = cell.partition(CELL_SEP)
    row = next((r for r in table.rows if r.id == row_id), None)
    column = next((c for c in table.columns if c.key == column_key), None)
    if row is None or column is None:
        return CellDrill(None, problem=t("explore.drill.bad_cell", lang, value=cell))
    filters = {dim: tuple(values) for dim, values in pc.metric_filters().items() if values}
    cell_values = dict(zip(table.request.rows, row.codes, strict=False))
    dim = table.request.column_dimension
    if dim is not None and column_key != TOTAL_KEY:
        cell_values[dim] = column_key or None
    for dimension, code in cell_values.items():
        if dimension not in LIST_DIMENSIONS or code is None:
            label = pc.model.dimension_label(dimension, lang)
            return CellDrill(None, problem=t("explore.drill.unavailable", lang, dimension=label))
        filters[dimension] = (code,)
    month = _month(pc, table, column_key)
    labels = pc.value_labels()
    words = [labels.get(d, {}).get(c, c) for d, c in cell_values.items() if c is not None]
    if table.request.column in GRAIN_MONTHS and column_key != TOTAL_KEY:
        words.append(column.label)
    title = t("explore.drill.title", lang, cell=" · ".join(words) or row.label, month=month_name(month, lang))
    return CellDrill(CustomerSegment(month=month, filters=filters), title)


def _month(pc: PageContext, table: PivotTable, column_key: str) -> str:
    """The month-end whose book is listed: the period's last month, or the clicked period column's."""
    _, end = period_bounds(pc)
    grain = table.request.column
    if grain in GRAIN_MONTHS and column_key != TOTAL_KEY:
        last = month_label(add_months(month_start(column_key), GRAIN_MONTHS[grain] - 1))
        return min(last, end) if end else last
    return end
