"""The lifecycle page's customer list as a source of the customer-list engine (clientscope/customer_list/):
"lifecycle_drill", the customers behind the page's current drill target (`p.list`, `drill.drill_list`), with the
page's columns, labels and number formats."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from clientscope.customer_list import Cell, CustomerSegment, ListSource, Sort, id_column, page_of, register_source
from clientscope.lifecycle.drill import (
    CELL_LIST_COLUMNS,
    COHORT_LIST_COLUMNS,
    FLOW_LIST_COLUMNS,
    MIX_LIST_FIELDS,
    drill_list,
    list_columns_of,
)
from clientscope.lifecycle.labels import list_header, list_value_labels
from clientscope.lifecycle.view import lifecycle_view
from clientscope.view_context import PageContext

SOURCE = "lifecycle_drill"
ALL_COLUMNS = frozenset((*COHORT_LIST_COLUMNS, *CELL_LIST_COLUMNS, *FLOW_LIST_COLUMNS, *MIX_LIST_FIELDS))
NUMERIC = {"latest_aum", "aum_at", "aum_a", "aum_b", "aum_total"}
INTEGERS = {"days_to_activate", "txn_count"}


def _fetch(
    pc: PageContext, segment: CustomerSegment, offset: int, limit: int, sort: Sort | None
) -> tuple[pl.DataFrame, int]:
    """One block of the drill list of the view the list was drawn from, sorted as asked (stable)."""
    del segment  # the view's drill target (`p.list`) and filters define the list
    rows = drill_list(pc, lifecycle_view(pc)).rows
    return page_of(rows, offset, limit, sort, tie=None), rows.height


def cells(pc: PageContext) -> Mapping[str, Cell]:
    """Coded columns in words (stages, tiers, channels, branch and RM names), dates as ISO days, amounts raw (the
    grid formats them)."""
    labels = list_value_labels(pc)

    def cell(column: str) -> Cell:
        mapping = labels.get(column) or {}

        def shown(row: Mapping[str, Any]) -> Any:
            value = row.get(column)
            if isinstance(value, date):
                return value.strftime("%Y-%m-%d")
            return mapping.get(str(value), str(value)) if mapping and value is not None else value

        return shown

    return {column: cell(column) for column in ALL_COLUMNS if column != "customer_id"}


def grid_columns(pc: PageContext) -> list[dict[str, Any]]:
    view = lifecycle_view(pc)
    defs = []
    for column in list_columns_of(view.target):
        header = list_header(pc, view, column)
        item: dict[str, Any] = {"field": column, "headerName": header}
        if column == "customer_id":
            item = id_column(header)
        elif column in NUMERIC:
            item.update(
                type="rightAligned",
                valueFormatter={"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"},
            )
        elif column in INTEGERS:
            item.update(type="rightAligned")
        defs.append(item)
    return defs


register_source(
    SOURCE,
    ListSource(
        columns=(),  # the drill target's columns (the frame's)
        sort_keys=ALL_COLUMNS,
        fetch=_fetch,
        default_sort=None,  # the list's own order (e.g. active first, then by AUM, for a retention cell)
        personal=(),
        page="lifecycle",
        cells=cells,
        grid_columns=grid_columns,
    ),
)
