"""The builder's own words in each export language (metric and column labels come from the caller)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

_LABELS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "zh_CN": MappingProxyType(
            {
                "cover": "封面",
                "definitions": "指标定义",
                "page": "页面",
                "filters": "筛选条件",
                "no_filters": "无筛选条件（全部数据）",
                "data_as_of": "数据截至",
                "generated_at": "生成时间",
                "user": "用户",
                "language": "语言",
                "language_name": "简体中文",
                "total": "合计",
                "missing": "—",
                "sheets": "工作表",
                "sheet": "工作表",
                "sheet_title": "标题",
                "rows": "行数",
                "notes": "说明",
                "no_data": "（无数据）",
                "truncated_sheet": "列表已截断：超出 Excel 行数上限，只导出了前 {rows:,} 行。",
                "truncated_cover": "「{sheet}」列表已截断：超出 Excel 行数上限，只导出了前 {rows:,} 行。",
                "shortened_rows": "前 {rows:,} 行（共 {of:,} 行）",
                "shortened_sheet": "只列出前 {rows:,} 行（共 {of:,} 行）。完整名单：缩小筛选范围，或运行 "
                "clientscope export {page} --list-rows all。",
                "shortened_cover": "「{sheet}」只列出前 {rows:,} 行（共 {of:,} 行）。完整名单：缩小筛选范围，或运行 "
                "clientscope export {page} --list-rows all。",
                "masked": "个人信息（姓名、手机号、证件号）已脱敏。",
                "metric": "指标",
                "description": "说明",
                "formula": "公式",
                "owner": "负责人",
                "code": "指标代码",
                "format": "格式",
                "no_definitions": "（无指标定义）",
            }
        ),
        "en": MappingProxyType(
            {
                "cover": "Cover",
                "definitions": "Definitions",
                "page": "Page",
                "filters": "Filters",
                "no_filters": "No filters (all data)",
                "data_as_of": "Data as of",
                "generated_at": "Generated at",
                "user": "User",
                "language": "Language",
                "language_name": "English",
                "total": "Total",
                "missing": "—",
                "sheets": "Sheets",
                "sheet": "Sheet",
                "sheet_title": "Title",
                "rows": "Rows",
                "notes": "Notes",
                "no_data": "(no data)",
                "truncated_sheet": "List truncated at {rows:,} rows: Excel's row limit was reached.",
                "truncated_cover": "Sheet '{sheet}' was truncated at {rows:,} rows: Excel's row limit was reached.",
                "shortened_rows": "First {rows:,} of {of:,} rows",
                "shortened_sheet": "The first {rows:,} of {of:,} rows. For the whole list, narrow the filters or run "
                "clientscope export {page} --list-rows all.",
                "shortened_cover": "Sheet '{sheet}' lists the first {rows:,} of {of:,} rows. For the whole list, "
                "narrow the filters or run clientscope export {page} --list-rows all.",
                "masked": "Personal data (names, phone numbers, ID numbers) is masked.",
                "metric": "Metric",
                "description": "Description",
                "formula": "Formula",
                "owner": "Owner",
                "code": "Code",
                "format": "Format",
                "no_definitions": "(no metric definitions)",
            }
        ),
    }
)


def labels_for(language: str) -> Mapping[str, str]:
    """The builder's words in `language` ("zh_CN" or "en")."""
    return _LABELS[language]


def label_keys() -> dict[str, frozenset[str]]:
    """The keys defined per language; a test checks every language has the same set."""
    return {language: frozenset(words) for language, words in _LABELS.items()}
