"""UI strings in every supported language.

Every visible string of the UI is looked up here (metric and dimension labels come from
metrics.yaml instead).  A test fails when a key lacks a language or a `t("...")` call names a
key that does not exist.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("zh_CN", "en")
DEFAULT_LANGUAGE: Final = "zh_CN"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "app.title": {"zh_CN": "Clientscope 客户洞察", "en": "Clientscope"},
    "app.tagline": {"zh_CN": "零售银行客户经营分析", "en": "Retail-bank customer analytics"},
    "nav.language": {"zh_CN": "English", "en": "中文"},
    "nav.theme.dark": {"zh_CN": "深色", "en": "Dark"},
    "nav.theme.light": {"zh_CN": "浅色", "en": "Light"},
    "nav.overview": {"zh_CN": "总览", "en": "Overview"},
    "nav.segments": {"zh_CN": "客群结构", "en": "Segments"},
    "nav.lifecycle": {"zh_CN": "生命周期", "en": "Lifecycle"},
    "nav.campaigns": {"zh_CN": "营销归因", "en": "Campaigns"},
    "nav.churn": {"zh_CN": "流失预警", "en": "Churn risk"},
    "nav.metrics": {"zh_CN": "指标目录", "en": "Metric catalog"},
    "nav.customer": {"zh_CN": "客户视图", "en": "Customer 360"},
    "error.data.title": {"zh_CN": "数据未通过校验", "en": "The data did not pass validation"},
    "error.data.intro": {
        "zh_CN": "数据文件夹 {folder} 中的抽数文件不符合数据契约，请按以下提示修复后重新启动：",
        "en": "The extracts in {folder} do not meet the data contract. Fix the problems below and restart:",
    },
    "error.data.docs": {
        "zh_CN": "数据契约说明见 docs/data-contract.md；也可运行 clientscope validate 文件夹 查看同样的信息。",
        "en": "See docs/data-contract.md for the contract, or run `clientscope validate FOLDER` for the same list.",
    },
    "error.notfound.title": {"zh_CN": "页面不存在", "en": "Page not found"},
    "error.notfound.body": {"zh_CN": "没有找到这个地址，请从导航栏进入。", "en": "There is no page at this address."},
    "overview.title": {"zh_CN": "经营总览", "en": "Overview"},
    "overview.tier_mix": {"zh_CN": "客户分层结构（期末）", "en": "Tier mix (end of period)"},
    "overview.share": {"zh_CN": "占比", "en": "Share"},
    "overview.open": {"zh_CN": "进入分析 →", "en": "Open →"},
    "overview.about.segments": {
        "zh_CN": "分层结构、迁移与潜力客户",
        "en": "Tier mix, migration and potential customers",
    },
    "overview.about.lifecycle": {"zh_CN": "获客、激活、留存与成长漏斗", "en": "Acquire, activate, retain and grow"},
    "overview.about.campaigns": {
        "zh_CN": "多触点归因、对照组提升与ROI",
        "en": "Multi-touch attribution, uplift and ROI",
    },
    "overview.about.churn": {"zh_CN": "流失预警、原因与挽留名单", "en": "Early warning, reasons and retention list"},
    "overview.source": {"zh_CN": "数据来源：{folder}", "en": "Data: {folder}"},
    "overview.demo": {"zh_CN": "（演示数据）", "en": " (demo data)"},
    "overview.warnings": {"zh_CN": "数据校验提示 {count} 条", "en": "{count} data warnings"},
    "filter.start": {"zh_CN": "起始月", "en": "From"},
    "filter.end": {"zh_CN": "截止月", "en": "To"},
    "filter.region": {"zh_CN": "区域", "en": "Region"},
    "filter.branch": {"zh_CN": "支行", "en": "Branch"},
    "filter.rm": {"zh_CN": "客户经理", "en": "Relationship manager"},
    "filter.tier": {"zh_CN": "客户层级", "en": "Tier"},
    "filter.channel": {"zh_CN": "获客渠道", "en": "Acquisition channel"},
    "filter.campaign": {"zh_CN": "营销活动", "en": "Campaign"},
    "filter.touch_channel": {"zh_CN": "触达渠道", "en": "Touch channel"},
    "filter.compare": {"zh_CN": "对比", "en": "Compare"},
    "filter.all": {"zh_CN": "全部", "en": "All"},
    "filter.reset": {"zh_CN": "清除筛选", "en": "Clear filters"},
    "filter.remove_chip": {"zh_CN": "移除此筛选", "en": "Remove this filter"},
    "filter.select_all": {"zh_CN": "全选", "en": "Select all"},
    "filter.deselect_all": {"zh_CN": "取消全选", "en": "Deselect all"},
    "filter.selected_count": {"zh_CN": "已选 {num_selected} 项", "en": "{num_selected} selected"},
    "filter.search": {"zh_CN": "搜索", "en": "Search"},
    "filter.clear_search": {"zh_CN": "清除搜索", "en": "Clear search"},
    "filter.clear_selection": {"zh_CN": "清除选择", "en": "Clear selection"},
    "filter.no_options": {"zh_CN": "没有匹配的选项", "en": "No matching options"},
    "compare.mom": {"zh_CN": "环比", "en": "MoM"},
    "compare.qoq": {"zh_CN": "季度环比", "en": "QoQ"},
    "compare.yoy": {"zh_CN": "同比", "en": "YoY"},
    "notice.title": {
        "zh_CN": "链接中的部分条件无效，已忽略：",
        "en": "Some values in the link were not valid and were ignored:",
    },
    "notice.unknown_value": {
        "zh_CN": "{key} = {value}：数据中没有这个值",
        "en": "{key} = {value}: no such value in the data",
    },
    "notice.unknown_key": {"zh_CN": "{key} = {value}：不认识的参数", "en": "{key} = {value}: unknown parameter"},
    "notice.bad_month": {
        "zh_CN": "{key} = {value}：不是数据中的月份（格式 YYYY-MM）",
        "en": "{key} = {value}: not a month of the data (format YYYY-MM)",
    },
    "notice.bad_choice": {"zh_CN": "{key} = {value}：不是可选的值", "en": "{key} = {value}: not one of the choices"},
    "error.callback": {
        "zh_CN": "抱歉，处理这个操作时出错了。请稍后重试；如问题持续，请把错误编号 {error_id} 告诉管理员。",
        "en": "Sorry, something went wrong with that action. Try again; if it persists, give the administrator "
        "error id {error_id}.",
    },
    "error.toast.header": {"zh_CN": "出错了", "en": "Something went wrong"},
    "kpi.prior": {"zh_CN": "{comparison}基期：{value}", "en": "{comparison} prior: {value}"},
    "empty.no_customers": {"zh_CN": "没有符合当前筛选条件的客户", "en": "No customers match these filters"},
    "empty.no_data": {"zh_CN": "当前筛选条件下没有数据", "en": "No data for these filters"},
    "common.loading": {"zh_CN": "加载中…", "en": "Loading…"},
}


def normalise_language(value: object) -> str:
    """Map a URL value such as 'en', 'zh', 'zh-CN' to a supported language; default otherwise."""
    if not isinstance(value, str):
        return DEFAULT_LANGUAGE
    low = value.strip().replace("-", "_").lower()
    if low.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang`, with `{placeholders}` filled from `values`."""
    text = MESSAGES[key][normalise_language(lang)]
    return text.format(**values) if values else text
