"""The Excel builder: reopen what it wrote with openpyxl and check names, types, formats, layout."""

from __future__ import annotations

import io
import os
import tempfile
import tracemalloc
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter.worksheet
from openpyxl.worksheet.worksheet import Worksheet

from clientscope.export import (
    ChartSpec,
    ColumnSpec,
    ExportError,
    HeaderSpan,
    MetricDefinition,
    SheetSpec,
    TotalRow,
    WorkbookSpec,
    export_filename,
    mask_value,
    safe_sheet_name,
    workbook_bytes,
    write_workbook,
)
from clientscope.export.labels import label_keys
from clientscope.export.masking import guess_personal_kind, mask_id_number, mask_name, mask_phone

GENERATED_AT = datetime(2026, 10, 2, 9, 30, 15)
COLUMNS = (
    ColumnSpec("segment", "客群", "text"),
    ColumnSpec("customers", "客户数", "integer"),
    ColumnSpec("aum", "管理资产", "currency"),
    ColumnSpec("conversion", "转化率", "percent"),
    ColumnSpec("score", "评分", "number", excel_format="0.000"),
    ColumnSpec("first_seen", "首次开户", "date"),
    ColumnSpec("last_touch", "最近触达", "datetime"),
)
SEGMENT_ROWS = pl.DataFrame(
    {
        "segment": ["00123", "私行", "财富"],
        "customers": [120, 3_400, 25_000],
        "aum": [1_234_567.89, 250_000.5, None],
        "conversion": [0.10, 0.20, 0.35],
        "score": [0.5, 1.25, 2.125],
        "first_seen": [date(2020, 1, 31), date(2021, 6, 30), None],
        "last_touch": [datetime(2026, 9, 1, 10, 0), None, datetime(2026, 9, 30, 23, 59, 59)],
        "unused": ["x", "y", "z"],
    }
)
# The database's total: conversion = sum(converted) / sum(customers) = 0.3333, not 0.10 + 0.20 + 0.35.
SEGMENT_TOTAL = TotalRow(None, {"customers": 28_520, "aum": 1_484_568.39, "conversion": 0.3333})
DEFINITIONS = (
    MetricDefinition(
        "aum", "管理资产", "客户在本行的全部资产余额", "sum(deposits + wealth + insurance)", "财富管理部", "¥"
    ),
    MetricDefinition(
        "conversion", "转化率", "转化客户占触达客户的比例", "sum(converted) / sum(touched)", "营销部", "%"
    ),
)
PEOPLE = pl.DataFrame(
    {
        "customer_id": ["C001", "C002", "C003"],
        "name": ["张三丰", "Alice Wong", None],
        "phone": ["13812345678", "139-0000-1111", "5551234"],
        "id_number": ["110101199003071234", "31010119851231001X", "12345"],
    }
)
PEOPLE_COLUMNS = (
    ColumnSpec("customer_id", "客户号", "text"),
    ColumnSpec("name", "姓名", "text", personal=True, personal_kind="name"),
    ColumnSpec("phone", "手机号", "text", personal=True),
    ColumnSpec("id_number", "证件号", "text", personal=True, personal_kind="id_number"),
)


def segment_sheet(**overrides: object) -> SheetSpec:
    fields: dict[str, object] = {
        "name": "客群结构",
        "title": "客群结构（2026年9月）",
        "columns": COLUMNS,
        "rows": SEGMENT_ROWS,
        "total": SEGMENT_TOTAL,
        "chart": ChartSpec("column", "各客群管理资产", "segment", ("aum",)),
        "note": "金额单位：元",
    }
    fields.update(overrides)
    return SheetSpec(**fields)  # type: ignore[arg-type]


def make_spec(*sheets: SheetSpec, **overrides: object) -> WorkbookSpec:
    fields: dict[str, object] = {
        "title": "客群结构",
        "page": "segments",
        "language": "zh_CN",
        "filters": (("地区", "华东"), ("月份", "2026-09"), ("客群（交叉筛选）", "私行")),
        "data_as_of": date(2026, 9, 30),
        "generated_at": GENERATED_AT,
        "user": "wang.li",
        "sheets": sheets or (segment_sheet(),),
        "definitions": DEFINITIONS,
    }
    fields.update(overrides)
    return WorkbookSpec(**fields)  # type: ignore[arg-type]


