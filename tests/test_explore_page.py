"""The explore page's library on the demo bank: options from the URL, the laid-out pivot, the drill to the
customer list, and the workbook (merged headers, outline levels, bold subtotals, frozen panes) read back with
openpyxl — numbers against independent DuckDB queries."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from clientscope.components.export_button import build_workbook_bytes
from clientscope.customer_list import list_frame
from clientscope.db import FULL_SCOPE
from clientscope.explore.drill import cell_drill, cell_key
from clientscope.explore.options import parse_options
from clientscope.explore.report import explore
from clientscope.explore.table import cell_field
from clientscope.state import Notice, parse_query
from clientscope.view_context import build_page_context

PIVOT = "p.m=aum_total,customers,churn_rate&p.rows=region,branch&p.col=tier&compare=mom&p.show=prior,change,pct"


@pytest.fixture(scope="module")
def end_month(demo_db) -> str:
    db, _ = demo_db
    return db.con.sql("select strftime(max(month), '%Y-%m') from customer_month_facts").fetchall()[0][0]


def context(demo_db, demo_data, query: str):
    db, model = demo_db
    return build_page_context(db, model, demo_data, parse_query(query), FULL_SCOPE)


def snapshot(demo_db, month: str, group: str) -> dict:
    db, _ = demo_db
    statement = f"""select {group} as k, sum(aum_total)::double as aum, count(distinct customer_id) as n
                    from customer_month_facts where strftime(month, '%Y-%m') = $m group by all"""
    return {row[0]: (row[1], row[2]) for row in db.con.sql(statement, params={"m": month}).fetchall()}


def test_unknown_options_are_dropped_with_notices(demo_db, demo_data) -> None:
    pc = context(demo_db, demo_data, "p.m=aum_total,aum_totl&p.rows=region,campaign&p.col=weekly&p.top=0")
    options, notices = parse_options(pc.state, pc.model)
    assert options.metrics == ("aum_total",) and options.rows == ("region",) and options.column is None
    assert notices == [
        Notice("p.m", "aum_totl", "unknown_value"),
        Notice("p.rows", "campaign", "unknown_value"),
        Notice("p.col", "weekly", "bad_choice"),
        Notice("p.top", "0", "bad_choice"),
    ]
    _, quarterly = parse_options(context(demo_db, demo_data, "p.col=quarter&p.show=change").state, pc.model)
    assert quarterly == [Notice("compare", "mom", "bad_choice")]  # a MoM of quarters compares nothing


def test_pivot_rows_subtotals_and_the_drilled_cell_match_the_marts(demo_db, demo_data, end_month) -> None:
    pc = context(demo_db, demo_data, f"{PIVOT}&start={end_month}&end={end_month}")
    table = explore(pc).table
    assert table is not None and [c.key for c in table.columns][-1] == "*"
    total_col = len(table.columns) - 1
    regions = snapshot(demo_db, end_month, "region")
    subtotals = {r.codes[0]: r for r in table.rows if r.depth == 1}
    assert set(subtotals) == set(regions)
    for region, (aum, customers) in regions.items():
        assert subtotals[region].values[cell_field(total_col, "aum_total", "value")] == pytest.approx(aum)
        assert subtotals[region].values[cell_field(total_col, "customers", "value")] == customers
    assert table.rows[-1].depth == 0 and table.rows[-1].label == "合计"
    # each region's branches come right before its subtotal
    first_subtotal = next(i for i, r in enumerate(table.rows) if r.depth == 1)
    assert all(r.depth == 2 and r.codes[0] == table.rows[first_subtotal].codes[0] for r in table.rows[:first_subtotal])

    branch_row, tier_index, tier = next(
        (r, i, c.key)
        for r in table.rows
        for i, c in enumerate(table.columns)
        if r.depth == 2 and c.key != "*" and r.values.get(cell_field(i, "customers", "value"))
    )
    drill = cell_drill(pc, table, cell_key(branch_row.id, tier))
    assert drill.segment is not None and drill.segment.month == end_month
    assert drill.segment.filters == {
        "region": (branch_row.codes[0],),
        "branch": (branch_row.codes[1],),
        "tier": (tier,),
    }
    _, listed = list_frame(pc, drill.segment, limit=1)
    assert listed == branch_row.values[cell_field(tier_index, "customers", "value")] > 0


def test_top_n_keeps_subtotals_over_every_row(demo_db, demo_data, end_month) -> None:
    pc = context(demo_db, demo_data, f"p.m=aum_total&p.rows=region,branch&p.sort=-aum_total&p.top=1&end={end_month}")
    table = explore(pc).table
    branches = snapshot(demo_db, end_month, "branch_id")
    field = cell_field(0, "aum_total", "value")
    for i, row in enumerate(table.rows):
        if row.depth == 1:
            kept = [r for r in table.rows[:i] if r.depth == 2 and r.codes[0] == row.codes[0]]
            assert len(kept) == 1  # the top branch of the region, then the region's subtotal over all its branches
            assert row.values[field] >= kept[0].values[field]
    assert max(r.values[field] for r in table.rows if r.depth == 2) == pytest.approx(
        max(a for a, _ in branches.values())
    )


def test_workbook_is_the_screen_with_merged_headers_and_outline(dash_app, demo_db, end_month) -> None:
    search = f"?{PIVOT}&start={end_month}&end={end_month}"
    with dash_app.server.test_request_context("/"):
        content, filename = build_workbook_bytes("explore", search, datetime(2026, 11, 23, 9, 30))
    assert filename.startswith("explore_")
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["自助分析"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A3:A5" in merged  # the row header spans the two bands and the header row
    tiers = [c for c in sheet[3][1:] if c.value]
    assert [c.value for c in tiers][-1] == "合计"
    assert all(f"{c.coordinate}:" in " ".join(merged) for c in tiers)  # each column value spans its metrics
    assert sheet["B4"].value == "管理资产规模（AUM）" and "B4:E4" in merged  # a metric spans its four columns
    assert [sheet.cell(5, c).value for c in range(2, 6)] == [
        "本期（元）",
        "环比基期（元）",
        "环比变化（元）",
        "环比增幅",
    ]
    assert sheet.freeze_panes == "B6"
    levels = {sheet.cell(r, 1).value: sheet.row_dimensions[r].outline_level for r in range(6, sheet.max_row + 1)}
    assert levels["合计"] == 0
    regions = snapshot(demo_db, end_month, "region")
    for region in regions:
        assert levels[f"{region} 小计"] == 1
    assert sum(1 for v in levels.values() if v == 2) == len(snapshot(demo_db, end_month, "branch_id"))
    total_row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(r, 1).value == "合计")
    assert sheet.cell(total_row, 1).font.b and not sheet.cell(6, 1).font.b
    total_aum_col = 2 + 12 * (len(tiers) - 1)  # the total column group's AUM value
    assert sheet.cell(total_row, total_aum_col).value == pytest.approx(sum(a for a, _ in regions.values()))
    definitions = [row[0] for row in book["指标定义"].iter_rows(min_row=4, values_only=True)]
    assert {"管理资产规模（AUM）", "流失率"} <= set(definitions)
    assert date.fromisoformat(end_month + "-01")  # the view's month was a real month


def test_controls_that_re_emit_their_values_keep_the_drilled_cell() -> None:
    from clientscope.explore.options import with_controls
    from clientscope.state import ViewState

    state = ViewState(options={"m": "aum_total", "rows": "region,branch", "cell": "华东区/B001|*"})
    same = {"metrics": ["aum_total"], "rows": ["region", "branch"], "column": "", "show": [], "sort": "label"}
    assert with_controls(state, **same, top=None, view="grid") is state
    changed = with_controls(state, **{**same, "metrics": ["aum_total", "customers"]}, top=5, view="heatmap")
    assert dict(changed.options) == {"m": "aum_total,customers", "rows": "region,branch", "top": "5", "view": "heatmap"}
    emptied = with_controls(state, **{**same, "rows": []}, top=None, view="grid")
    assert emptied.options["rows"] == "-"  # no row dimension, kept apart from "the default"


def test_chart_toggle_draws_the_same_cells(demo_db, demo_data, end_month) -> None:
    from clientscope.explore.figure import pivot_figure

    pc = context(demo_db, demo_data, f"p.m=customers&p.rows=region&p.col=tier&end={end_month}")
    table = explore(pc).table
    tiers = [c for c in table.columns if c.key != "*"]
    regions = [r for r in table.rows if r.depth == 1]
    heat = pivot_figure(table, "heatmap", "customers", "light")
    expected = [[r.values.get(cell_field(i, "customers", "value")) for i in range(len(tiers))] for r in regions]
    assert heat["data"][0]["z"] == expected
    assert heat["data"][0]["x"] == [c.label for c in tiers]
    bars = pivot_figure(table, "bar", "customers", "light")
    assert [trace["name"] for trace in bars["data"]] == [c.label for c in tiers]  # one series per column value
    lines = pivot_figure(table, "line", "customers", "light")
    assert [trace["name"] for trace in lines["data"]] == [r.label for r in regions]


def test_cli_export_takes_the_views_query_string(demo_data, tmp_path, end_month) -> None:
    from clientscope.cli import main

    out = tmp_path / "explore.xlsx"
    query = f"?p.m=aum_total,churn_rate&p.rows=region,branch&compare=yoy&p.show=change&end={end_month}&lang=en"
    assert main(["export", "explore", "--data", str(demo_data), "--out", str(out), "--query", query]) == 0
    sheet = openpyxl.load_workbook(out)["Explore"]
    assert sheet["A3"].value == "Region / Branch" and "A3:A4" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(3, c).value for c in (2, 4)] == ["Assets under management", "Churn rate"]
    assert [sheet.cell(4, c).value for c in range(2, 6)] == [
        "Value (CNY)",
        "Change (YoY) (CNY)",
        "Value",
        "Change (YoY)",
    ]
    assert sheet.cell(sheet.max_row, 1).value == "Total" and sheet.row_dimensions[sheet.max_row].outline_level == 0
