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
    "overview.customers": {"zh_CN": "在册客户数", "en": "Customers"},
    "overview.aum": {"zh_CN": "管理资产 (AUM)", "en": "Assets under management"},
    "overview.months": {"zh_CN": "数据月份", "en": "Months of data"},
    "overview.latest": {"zh_CN": "最新月份", "en": "Latest month"},
    "overview.source": {"zh_CN": "数据来源：{folder}", "en": "Data: {folder}"},
    "overview.demo": {"zh_CN": "（演示数据）", "en": " (demo data)"},
    "overview.warnings": {"zh_CN": "数据校验提示 {count} 条", "en": "{count} data warnings"},
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