def reopen(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def row_values(sheet: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in sheet[row]]


def two_column_facts(sheet: Worksheet) -> dict[object, object]:
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0] is not None}


@pytest.fixture
def segments_book(tmp_path: Path) -> openpyxl.Workbook:
    return reopen(write_workbook(make_spec(), tmp_path / "segments.xlsx"))


# --- names -------------------------------------------------------------------------------------


def test_safe_sheet_name_cuts_long_chinese_names_to_31_characters() -> None:
    name = "零售银行客户经营分析之客群结构与生命周期阶段明细以及营销活动归因结果汇总表"
    assert len(name) > 31
    assert safe_sheet_name(name, set()) == name[:31]


def test_safe_sheet_name_replaces_forbidden_characters_and_trims() -> None:
    assert safe_sheet_name("a[b]:c*d?e/f\\g", set()) == "a_b__c_d_e_f_g"
    assert safe_sheet_name("  'quoted' ", set()) == "quoted"
    assert safe_sheet_name("' '", set()) == "Sheet"
    assert safe_sheet_name("", set()) == "Sheet"
    assert safe_sheet_name("tab\there", set()) == "tabhere"


def test_safe_sheet_name_is_unique_without_case() -> None:
    assert safe_sheet_name("Segments", {"segments"}) == "Segments (2)"
    assert safe_sheet_name("Segments", {"segments", "SEGMENTS (2)"}) == "Segments (3)"
    assert safe_sheet_name("History", set()) == "History (2)"  # reserved by Excel
    long = "客" * 31
    assert safe_sheet_name(long, {long}) == "客" * 27 + " (2)"


def test_safe_sheet_name_never_splits_an_emoji() -> None:
    # An emoji is two UTF-16 units, which is what Excel counts.
    assert safe_sheet_name("a" * 30 + "😀", set()) == "a" * 30


def test_workbook_sheet_names_are_made_safe_and_unique(tmp_path: Path) -> None:
    long = "客户经营分析之客群结构与生命周期阶段明细以及营销活动归因结果"
    sheets = (
        segment_sheet(name="名单"),
        segment_sheet(name="名单"),
        segment_sheet(name="a/b:c"),
        segment_sheet(name=long),
        segment_sheet(name="封面"),
    )
    book = reopen(write_workbook(make_spec(*sheets), tmp_path / "names.xlsx"))
    assert book.sheetnames == ["封面", "名单", "名单 (2)", "a_b_c", long[:31], "封面 (2)", "指标定义"]


def test_export_filename() -> None:
    assert export_filename("segments", date(2026, 9, 30), "zh_CN") == "segments_2026-09.xlsx"
    assert export_filename("segments", date(2026, 9, 30), "en") == "segments_2026-09_en.xlsx"
    assert export_filename("churn", None, "zh_CN") == "churn.xlsx"
    assert export_filename("Customers/C001", date(2026, 1, 31), "zh_CN") == "customers-c001_2026-01.xlsx"
    assert export_filename("  ", None, "zh_CN") == "export.xlsx"


# --- data sheet --------------------------------------------------------------------------------


