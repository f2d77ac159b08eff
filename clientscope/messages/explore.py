"""UI strings of the explore page (self-service pivot) and of saved views."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.explore": {"zh_CN": "自助分析", "en": "Explore"},
    "nav.views": {"zh_CN": "我的视图", "en": "My views"},
    "explore.title": {"zh_CN": "自助分析（中国式报表）", "en": "Explore: build your own report"},
    "explore.intro": {
        "zh_CN": "选择指标、行维度（可多层）、列维度或时间、对比与排序；小计与合计由数据库按指标口径计算。",
        "en": "Choose metrics, nested row dimensions, a column dimension or time, comparisons and sorting; "
        "subtotals and totals are computed by the database by each metric's definition.",
    },
    "explore.metrics": {"zh_CN": "指标", "en": "Metrics"},
    "explore.rows": {"zh_CN": "行维度（按选择顺序嵌套）", "en": "Rows (nested in the order chosen)"},
    "explore.column": {"zh_CN": "列", "en": "Columns"},
    "explore.column.none": {"zh_CN": "不分列", "en": "None"},
    "explore.column.month": {"zh_CN": "按月", "en": "By month"},
    "explore.column.quarter": {"zh_CN": "按季度", "en": "By quarter"},
    "explore.column.year": {"zh_CN": "按年", "en": "By year"},
    "explore.compare": {"zh_CN": "对比", "en": "Comparison"},
    "explore.compare.none": {"zh_CN": "不对比", "en": "None"},
    "explore.show": {"zh_CN": "对比列", "en": "Comparison columns"},
    "explore.part.value": {"zh_CN": "本期", "en": "Value"},
    "explore.part.prior": {"zh_CN": "{comparison}基期", "en": "Prior ({comparison})"},
    "explore.part.change": {"zh_CN": "{comparison}变化", "en": "Change ({comparison})"},
    "explore.part.pct": {"zh_CN": "{comparison}增幅", "en": "% change ({comparison})"},
    "explore.show.prior": {"zh_CN": "基期", "en": "Prior"},
    "explore.show.change": {"zh_CN": "变化", "en": "Change"},
    "explore.show.pct": {"zh_CN": "增幅", "en": "% change"},
    "explore.sort": {"zh_CN": "排序", "en": "Sort"},
    "explore.sort.label": {"zh_CN": "按名称", "en": "By name"},
    "explore.sort.desc": {"zh_CN": "{metric}（从高到低）", "en": "{metric} (high to low)"},
    "explore.sort.asc": {"zh_CN": "{metric}（从低到高）", "en": "{metric} (low to high)"},
    "explore.top": {"zh_CN": "每组前 N 名", "en": "Top N per group"},
    "explore.view.grid": {"zh_CN": "表格", "en": "Table"},
    "explore.view.bar": {"zh_CN": "柱状图", "en": "Bars"},
    "explore.view.line": {"zh_CN": "折线图", "en": "Lines"},
    "explore.view.heatmap": {"zh_CN": "热力图", "en": "Heatmap"},
    "explore.subtotal": {"zh_CN": "{label} 小计", "en": "{label} subtotal"},
    "explore.grand_total": {"zh_CN": "合计", "en": "Total"},
    "explore.total_column": {"zh_CN": "合计", "en": "Total"},
    "explore.row_header": {"zh_CN": "行", "en": "Rows"},
    "explore.capped_rows": {
        "zh_CN": "结果超过 {cap:,} 行，仅显示前 {cap:,} 行（含合计）。请增加筛选条件、减少行维度或使用“每组前 N 名”。",
        "en": "The result has more than {cap:,} rows; the first {cap:,} (with the total) are shown. Add filters, "
        "use fewer row dimensions or a top N.",
    },
    "explore.grid_capped": {
        "zh_CN": "该报表共 {rows:,} 行，超过表格上限 {cap:,} 行：仅显示前 {cap:,} 行（合计保留），导出的 Excel "
        "包含前 {export_cap:,} 行。请增加筛选条件（如区域、网点）、减少行维度，或使用“每组前 N 名”缩小结果。",
        "en": "This report has {rows:,} rows, more than the table's limit of {cap:,}: the first {cap:,} are shown "
        "(with the total) and the Excel export keeps the first {export_cap:,}. Narrow the filters (a region, a "
        "branch), use fewer row dimensions or a top N per group.",
    },
    "explore.export_capped": {
        "zh_CN": "导出的 Excel 包含前 {cap:,} 行（含合计）；表格显示全部 {rows:,} 行。",
        "en": "The Excel export keeps the first {cap:,} rows (with the total); the table shows all {rows:,}.",
    },
    "explore.row_count": {
        "zh_CN": "共 {rows:,} 行（含小计），每页 {page} 行；合计固定在表格底部。",
        "en": "{rows:,} rows (subtotals included), {page} per page; the total is pinned at the bottom.",
    },
    "explore.capped_columns": {
        "zh_CN": "列超过 {cap} 组，仅显示前 {cap} 组。请选择取值更少的列维度或缩短统计期间。",
        "en": "More than {cap} column groups; the first {cap} are shown. Choose a column dimension with fewer "
        "values or a shorter period.",
    },
    "explore.top_note": {
        "zh_CN": "每组显示前 {top} 名（共 {rows:,} 行）；小计与合计包含全部行。",
        "en": "Top {top} per group shown ({rows:,} rows in all); subtotals and the total include every row.",
    },
    "explore.compare_note": {
        "zh_CN": "对比：整个统计期间与向前平移 {months} 个月的期间相比（余额类指标取期末月）。",
        "en": "Comparison: the whole period against the period {months} month(s) earlier (balances take the "
        "last month-end).",
    },
    "explore.error": {"zh_CN": "无法生成该报表：{reason}", "en": "This report cannot be built: {reason}"},
    "explore.drill.hint": {
        "zh_CN": "点击单元格可查看其背后的客户名单。",
        "en": "Click a cell to list the customers behind it.",
    },
    "explore.drill.title": {
        "zh_CN": "客户名单：{cell}（{month} 月末在册）",
        "en": "Customers: {cell} (on the book at {month})",
    },
    "explore.drill.unavailable": {
        "zh_CN": "该单元格无法下钻到客户名单：{dimension} 不是客户属性。",
        "en": "This cell cannot be drilled to a customer list: {dimension} does not describe customers.",
    },
    "explore.drill.bad_cell": {
        "zh_CN": "p.cell = {value}：该单元格不在当前报表中。",
        "en": "p.cell = {value}: this cell is not in the current report.",
    },
    "explore.drill.close": {"zh_CN": "关闭名单", "en": "Close the list"},
    "explore.sheet": {"zh_CN": "自助分析", "en": "Explore"},
    "views.title": {"zh_CN": "我的视图", "en": "My views"},
    "views.intro": {
        "zh_CN": "保存的视图是页面的网址（筛选、期间、设置）。打开共享视图时，数据范围始终是您自己的权限范围。",
        "en": "A saved view is a page's address (filters, period, settings). A shared view always opens with "
        "your own data scope.",
    },
    "views.save": {"zh_CN": "保存视图", "en": "Save view"},
    "views.name": {"zh_CN": "视图名称", "en": "View name"},
    "views.share": {"zh_CN": "共享给其他用户", "en": "Share with other users"},
    "views.saved": {"zh_CN": "已保存视图“{name}”。", "en": "Saved the view “{name}”."},
    "views.name_required": {"zh_CN": "请填写视图名称。", "en": "Give the view a name."},
    "views.name_too_long": {
        "zh_CN": "视图名称最多 {max} 个字符。",
        "en": "A view name has at most {max} characters.",
    },
    "views.mine": {"zh_CN": "我保存的视图", "en": "Saved by me"},
    "views.shared": {"zh_CN": "他人共享的视图", "en": "Shared by others"},
    "views.none": {
        "zh_CN": "暂无视图。在任意页面点击“保存视图”即可保存。",
        "en": "No views yet. Use “Save view” on any page.",
    },
    "views.col.name": {"zh_CN": "名称", "en": "Name"},
    "views.col.page": {"zh_CN": "页面", "en": "Page"},
    "views.col.owner": {"zh_CN": "保存人", "en": "Saved by"},
    "views.col.shared": {"zh_CN": "共享", "en": "Shared"},
    "views.col.created": {"zh_CN": "保存时间", "en": "Saved at"},
    "views.delete": {"zh_CN": "删除", "en": "Delete"},
    "views.share_toggle": {"zh_CN": "共享", "en": "Share"},
    "views.unshare_toggle": {"zh_CN": "取消共享", "en": "Unshare"},
    "views.yes": {"zh_CN": "是", "en": "Yes"},
    "views.no": {"zh_CN": "否", "en": "No"},
}
