"""UI strings of the metric catalog page."""

MESSAGES: dict[str, dict[str, str]] = {
    "catalog.title": {"zh_CN": "指标目录", "en": "Metric catalog"},
    "catalog.intro": {
        "zh_CN": "所有指标均来自 metrics.yaml，页面、导出与报表共用同一定义。",
        "en": "Every metric comes from metrics.yaml; pages, exports and reports share one definition.",
    },
    "catalog.search": {"zh_CN": "搜索指标、说明或负责人…", "en": "Search metrics, descriptions or owners…"},
    "catalog.count": {"zh_CN": "共 {count} 个指标", "en": "{count} metrics"},
    "catalog.col.name": {"zh_CN": "指标代码", "en": "Code"},
    "catalog.col.label": {"zh_CN": "指标", "en": "Metric"},
    "catalog.col.description": {"zh_CN": "说明", "en": "Description"},
    "catalog.col.type": {"zh_CN": "类型", "en": "Type"},
    "catalog.col.formula": {"zh_CN": "口径", "en": "Formula"},
    "catalog.col.sql": {"zh_CN": "SQL", "en": "SQL"},
    "catalog.col.owner": {"zh_CN": "负责人", "en": "Owner"},
    "catalog.col.format": {"zh_CN": "格式", "en": "Format"},
    "catalog.col.dimensions": {"zh_CN": "可用维度", "en": "Dimensions"},
    "catalog.col.compare": {"zh_CN": "对比", "en": "Comparisons"},
    "catalog.type.simple": {"zh_CN": "基础", "en": "Simple"},
    "catalog.type.ratio": {"zh_CN": "比率", "en": "Ratio"},
    "catalog.type.derived": {"zh_CN": "派生", "en": "Derived"},
    "catalog.type.conversion": {"zh_CN": "转化", "en": "Conversion"},
    "catalog.agg.sum": {"zh_CN": "求和", "en": "Sum"},
    "catalog.agg.count": {"zh_CN": "计数", "en": "Count"},
    "catalog.agg.count_distinct": {"zh_CN": "去重计数", "en": "Distinct count"},
    "catalog.agg.avg": {"zh_CN": "平均", "en": "Average"},
    "catalog.agg.max": {"zh_CN": "最大值", "en": "Maximum"},
    "catalog.agg.min": {"zh_CN": "最小值", "en": "Minimum"},
    "catalog.words.simple": {"zh_CN": "{agg}：{expr}（来源 {source}）", "en": "{agg} of {expr} over {source}"},
    "catalog.words.semi": {
        "zh_CN": "{agg}：{expr}（来源 {source}；季度、年度取期末月，不累加）",
        "en": "{agg} of {expr} over {source} (a balance: quarters and years take the last month, never the sum)",
    },
    "catalog.words.semi_first": {
        "zh_CN": "{agg}：{expr}（来源 {source}；期初值：季度、年度取首月）",
        "en": "{agg} of {expr} over {source} (an opening balance: quarters and years take the first month)",
    },
    "catalog.words.where": {"zh_CN": "，条件：{condition}", "en": ", where {condition}"},
    "catalog.words.event_in_period": {
        "zh_CN": "，且 {column} 不晚于期末月（期初客户中在期内发生该事件的部分）",
        "en": ", and {column} on or before the period's last month (the part of the opening book with that event "
        "in the period)",
    },
    "catalog.words.ratio": {
        "zh_CN": "{numerator} ÷ {denominator}（任何汇总层级均为分子合计 ÷ 分母合计）",
        "en": "{numerator} ÷ {denominator} (at every level: total numerator ÷ total denominator)",
    },
    "catalog.words.derived": {"zh_CN": "由其他指标计算：{expr}", "en": "Computed from other metrics: {expr}"},
    "catalog.words.conversion": {
        "zh_CN": "{base} 中的 {entity} 在 {days} 天内于 {conversion} 发生转化的比例"
        "（只计 {days} 天窗口已在最新数据月末前结束的事件）",
        "en": "Share of {entity} in {base} converting in {conversion} within {days} days (only events whose "
        "{days}-day window has ended by the data's last month-end)",
    },
}