def test_title_note_and_bold_header_labels(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    assert sheet["A1"].value == "客群结构（2026年9月）"
    assert sheet["A2"].value == "金额单位：元"
    assert row_values(sheet, 3) == ["客群", "客户数", "管理资产", "转化率", "评分", "首次开户", "最近触达"]
    assert all(cell.font.b for cell in sheet[3])


def test_cells_keep_their_types(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    assert row_values(sheet, 4) == [
        "00123",
        120,
        1_234_567.89,
        0.10,
        0.5,
        datetime(2020, 1, 31),
        datetime(2026, 9, 1, 10, 0),
    ]
    assert sheet["A4"].data_type == "s"  # "00123" stays text, leading zeros kept
    assert [sheet.cell(4, col).data_type for col in range(2, 6)] == ["n"] * 4
    assert isinstance(sheet["F4"].value, datetime) and sheet["F4"].is_date
    # None is an empty cell, not 0, "None" or "".
    assert sheet["C6"].value is None
    assert sheet["F6"].value is None
    assert sheet["G5"].value is None


def test_number_formats_per_column(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    formats = [sheet.cell(4, col).number_format for col in range(1, 8)]
    assert formats == ["@", "#,##0", "¥#,##0.00", "0.0%", "0.000", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"]


def test_frozen_header_and_autofilter_over_the_data(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:G6"  # header and data rows, not the total row


def test_total_row_is_written_as_given_never_summed(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    assert row_values(sheet, 7) == ["合计", 28_520, 1_484_568.39, 0.3333, None, None, None]
    assert sheet["D7"].value != pytest.approx(0.10 + 0.20 + 0.35)
    assert sheet["D7"].number_format == "0.0%"
    assert all(cell.font.b for cell in sheet[7])
    assert sheet.max_row == 7


def test_total_row_label_can_be_given(tmp_path: Path) -> None:
    spec = make_spec(segment_sheet(total=TotalRow("全行合计", {"customers": 1})))
    sheet = reopen(write_workbook(spec, tmp_path / "t.xlsx"))["客群结构"]
    assert row_values(sheet, 7)[:2] == ["全行合计", 1]


def test_native_chart_references_the_table_and_sits_to_its_right(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    series = chart.series[0]
    assert series.val.numRef.f == "客群结构!$C$4:$C$6"  # data rows only, not the total
    assert series.cat.strRef.f == "客群结构!$A$4:$A$6"
    assert series.tx.strRef.f == "客群结构!$C$3"
    assert (chart.anchor._from.col, chart.anchor._from.row) == (8, 2)  # column I: one blank column after G
    # The chart carries a copy of what it shows, for readers that do not recalculate charts.
    assert [point.v for point in series.cat.strRef.strCache.pt] == ["00123", "私行", "财富"]
    assert [(point.idx, point.v) for point in series.val.numRef.numCache.pt] == [(0, 1_234_567.89), (1, 250_000.5)]
    assert series.tx.strRef.strCache.pt[0].v == "管理资产"


def test_chart_over_dates_caches_excel_serial_numbers(tmp_path: Path) -> None:
    spec = make_spec(segment_sheet(chart=ChartSpec("line", "图", "first_seen", ("customers",))))
    series = reopen(write_workbook(spec, tmp_path / "line.xlsx"))["客群结构"]._charts[0].series[0]
    assert series.cat.numRef.f == "客群结构!$F$4:$F$6"
    assert [point.v for point in series.cat.numRef.numCache.pt] == [43861, 44377]  # 2020-01-31, 2021-06-30


def test_chart_over_a_long_table_references_cells_without_a_copy(tmp_path: Path) -> None:
    chart = ChartSpec("line", "金额", "id", ("amount",))
    spec = make_spec(SheetSpec("名单", "名单", LIST_COLUMNS, numbered_batches(1_001, 500), chart=chart))
    series = reopen(write_workbook(spec, tmp_path / "long.xlsx"))["名单"]._charts[0].series[0]
    assert series.val.numRef.f == "名单!$B$4:$B$1004"
    assert not series.val.numRef.numCache.pt  # Excel fills it when the file is opened


@pytest.mark.parametrize("kind", ["bar", "column", "line", "pie", "stacked_column", "area"])
def test_every_chart_kind_is_written(tmp_path: Path, kind: str) -> None:
    values = ("aum",) if kind == "pie" else ("aum", "customers")
    spec = make_spec(segment_sheet(chart=ChartSpec(kind, "图", "segment", values)))  # type: ignore[arg-type]
    sheet = reopen(write_workbook(spec, tmp_path / f"{kind}.xlsx"))["客群结构"]
    assert len(sheet._charts) == 1
    assert len(sheet._charts[0].series) == len(values)


def test_empty_sheet_has_header_no_data_line_and_no_chart(tmp_path: Path) -> None:
    spec = make_spec(segment_sheet(rows=SEGMENT_ROWS.clear(), total=None))
    sheet = reopen(write_workbook(spec, tmp_path / "empty.xlsx"))["客群结构"]
    assert row_values(sheet, 3)[0] == "客群"
    assert sheet["A4"].value == "（无数据）"
    assert sheet.auto_filter.ref == "A3:G3"
    assert sheet._charts == []


def test_column_widths_follow_labels_and_values_with_chinese_double_width(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["客群结构"]
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    # "管理资产" is 8 units wide (Chinese counts double); "¥1,234,567.89" is 13 + 2 padding.
    assert 15 <= widths["C"] <= 16
    assert 19 <= widths["G"] <= 22  # "yyyy-mm-dd hh:mm:ss"
    assert all(6 <= width <= 51 for width in widths.values())


def test_explicit_width_and_cap(tmp_path: Path) -> None:
    columns = (ColumnSpec("a", "A", "text", width=33), ColumnSpec("b", "B", "text"))
    rows = pl.DataFrame({"a": ["x"], "b": ["很长" * 100]})
    sheet = reopen(write_workbook(make_spec(SheetSpec("s", "s", columns, rows)), tmp_path / "w.xlsx"))["s"]
    assert 33 <= sheet.column_dimensions["A"].width < 34
    assert 50 <= sheet.column_dimensions["B"].width < 51


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    columns = (ColumnSpec("a", "A", "text"),)
    rows = pl.DataFrame({"a": ["=1+1", "1e5", "TRUE"]})
    sheet = reopen(write_workbook(make_spec(SheetSpec("s", "s", columns, rows)), tmp_path / "f.xlsx"))["s"]
    assert [sheet.cell(row, 1).value for row in (4, 5, 6)] == ["=1+1", "1e5", "TRUE"]
    assert {sheet.cell(row, 1).data_type for row in (4, 5, 6)} == {"s"}


def test_zoned_datetimes_keep_their_wall_clock_time(tmp_path: Path) -> None:
    columns = (ColumnSpec("at", "时间", "datetime"),)
    rows = pl.DataFrame({"at": [datetime(2026, 9, 30, 1, 0)]}).with_columns(
        pl.col("at").dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Shanghai")
    )
    sheet = reopen(write_workbook(make_spec(SheetSpec("s", "s", columns, rows)), tmp_path / "z.xlsx"))["s"]
    assert sheet["A4"].value == datetime(2026, 9, 30, 9, 0)


def test_nan_and_infinity_become_empty_cells(tmp_path: Path) -> None:
    columns = (ColumnSpec("a", "A", "number"),)
    rows = pl.DataFrame({"a": [float("nan"), float("inf"), 1.5]})
    sheet = reopen(write_workbook(make_spec(SheetSpec("s", "s", columns, rows)), tmp_path / "n.xlsx"))["s"]
    assert [sheet.cell(row, 1).value for row in (4, 5, 6)] == [None, None, 1.5]


# --- cover and definitions ---------------------------------------------------------------------


def test_cover_in_chinese(segments_book: openpyxl.Workbook) -> None:
    cover = segments_book["封面"]
    assert segments_book.sheetnames[0] == "封面"
    assert cover["A1"].value == "客群结构"
    facts = two_column_facts(cover)
    assert facts["页面"] == "segments"
    assert facts["数据截至"] == datetime(2026, 9, 30)
    assert facts["生成时间"] == GENERATED_AT
    assert facts["用户"] == "wang.li"
    assert facts["语言"] == "简体中文 (zh_CN)"
    assert facts["地区"] == "华东"
    assert facts["月份"] == "2026-09"
    assert facts["客群（交叉筛选）"] == "私行"
    assert facts["筛选条件"] is None  # a section heading
    sheet_list = [row for row in cover.iter_rows(values_only=True) if row[0] == "客群结构"]
    assert sheet_list[-1][:3] == ("客群结构", "客群结构（2026年9月）", 3)


def test_cover_in_english_without_filters_or_user(tmp_path: Path) -> None:
    spec = make_spec(language="en", filters=(), user=None, data_as_of=None)
    book = reopen(write_workbook(spec, tmp_path / "en.xlsx"))
    assert book.sheetnames == ["Cover", "客群结构", "Definitions"]
    column_a = [row[0] for row in book["Cover"].iter_rows(values_only=True)]
    assert "No filters (all data)" in column_a
    facts = two_column_facts(book["Cover"])
    assert facts["Page"] == "segments"
    assert facts["Data as of"] == "—"
    assert facts["Generated at"] == GENERATED_AT
    assert facts["User"] == "—"
    assert facts["Language"] == "English (en)"
    assert book["客群结构"]["A7"].value == "Total"


def test_cover_shows_the_utc_offset_of_an_aware_time(tmp_path: Path) -> None:
    aware = GENERATED_AT.replace(tzinfo=timezone(timedelta(hours=8)))
    cover = reopen(write_workbook(make_spec(generated_at=aware), tmp_path / "tz.xlsx"))["封面"]
    row = next(row for row in cover.iter_rows(values_only=True) if row[0] == "生成时间")
    assert row[1:3] == (GENERATED_AT, "UTC+08:00")  # wall-clock time as given


def test_definitions_sheet(segments_book: openpyxl.Workbook) -> None:
    sheet = segments_book["指标定义"]
    assert segments_book.sheetnames[-1] == "指标定义"
    assert row_values(sheet, 3) == ["指标", "说明", "公式", "负责人", "指标代码", "格式"]
    assert row_values(sheet, 4) == [
        "管理资产",
        "客户在本行的全部资产余额",
        "sum(deposits + wealth + insurance)",
        "财富管理部",
        "aum",
        "¥",
    ]
    assert row_values(sheet, 5)[:4] == ["转化率", "转化客户占触达客户的比例", "sum(converted) / sum(touched)", "营销部"]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:F5"


def test_definitions_sheet_without_definitions(tmp_path: Path) -> None:
    book = reopen(write_workbook(make_spec(language="en", definitions=()), tmp_path / "d.xlsx"))
    assert book["Definitions"]["A4"].value == "(no metric definitions)"


def test_builder_words_exist_in_every_language() -> None:
    keys = label_keys()
    assert set(keys) == {"zh_CN", "en"}
    assert keys["zh_CN"] == keys["en"]


# --- masking -----------------------------------------------------------------------------------


def test_masking_rules() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李**"
    assert mask_name("Alice Wong") == "A**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("139-0000-1111") == "139****1111"
    assert mask_phone("+86 138 1234 5678") == "+86*******5678"
    assert mask_phone("5551234") == "*******"
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_id_number("31010119851231001X") == "310101********001X"
    assert mask_id_number("12345") == "*****"
    assert mask_value(None) is None
    assert mask_value(13812345678) == "138****5678"


def test_auto_masking_recognises_id_numbers_and_phones() -> None:
    assert guess_personal_kind("110101199003071234") == "id_number"
    assert guess_personal_kind("110101900307123") == "id_number"  # 15-digit old format
    assert guess_personal_kind("138 1234 5678") == "phone"
    assert guess_personal_kind("王小明") == "name"
    assert mask_value("王小明") == "王**"


def test_personal_columns_are_masked_by_default(tmp_path: Path) -> None:
    spec = make_spec(SheetSpec("客户名单", "客户名单", PEOPLE_COLUMNS, PEOPLE))
    book = reopen(write_workbook(spec, tmp_path / "masked.xlsx"))
    sheet = book["客户名单"]
    assert row_values(sheet, 4) == ["C001", "张**", "138****5678", "110101********1234"]
    assert row_values(sheet, 5) == ["C002", "A**", "139****1111", "310101********001X"]
    assert row_values(sheet, 6) == ["C003", None, "*******", "*****"]
    column_a = [row[0] for row in book["封面"].iter_rows(values_only=True)]
    assert "个人信息（姓名、手机号、证件号）已脱敏。" in column_a


def test_personal_columns_are_shown_when_allowed(tmp_path: Path) -> None:
    spec = make_spec(SheetSpec("客户名单", "客户名单", PEOPLE_COLUMNS, PEOPLE), can_see_personal=True)
    book = reopen(write_workbook(spec, tmp_path / "clear.xlsx"))
    assert row_values(book["客户名单"], 4) == ["C001", "张三丰", "13812345678", "110101199003071234"]
    column_a = [row[0] for row in book["封面"].iter_rows(values_only=True)]
    assert "个人信息（姓名、手机号、证件号）已脱敏。" not in column_a


# --- row limit and streaming -------------------------------------------------------------------


def numbered_batches(total: int, size: int) -> Iterator[pl.DataFrame]:
    for start in range(0, total, size):
        ids = range(start, min(total, start + size))
        yield pl.DataFrame({"id": [f"C{i:06d}" for i in ids], "amount": [float(i) for i in ids]})


LIST_COLUMNS = (ColumnSpec("id", "客户号", "text"), ColumnSpec("amount", "金额", "currency"))


def test_rows_past_the_limit_are_cut_with_a_note_on_sheet_and_cover(tmp_path: Path) -> None:
    total = TotalRow(None, {"amount": 19_900.0})  # over all 200 rows, from the database
    sheet_spec = SheetSpec("名单", "客户名单", LIST_COLUMNS, numbered_batches(200, 30), total=total)
    book = reopen(write_workbook(make_spec(sheet_spec), tmp_path / "cut.xlsx", row_limit=100))
    sheet = book["名单"]
    # 100 rows: title, note, header, 95 data rows, total, truncation note.
    assert sheet.max_row == 100
    assert row_values(sheet, 4) == ["C000000", 0]
    assert row_values(sheet, 98) == ["C000094", 94]
    assert row_values(sheet, 99) == ["合计", 19_900]
    assert sheet["A100"].value == "列表已截断：超出 Excel 行数上限，只导出了前 95 行。"
    assert sheet.auto_filter.ref == "A3:B98"
    column_a = [row[0] for row in book["封面"].iter_rows(values_only=True)]
    assert "「名单」列表已截断：超出 Excel 行数上限，只导出了前 95 行。" in column_a


def test_rows_that_exactly_fit_are_not_truncated(tmp_path: Path) -> None:
    batches = [*numbered_batches(96, 40), pl.DataFrame(schema={"id": pl.String, "amount": pl.Float64})]
    spec = make_spec(SheetSpec("名单", "名单", LIST_COLUMNS, batches), language="en")
    book = reopen(write_workbook(spec, tmp_path / "fit.xlsx", row_limit=100))
    sheet = book["名单"]
    assert sheet.max_row == 99  # 3 + 96 data rows: no total, no note
    assert row_values(sheet, 99) == ["C000095", 95]
    cover_text = " ".join(str(row[0]) for row in book["Cover"].iter_rows(values_only=True))
    assert "truncated" not in cover_text


def test_a_list_cut_short_by_its_caller_says_how_long_it_is_on_sheet_and_cover(tmp_path: Path) -> None:
    frame = pl.concat(list(numbered_batches(40, 40)))
    sheet_spec = SheetSpec("名单", "客户名单", LIST_COLUMNS, frame.head(25), of_rows=40)
    book = reopen(write_workbook(make_spec(sheet_spec, page="churn"), tmp_path / "first.xlsx"))
    sheet = book["名单"]
    assert sheet.max_row == 29  # title, note, header, 25 rows, the line saying so
    assert row_values(sheet, 28) == ["C000024", 24]
    assert sheet["A29"].value == (
        "只列出前 25 行（共 40 行）。完整名单：缩小筛选范围，或运行 clientscope export churn --list-rows all。"
    )
    assert sheet.sheet_properties.tabColor is None  # not Excel's limit: nothing was lost the user did not ask for
    cover = [row for row in book["封面"].iter_rows(values_only=True)]
    assert ("名单", "客户名单", 25, "前 25 行（共 40 行）") in [tuple(row[:4]) for row in cover]
    assert (
        "「名单」只列出前 25 行（共 40 行）。完整名单：缩小筛选范围，或运行 clientscope export churn --list-rows all。"
        in [row[0] for row in cover]
    )


def test_a_list_given_whole_says_nothing_of_its_length(tmp_path: Path) -> None:
    frame = pl.concat(list(numbered_batches(40, 40)))
    spec = make_spec(SheetSpec("名单", "客户名单", LIST_COLUMNS, frame, of_rows=40), language="en", page="churn")
    book = reopen(write_workbook(spec, tmp_path / "whole.xlsx"))
    assert book["名单"].max_row == 43
    cover_text = " ".join(str(cell) for row in book["Cover"].iter_rows(values_only=True) for cell in row)
    assert "first" not in cover_text and "--list-rows" not in cover_text


def test_a_list_cut_short_in_english(tmp_path: Path) -> None:
    frame = pl.concat(list(numbered_batches(1_500, 1_500)))
    spec = make_spec(SheetSpec("List", "Customers", LIST_COLUMNS, frame.head(1_200), of_rows=1_500), language="en")
    book = reopen(write_workbook(spec, tmp_path / "first-en.xlsx"))
    assert book["List"]["A1204"].value == (
        f"The first 1,200 of 1,500 rows. For the whole list, narrow the filters or run "
        f"clientscope export {spec.page} --list-rows all."
    )


def test_of_rows_must_be_a_length() -> None:
    with pytest.raises(ValueError, match=r"sheet 'x': of_rows must be the list's length \(>= 0\), not -1"):
        SheetSpec("x", "x", LIST_COLUMNS, pl.DataFrame({"id": ["a"], "amount": [1.0]}), of_rows=-1)


def test_a_frame_larger_than_one_chunk_keeps_every_row_in_order(tmp_path: Path) -> None:
    frame = pl.concat(list(numbered_batches(10_000, 10_000)))
    out = write_workbook(make_spec(SheetSpec("名单", "名单", LIST_COLUMNS, frame)), tmp_path / "order.xlsx")
    sheet = openpyxl.load_workbook(out, read_only=True)["名单"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows == [(f"C{i:06d}", i) for i in range(10_000)]


def test_a_100k_row_list_streams_with_bounded_memory(tmp_path: Path) -> None:
    rows = 100_000
    frame = pl.DataFrame({"i": pl.int_range(0, rows, eager=True)}).select(
        id=pl.format("C{}", pl.col("i").cast(pl.String).str.zfill(7)),
        amount=pl.col("i").cast(pl.Float64) * 1.25,
        opened=pl.date(2020, 1, 1) + pl.duration(days=pl.col("i") % 2_000),
    )
    columns = (*LIST_COLUMNS, ColumnSpec("opened", "开户日期", "date"))
    batches = (frame.slice(offset, 10_000) for offset in range(0, rows, 10_000))
    spec = make_spec(SheetSpec("名单", "客户名单", columns, batches))
    tracemalloc.start()
    try:
        out = write_workbook(spec, tmp_path / "big.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Measured: ~1.5 MB here. Holding the rows as Python tuples costs ~19 MB, and xlsxwriter's
    # normal (non-constant_memory) mode ~69 MB for these 100k x 3 cells, so 10 MB tells them apart.
    assert peak < 10_000_000
    sheet = openpyxl.load_workbook(out, read_only=True)["名单"]
    assert sheet.calculate_dimension() == f"A1:C{rows + 3}"


def test_only_big_or_batched_workbooks_are_written_row_by_row_to_scratch_files(monkeypatch) -> None:
    from clientscope.export import workbook as wb

    frame = pl.concat(list(numbered_batches(1_000, 1_000)))  # 1,000 rows x 2 columns
    monkeypatch.setattr(wb, "IN_MEMORY_CELLS", 2_000)
    assert not wb.streamed(make_spec(SheetSpec("a", "a", LIST_COLUMNS, frame)))  # 2,000 cells: in memory
    assert not wb.streamed(make_spec(SheetSpec("a", "a", LIST_COLUMNS, [frame.head(500), frame.tail(500)])))
    assert wb.streamed(make_spec(SheetSpec("a", "a", LIST_COLUMNS, frame), SheetSpec("b", "b", LIST_COLUMNS, frame)))
    assert wb.streamed(make_spec(SheetSpec("a", "a", LIST_COLUMNS, numbered_batches(10, 5))))  # length unknown
    banded = SheetSpec("p", "p", LIST_COLUMNS, frame, bands=((HeaderSpan("2026", "id", "amount"),),))
    assert not wb.streamed(make_spec(banded, SheetSpec("b", "b", LIST_COLUMNS, numbered_batches(10, 5))))


# --- atomic writes and errors ------------------------------------------------------------------


def test_a_failure_mid_write_leaves_no_file_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    scratch = tmp_path / "scratch"
    out_dir.mkdir()
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # xlsxwriter's row files go here
    original = xlsxwriter.worksheet.Worksheet.write_number
    calls = {"n": 0}

    def failing_write_number(self: object, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 50:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "write_number", failing_write_number)
    target = out_dir / "list.xlsx"
    spec = make_spec(SheetSpec("名单", "名单", LIST_COLUMNS, numbered_batches(500, 100)))
    with pytest.raises(ExportError) as caught:
        write_workbook(spec, target)
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert list(out_dir.iterdir()) == []
    assert list(scratch.iterdir()) == []


def test_a_failure_keeps_the_previous_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "list.xlsx"
    target.write_bytes(b"previous export")
    bad = pl.DataFrame({"id": ["C1", "C2"], "amount": ["12.5", "abc"]})
    with pytest.raises(ExportError) as caught:
        write_workbook(make_spec(SheetSpec("名单", "名单", LIST_COLUMNS, bad)), target)
    assert str(caught.value) == "sheet '名单', column 'amount' (currency), data row 1: expected a number, got '12.5'"
    assert target.read_bytes() == b"previous export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["list.xlsx"]


def test_an_unwritable_folder_gives_a_clear_message(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "segments.xlsx"
    with pytest.raises(ExportError) as caught:
        write_workbook(make_spec(), target)
    assert str(caught.value) == f"cannot write {target}: No such file or directory"
    assert not target.parent.exists()


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    spec = make_spec(segment_sheet(rows=SEGMENT_ROWS.drop("aum")))
    with pytest.raises(ExportError) as caught:
        write_workbook(spec, tmp_path / "m.xlsx")
    assert str(caught.value) == "sheet '客群结构': the rows have no column 'aum'"
    assert list(tmp_path.iterdir()) == []


def test_a_bad_total_value_is_named(tmp_path: Path) -> None:
    spec = make_spec(segment_sheet(total=TotalRow(None, {"first_seen": "2026-09"})))
    with pytest.raises(ExportError) as caught:
        workbook_bytes(spec)
    expected = "sheet '客群结构', total row, column 'first_seen' (date): expected a date or datetime, got '2026-09'"
    assert str(caught.value) == expected


def test_spec_mistakes_fail_when_the_spec_is_built() -> None:
    with pytest.raises(ValueError, match="a personal column must be of kind 'text', not 'integer'"):
        ColumnSpec("phone", "手机号", "integer", personal=True)
    with pytest.raises(ValueError, match="chart '图' names unknown column 'nope'"):
        segment_sheet(chart=ChartSpec("line", "图", "segment", ("nope",)))
    with pytest.raises(ValueError, match="chart value column 'segment' must be numeric"):
        segment_sheet(chart=ChartSpec("line", "图", "first_seen", ("segment",)))
    with pytest.raises(ValueError, match="a pie chart shows exactly one value column"):
        ChartSpec("pie", "图", "segment", ("aum", "customers"))
    with pytest.raises(ValueError, match=r"the total row names unknown columns \['nope'\]"):
        segment_sheet(total=TotalRow(None, {"nope": 1}))
    with pytest.raises(ValueError, match="duplicate column keys"):
        segment_sheet(columns=(*COLUMNS, COLUMNS[0]))
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        make_spec(language="fr")
    with pytest.raises(ValueError, match="row_limit must be between 6 and 1,048,576, not 5"):
        workbook_bytes(make_spec(), row_limit=5)


# --- determinism and bytes ---------------------------------------------------------------------


def test_the_same_spec_gives_the_same_workbook(tmp_path: Path) -> None:
    first = write_workbook(make_spec(), tmp_path / "a.xlsx")
    second = write_workbook(make_spec(), tmp_path / "b.xlsx")

    def contents(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
        book = openpyxl.load_workbook(path)
        return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book]

    assert contents(first) == contents(second)
    assert first.read_bytes() == second.read_bytes()
    assert workbook_bytes(make_spec()) == first.read_bytes()


def test_workbook_bytes_opens_in_excel_readers() -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(make_spec(language="en"))))
    assert book.sheetnames == ["Cover", "客群结构", "Definitions"]
    assert book["客群结构"]["B4"].value == 120


def test_written_file_gets_normal_permissions(tmp_path: Path) -> None:
    out = write_workbook(make_spec(), tmp_path / "perm.xlsx")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
