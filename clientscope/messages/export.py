"""UI strings of the export area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {}
MESSAGES.update(
    {
        "export.button": {"zh_CN": "导出 Excel", "en": "Export to Excel"},
        "export.period": {"zh_CN": "月份", "en": "Month"},
        "export.metric": {"zh_CN": "指标", "en": "Metric"},
        "export.shown": {"zh_CN": "展示值", "en": "As shown"},
        "export.value": {"zh_CN": "本期值", "en": "Value"},
        "export.prior": {"zh_CN": "{comparison}基期值", "en": "{comparison} prior"},
        "export.change": {"zh_CN": "变动", "en": "Change"},
        "export.pct_change": {"zh_CN": "变动率", "en": "% change"},
        "export.sheet.kpis": {"zh_CN": "核心指标", "en": "KPIs"},
        "export.kpi_note": {
            "zh_CN": "比率类指标的变动为比率之差（0.012 即 1.2 个百分点）。",
            "en": "For rates the change is the difference of the rates (0.012 = 1.2 percentage points).",
        },
        "export.kpi_month": {"zh_CN": "指标月份", "en": "KPI month"},
        "export.kpi_month_value": {
            "zh_CN": "{months}（核心指标为统计期间最后一个月的值）",
            "en": "{months} (KPIs are the last month of the period)",
        },
        "export.kpi_month_note": {
            "zh_CN": "本期值为{month}的值，基期为{prior}。",
            "en": "Values are for {month}, compared with {prior}.",
        },
        "export.prior_month": {"zh_CN": "对比月份", "en": "Compared with"},
        "export.period_value": {"zh_CN": "期间值（{start}至{end}）", "en": "Period value ({start} – {end})"},
        "export.period_numerator": {"zh_CN": "期间分子", "en": "Period numerator"},
        "export.period_denominator": {"zh_CN": "期间分母", "en": "Period denominator"},
        "export.period_basis": {"zh_CN": "期间口径（分子 ÷ 分母）", "en": "Period basis (numerator ÷ denominator)"},
        "export.period_note": {
            "zh_CN": "期间值为{start}至{end}整个期间的值（比率 = 分子合计 ÷ 分母合计；流失率 = 期初客户中期内流失数 ÷ "
            "期初客户数）；存量指标（如客户数、AUM）的期间值即最后一个月的值，不另列。",
            "en": "The period value covers {start} – {end} (a rate is the sum of its numerator ÷ the sum of its "
            "denominator; the churn rate is the opening customers who churned in the period ÷ the opening "
            "customers); stocks such as customers or AUM have no period value besides their last month.",
        },
        "export.failed": {
            "zh_CN": "导出失败（错误编号 {error_id}）：{reason}",
            "en": "The export failed (error id {error_id}): {reason}",
        },
    }
)
