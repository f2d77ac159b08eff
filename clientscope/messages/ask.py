"""Strings of the ask box and the /ask page (docs/ask.md)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.ask": {"zh_CN": "问数", "en": "Ask"},
    "ask.title": {"zh_CN": "用文字提问", "en": "Ask in words"},
    "ask.placeholder": {
        "zh_CN": "问数：如 上个月华东区的流失率",
        "en": "Ask: e.g. churn rate in East China last month",
    },
    "ask.button": {"zh_CN": "提问", "en": "Ask"},
    "ask.intro": {
        "zh_CN": "用中文或英文提问：一个指标，可加区域、网点、客户经理、客户分层、渠道、活动，期间（上个月、本季度、"
        "今年以来、近6个月、2026年10月），同比 / 环比，以及排名（各分行、前10）。"
        "答案直接来自 metrics.yaml 的指标定义。",
        "en": "Ask in English or Chinese: one metric, optionally a region, branch, RM, tier, channel or campaign, a "
        "period (last month, this quarter, YTD, last 6 months, Q3 2026), a comparison (vs a year ago, vs last month) "
        "and a ranking (by branch, top 10). Answers come from the metric definitions in metrics.yaml.",
    },
    "ask.understood": {"zh_CN": "理解为", "en": "Understood as"},
    "ask.open_page": {
        "zh_CN": "在「{page}」页查看（带相同筛选条件）",
        "en": "Open on the {page} page with these filters",
    },
    "ask.did_you_mean": {"zh_CN": "您是不是想问：", "en": "Did you mean:"},
    "ask.did_you_mean_names": {"zh_CN": "您是不是指：{names}？", "en": "Did you mean: {names}?"},
    "ask.comparison": {
        "zh_CN": "{prior_period}：{prior}，变化 {change}（{pct}）",
        "en": "{prior_period}: {prior}, change {change} ({pct})",
    },
    "ask.vs": {"zh_CN": "{current} 较 {prior}", "en": "{current} vs {prior}"},
    "ask.period.range": {"zh_CN": "{start}至{end}", "en": "{start} to {end}"},
    "ask.by": {"zh_CN": "按{dimension}", "en": "by {dimension}"},
    "ask.by_month": {"zh_CN": "按月", "en": "by month"},
    "ask.top.desc": {"zh_CN": "前{n}名（从高到低）", "en": "top {n}, highest first"},
    "ask.top.asc": {"zh_CN": "后{n}名（从低到高）", "en": "bottom {n}, lowest first"},
    "ask.rank.desc": {"zh_CN": "从高到低", "en": "highest first"},
    "ask.rank.asc": {"zh_CN": "从低到高", "en": "lowest first"},
    "ask.none": {"zh_CN": "（无）", "en": "(none)"},
    "ask.col.month": {"zh_CN": "月份", "en": "Month"},
    "ask.col.prior": {"zh_CN": "对比期", "en": "Prior period"},
    "ask.col.change": {"zh_CN": "变化", "en": "Change"},
    "ask.col.pct_change": {"zh_CN": "变化率", "en": "% change"},
    "ask.note.plugin": {
        "zh_CN": "此问题由本地语言模型解析，并已按指标、维度与数据清单校验。",
        "en": "This question was parsed by the local language model and checked against the metric, dimension and "
        "data lists.",
    },
    "ask.note.ignored": {"zh_CN": "未使用的词：{words}", "en": "Words not used: {words}"},
    "ask.note.no_value": {
        "zh_CN": "该期间没有可计算的值（例如数据不足，或转化窗口尚未结束）。",
        "en": "There is no value for this period (e.g. no data, or conversion windows not yet complete).",
    },
    "ask.note.at_risk": {
        "zh_CN": "「风险」按规则预警分的红色预警理解；流失模型的高风险客户见「流失预警」页。",
        "en": "“At risk” is read as the red warning of the rule-based warning score; the churn model's at-risk "
        "customers are on the Churn risk page.",
    },
    "ask.note.no_prior": {
        "zh_CN": "对比期{prior}没有数据（数据从{first}开始）。",
        "en": "There is no data for the prior period, {prior} (the data starts in {first}).",
    },
    "ask.issue.default_period": {
        "zh_CN": "问题未指定期间，按{periods}回答。",
        "en": "No period named: answered for {periods}.",
    },
    "ask.issue.clipped": {
        "zh_CN": "{asked}超出数据范围，按{used}回答。",
        "en": "{asked} goes beyond the data: answered for {used}.",
    },
    "ask.issue.plugin_failed": {
        "zh_CN": "本地语言模型出错，未使用其结果。",
        "en": "The local language model failed; its answer was not used.",
    },
    "ask.issue.plugin_rejected": {
        "zh_CN": "本地语言模型的解析未通过校验（{phrase}），未使用。",
        "en": "The local language model's parse failed the checks ({phrase}) and was not used.",
    },
    "ask.issue.empty": {
        "zh_CN": "请输入一个问题，例如「上个月华东区的流失率」。",
        "en": "Type a question, for example “churn rate in East China last month”.",
    },
    "ask.issue.too_long": {
        "zh_CN": "问题太长（{number} 个字符）：请控制在 {limit} 个字符以内。",
        "en": "The question is too long ({number} characters): ask in at most {limit} characters.",
    },
    "ask.issue.sql": {
        "zh_CN": "这里用文字提问，不接受SQL语句。请换一种说法，例如「各分行AUM排名」。",
        "en": "Ask in words here, not in SQL. Try, for example, “top 10 branches by AUM”.",
    },
    "ask.issue.no_data": {"zh_CN": "没有可查询的数据月份。", "en": "There are no months of data to ask about."},
    "ask.issue.no_metric": {
        "zh_CN": "没有在问题中找到指标。",
        "en": "I could not find a metric in the question.",
    },
    "ask.issue.unknown_metric": {"zh_CN": "没有「{phrase}」这个指标。", "en": "There is no metric “{phrase}”."},
    "ask.issue.unknown_dimension": {"zh_CN": "没有「{phrase}」这个维度。", "en": "There is no dimension “{phrase}”."},
    "ask.issue.two_metrics": {
        "zh_CN": "一次只能问一个指标：问题里有{metrics}。",
        "en": "Ask about one metric at a time: the question names {metrics}.",
    },
    "ask.issue.ambiguous_value": {
        "zh_CN": "「{phrase}」可能指{options}：请说明是哪一个。",
        "en": "“{phrase}” could be {options}: say which one.",
    },
    "ask.issue.ambiguous_dimension": {
        "zh_CN": "「{phrase}」可能指{dimensions}：请说明是哪一个。",
        "en": "“{phrase}” could be {dimensions}: say which one.",
    },
    "ask.issue.unknown_value": {
        "zh_CN": "数据中没有「{phrase}」（{dimensions}）。",
        "en": "The data has no {dimensions} “{phrase}”.",
    },
    "ask.issue.not_allowed": {
        "zh_CN": "「{metrics}」不能按{dimensions}查看。",
        "en": "{metrics} cannot be filtered or broken down by {dimensions}.",
    },
    "ask.issue.outside_data": {
        "zh_CN": "{periods}不在数据范围内（数据覆盖{first}至{last}）。",
        "en": "{periods} is outside the data, which covers {first} to {last}.",
    },
    "ask.issue.bad_period": {
        "zh_CN": "期间的开始晚于结束：{periods}。",
        "en": "The period starts after it ends: {periods}.",
    },
    "ask.issue.top_without_group": {
        "zh_CN": "排名需要一个维度，例如「各分行」「按区域」。",
        "en": "A ranking needs something to rank, e.g. “by branch” or “by region”.",
    },
    "ask.issue.two_groups": {
        "zh_CN": "一次只能按一个维度查看：问题里有{dimensions}。",
        "en": "Break down by one thing at a time: the question names {dimensions}.",
    },
    "ask.issue.two_periods": {
        "zh_CN": "问题里有多个期间（{periods}）：请只保留一个，或用「同比」「环比」比较。",
        "en": "The question names several periods ({periods}): keep one, or compare with “vs a year ago” / “vs last "
        "month”.",
    },
    "ask.issue.prev_unsupported": {
        "zh_CN": "环比只适用于一个月、一个季度或一年；{periods}请改用同比。",
        "en": "“vs the previous period” works for a month, a quarter or a year; for {periods} compare with a year ago.",
    },
    "ask.issue.share_unsupported": {
        "zh_CN": "「{metrics}」没有占比指标：可以问它的数值，或按维度查看（例如「各区域{metrics}」）。",
        "en": "There is no share metric for {metrics}: ask for its value, or break it down (e.g. “{metrics} by "
        "region”).",
    },
    "ask.issue.query_failed": {
        "zh_CN": "这个问题暂时无法计算（已记录）。请换一种问法，或在对应页面查看。",
        "en": "This question could not be computed (the error is logged). Ask it another way, or open the page.",
    },
    "ask.issue.outside_scope": {
        "zh_CN": "「{phrase}」不在您的数据权限范围内。",
        "en": "“{phrase}” is outside your data scope.",
    },
    "ask.issue.missing_data": {
        "zh_CN": "当前数据没有「{metrics}」所需的表（{phrase}）。",
        "en": "The data has no tables for {metrics} ({phrase}).",
    },
}
