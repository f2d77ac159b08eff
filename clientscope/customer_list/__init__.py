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

_HOMES = {
    "CODE_COLUMNS": "clientscope.customer_list.display",
    "COUNT_COLUMNS": "clientscope.customer_list.display",
    "MONEY_COLUMNS": "clientscope.customer_list.display",
    "PERCENT_COLUMNS": "clientscope.customer_list.display",
    "code_label": "clientscope.customer_list.display",
    "column_defs": "clientscope.customer_list.display",
    "column_header": "clientscope.customer_list.display",
    "customer_href": "clientscope.customer_list.display",
    "display_rows": "clientscope.customer_list.display",
    "id_column": "clientscope.customer_list.display",
    "link_query": "clientscope.customer_list.display",
    "markdown_link": "clientscope.customer_list.display",
    "COUNT": "clientscope.customer_list.grid",
    "GRID": "clientscope.customer_list.grid",
    "SCROLL": "clientscope.customer_list.grid",
    "STORE": "clientscope.customer_list.grid",
    "GridLook": "clientscope.customer_list.grid",
    "answer": "clientscope.customer_list.grid",
    "customer_list": "clientscope.customer_list.grid",
    "list_ids": "clientscope.customer_list.grid",
    "on_get_rows": "clientscope.customer_list.grid",
    "rows_response": "clientscope.customer_list.grid",
    "list_sheet": "clientscope.customer_list.sheet",
    "EXPORT_LIMIT": "clientscope.customer_list.source",
    "LIST_DIMENSIONS": "clientscope.customer_list.source",
    "NO_TAG": "clientscope.customer_list.source",
    "PAGE_SIZE": "clientscope.customer_list.source",
    "Cell": "clientscope.customer_list.source",
    "CustomerSegment": "clientscope.customer_list.source",
    "Fetch": "clientscope.customer_list.source",
    "ListSource": "clientscope.customer_list.source",
    "Sort": "clientscope.customer_list.source",
    "bind": "clientscope.customer_list.source",
    "customer_filters": "clientscope.customer_list.source",
    "ignored_filters": "clientscope.customer_list.source",
    "list_frame": "clientscope.customer_list.source",
    "list_source": "clientscope.customer_list.source",
    "page_of": "clientscope.customer_list.source",
    "register_source": "clientscope.customer_list.source",
    "sort_from_model": "clientscope.customer_list.source",
}


__getattr__ = lazy_getattr(__name__, _HOMES)


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
