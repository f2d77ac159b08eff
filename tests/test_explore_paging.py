"""The explore grid paged on the server (clientscope/explore/paging.py) on the demo bank: the blocks put together
are the whole pivot as `row_data` lays it out, the row count is the number of groups an independent DuckDB query
finds, a block past the end is empty, and the row cap's warning reads word for word in both languages."""

from __future__ import annotations

import pytest

from clientscope.db import FULL_SCOPE
from clientscope.explore.controls import Ids
from clientscope.explore.grid import PAGE_SIZE, row_data
from clientscope.explore.paging import (
    GRID_ROW_CAP,
    MAX_BLOCK,
    grid_block,
    page_pivot,
    pivot_grid,
    row_cap_notice,
    rows_block,
)
from clientscope.explore.report import explore
from clientscope.explore.table import ROW_CAP
from clientscope.state import parse_query
from clientscope.view_context import build_page_context

THREE_LEVELS = "p.m=aum_total,customers&p.rows=region,branch,rm&p.col=tier&compare=yoy&p.show=change,pct"


@pytest.fixture(scope="module")
def end_month(demo_db) -> str:
    db, _ = demo_db
    return db.con.sql("select strftime(max(month), '%Y-%m') from customer_month_facts").fetchall()[0][0]


def context(demo_db, demo_data, query: str):
    db, model = demo_db
    return build_page_context(db, model, demo_data, parse_query(query), FULL_SCOPE)


