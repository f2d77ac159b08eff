"""One customer-list engine for every drill list: an AG Grid paged and sorted on the server.

A page shows a list with

    from clientscope.customer_list import CustomerSegment, customer_list
    customer_list(pc, CustomerSegment(month="2026-09", filters=pc.metric_filters()), name="segments", back="segments")

- `source.py`: `ListSource` (a SQL query in queries/ or a `fetch` hook, columns, sorts, display hooks),
  `register_source` (the owning package registers its lists: segments "migration"/"potential", churn
  "churn_actions"/"churn_rm", campaigns "campaign_customers", lifecycle "lifecycle_drill"), `CustomerSegment`
  (which customers; travels through the browser, validated by `from_dict`), `list_frame` (one page + the size).
- `display.py`: rows as shown (link to `/customers/<id>?<view>&p.back=<page>`, masking through
  `clientscope.access.masking.mask_frame`, code labels, money) and the default AG Grid columns.
- `grid.py`: the `customer_list` component and the one MATCH callback serving every list's rows.
- `sheet.py`: a query source's list as an Excel sheet.

The names below are imported when first used (PEP 562): the Excel builders and the build step read lists
without importing the grid (dash-ag-grid, and with it Dash, about half a second of a command line's start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientscope.lazy_names import lazy_getattr

if TYPE_CHECKING:
    from clientscope.customer_list.display import (
        CODE_COLUMNS,
        COUNT_COLUMNS,
        MONEY_COLUMNS,
        PERCENT_COLUMNS,
        code_label,
        column_defs,
        column_header,
        customer_href,
        display_rows,
        id_column,
        link_query,
        markdown_link,
    )
    from clientscope.customer_list.grid import (
        COUNT,
        GRID,
        SCROLL,
        STORE,
        GridLook,
        answer,
        customer_list,
        list_ids,
        on_get_rows,
        rows_response,
    )
    from clientscope.customer_list.sheet import list_sheet
    from clientscope.customer_list.source import (
        EXPORT_LIMIT,
        LIST_DIMENSIONS,
        NO_TAG,
        PAGE_SIZE,
        Cell,
        CustomerSegment,
        Fetch,
        ListSource,
        Sort,
        bind,
        customer_filters,
        ignored_filters,
        list_frame,
        list_source,
        page_of,
        register_source,
        sort_from_model,
    )

_MODULES = {
    "clientscope.customer_list.display": (
        "CODE_COLUMNS",
        "COUNT_COLUMNS",
        "MONEY_COLUMNS",
        "PERCENT_COLUMNS",
        "code_label",
        "column_defs",
        "column_header",
        "customer_href",
        "display_rows",
        "id_column",
        "link_query",
        "markdown_link",
    ),
    "clientscope.customer_list.grid": (
        "COUNT",
        "GRID",
        "SCROLL",
        "STORE",
        "GridLook",
        "answer",
        "customer_list",
        "list_ids",
        "on_get_rows",
        "rows_response",
    ),
    "clientscope.customer_list.sheet": ("list_sheet",),
    "clientscope.customer_list.source": (
        "EXPORT_LIMIT",
        "LIST_DIMENSIONS",
        "NO_TAG",
        "PAGE_SIZE",
        "Cell",
        "CustomerSegment",
        "Fetch",
        "ListSource",
        "Sort",
        "bind",
        "customer_filters",
        "ignored_filters",
        "list_frame",
        "list_source",
        "page_of",
        "register_source",
        "sort_from_model",
    ),
}


__getattr__ = lazy_getattr(__name__, _MODULES)


__all__ = [
    "CODE_COLUMNS",
    "COUNT",
    "COUNT_COLUMNS",
    "EXPORT_LIMIT",
    "GRID",
    "LIST_DIMENSIONS",
    "MONEY_COLUMNS",
    "NO_TAG",
    "PAGE_SIZE",
    "PERCENT_COLUMNS",
    "SCROLL",
    "STORE",
    "Cell",
    "CustomerSegment",
    "Fetch",
    "GridLook",
    "ListSource",
    "Sort",
    "answer",
    "bind",
    "code_label",
    "column_defs",
    "column_header",
    "customer_filters",
    "customer_href",
    "customer_list",
    "display_rows",
    "id_column",
    "ignored_filters",
    "link_query",
    "list_frame",
    "list_ids",
    "list_sheet",
    "list_source",
    "markdown_link",
    "on_get_rows",
    "page_of",
    "register_source",
    "rows_response",
    "sort_from_model",
]
