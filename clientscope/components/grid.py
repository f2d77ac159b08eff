"""dash-ag-grid defaults shared by every table: Chinese built-in texts and sizing.

Grids use AG Grid's theming API (the default Quartz theme is built into the JavaScript), never the
legacy `ag-theme-*` class names, whose CSS dash-ag-grid links from a CDN.  Dark mode follows the
`data-ag-theme-mode` attribute that assets/clientscope.js sets from `?theme=dark`.
"""

from __future__ import annotations

from typing import Any

# AG Grid's own words (pagination, filters, empty overlay) in Chinese; English is AG Grid's default.
ZH_LOCALE_TEXT: dict[str, str] = {
    "page": "页",
    "more": "更多",
    "to": "至",
    "of": "共",
    "next": "下一页",
    "last": "末页",
    "first": "首页",
    "previous": "上一页",
    "loadingOoo": "加载中…",
    "noRowsToShow": "没有可显示的数据",
    "pageSizeSelectorLabel": "每页行数：",
    "filterOoo": "筛选…",
    "equals": "等于",
    "notEqual": "不等于",
    "contains": "包含",
    "notContains": "不包含",
    "startsWith": "开头是",
    "endsWith": "结尾是",
    "blank": "空白",
    "notBlank": "非空白",
    "lessThan": "小于",
    "greaterThan": "大于",
    "lessThanOrEqual": "小于等于",
    "greaterThanOrEqual": "大于等于",
    "inRange": "介于",
    "andCondition": "且",
    "orCondition": "或",
    "applyFilter": "应用",
    "resetFilter": "重置",
    "clearFilter": "清除",
    "searchOoo": "搜索…",
    "selectAll": "全选",
    "sortAscending": "升序",
    "sortDescending": "降序",
    "columns": "列",
    "filters": "筛选",
    "pinColumn": "固定列",
    "autosizeThisColumn": "自动调整此列宽度",
    "autosizeAllColumns": "自动调整所有列宽度",
    "resetColumns": "重置列",
    "ariaPageSizeSelectorLabel": "每页行数",
}


def grid_options(lang: str, **extra: Any) -> dict[str, Any]:
    """`dashGridOptions` with the language's built-in texts; pass page-specific options as keywords."""
    options: dict[str, Any] = {"animateRows": False, "enableCellTextSelection": True, "ensureDomOrder": True}
    if lang == "zh_CN":
        options["localeText"] = ZH_LOCALE_TEXT
    options.update(extra)
    return options