def find(component, component_id: str):
    """The component with `component_id` in a Dash layout tree (None when absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str) and (hit := find(child, component_id)) is not None:
            return hit
    return None


def test_blocks_put_together_are_the_whole_pivot_in_order(demo_db, demo_data, end_month) -> None:
    pc = context(demo_db, demo_data, f"{THREE_LEVELS}&start={end_month}&end={end_month}")
    table = explore(pc, GRID_ROW_CAP).table
    full = row_data(table, pc.model, pc.lang)  # every row at once, as the page sent them before paging
    body, total = full[:-1], full[-1]
    assert total["_depth"] == 0 and total["label"] == "合计"  # pinned at the bottom, never in a block

    # the groups an independent query finds at the month-end: regions, branches and RMs (subtotal rows included)
    db, _ = demo_db
    groups = db.con.sql(
        """select count(distinct region) + count(distinct (region, branch_id)) + count(distinct (region, branch_id,
           rm_id)) from customer_month_facts where strftime(month, '%Y-%m') = $m""",
        params={"m": end_month},
    ).fetchall()[0][0]
    assert len(body) == groups > 2 * PAGE_SIZE  # three pages at least

    blocks = [
        grid_block(pc, {"startRow": start, "endRow": start + PAGE_SIZE})
        for start in range(0, len(body) + PAGE_SIZE, PAGE_SIZE)
    ]
    assert all(b["rowCount"] == len(body) for b in blocks)
    assert [r for b in blocks for r in b["rowData"]] == body
    assert [len(b["rowData"]) for b in blocks] == [PAGE_SIZE] * (len(body) // PAGE_SIZE) + [len(body) % PAGE_SIZE, 0]
    # subtotals stay in their places: the region's after its last branch's, which is after that branch's last RM
    region = next(i for i, r in enumerate(body) if r["_depth"] == 1)
    branch, rm = body[region - 1], body[region - 2]
    assert [rm["_depth"], branch["_depth"]] == [3, 2]
    assert rm["_id"].startswith(branch["_id"] + "/") and branch["_id"].startswith(body[region]["_id"] + "/")


def test_a_block_past_the_end_is_empty_with_the_row_count(demo_db, demo_data, end_month) -> None:
    pc = context(demo_db, demo_data, f"{THREE_LEVELS}&end={end_month}")
    rows = len(explore(pc, GRID_ROW_CAP).table.rows) - 1
    assert grid_block(pc, {"startRow": rows, "endRow": rows + PAGE_SIZE}) == {"rowData": [], "rowCount": rows}
    assert grid_block(pc, {"startRow": 10_000, "endRow": 10_100}) == {"rowData": [], "rowCount": rows}


def test_malformed_block_bounds_fall_back_to_a_bounded_first_block(demo_db, demo_data, end_month) -> None:
    pc = context(demo_db, demo_data, f"{THREE_LEVELS}&end={end_month}")
    table = explore(pc, GRID_ROW_CAP).table
    body = row_data(table, pc.model, pc.lang)[:-1]
    assert rows_block(table, pc.model, pc.lang, {"startRow": "x", "endRow": None})["rowData"] == body[:PAGE_SIZE]
    assert rows_block(table, pc.model, pc.lang, {"startRow": -5, "endRow": 3})["rowData"] == body[:3]
    huge = rows_block(table, pc.model, pc.lang, {"startRow": 0, "endRow": float("inf")})
    assert huge["rowData"] == body[:PAGE_SIZE]
    everything = rows_block(table, pc.model, pc.lang, {"startRow": 0, "endRow": 10**9})
    assert len(everything["rowData"]) == min(MAX_BLOCK, len(body))  # one request never takes the whole pivot


def test_without_row_dimensions_the_grid_pages_nothing_and_pins_the_total(demo_db, demo_data) -> None:
    pc = context(demo_db, demo_data, "p.m=aum_total&p.rows=-")
    table = explore(pc, GRID_ROW_CAP).table
    assert [r.depth for r in table.rows] == [0]
    assert grid_block(pc, {"startRow": 0, "endRow": PAGE_SIZE}) == {"rowData": [], "rowCount": 0}
    pinned = find(pivot_grid(pc, table), Ids.GRID).dashGridOptions["pinnedBottomRowData"]
    assert pinned == row_data(table, pc.model, pc.lang)


def test_the_grid_caps_rows_with_a_warning_in_both_languages(demo_db, demo_data, end_month) -> None:
    query = f"{THREE_LEVELS}&end={end_month}"
    pc = context(demo_db, demo_data, query)
    uncapped = explore(pc, GRID_ROW_CAP).table
    assert not uncapped.capped_rows and row_cap_notice(uncapped, "zh_CN") is None
    assert find(pivot_grid(pc, uncapped), "explore-row-cap") is None
    rows = len(uncapped.rows)

    capped = explore(pc, 50).table
    assert capped.capped_rows and capped.all_rows == rows and len(capped.rows) == 50
    assert capped.rows[:49] == uncapped.rows[:49] and capped.rows[-1] == uncapped.rows[-1]  # the total is kept
    zh = (
        f"该报表共 {rows:,} 行，超过表格上限 50 行：仅显示前 50 行（合计保留），导出的 Excel 包含前 2,000 行。"
        "请增加筛选条件（如区域、网点）、减少行维度，或使用“每组前 N 名”缩小结果。"
    )
    assert row_cap_notice(capped, "zh_CN") == zh
    assert find(pivot_grid(pc, capped), "explore-row-cap").children == zh
    en = (
        f"This report has {rows:,} rows, more than the table's limit of 50: the first 50 are shown (with the total) "
        "and the Excel export keeps the first 2,000. Narrow the filters (a region, a branch), use fewer row "
        "dimensions or a top N per group."
    )
    assert row_cap_notice(explore(context(demo_db, demo_data, query + "&lang=en"), 50).table, "en") == en
    assert grid_block(pc, {"startRow": 0, "endRow": 10})["rowCount"] == rows - 1  # the page's own cap: not hit


def test_the_grid_is_drawn_empty_with_its_count_and_the_pinned_total(demo_db, demo_data, end_month) -> None:
    pc = context(demo_db, demo_data, f"{THREE_LEVELS}&end={end_month}")
    result = page_pivot(pc)
    table = result.table
    assert table.row_cap == GRID_ROW_CAP and ROW_CAP < GRID_ROW_CAP
    full = row_data(table, pc.model, pc.lang)
    section = pivot_grid(pc, table)
    grid = find(section, Ids.GRID)
    assert grid.rowModelType == "infinite" and getattr(grid, "rowData", None) is None  # no rows in the page
    options = grid.dashGridOptions
    assert options["cacheBlockSize"] == options["paginationPageSize"] == PAGE_SIZE
    assert options["pinnedBottomRowData"] == full[-1:]
    assert (
        find(section, "explore-row-count").children
        == f"共 {len(full) - 1:,} 行（含小计），每页 100 行；合计固定在表格底部。"
    )
    assert find(section, Ids.COLUMN_KEYS).data["query"].startswith("?")
    # a chart keeps the workbook's cap, as before paging
    assert (
        page_pivot(context(demo_db, demo_data, f"{THREE_LEVELS}&end={end_month}&p.view=bar")).table.row_cap == ROW_CAP
    )
