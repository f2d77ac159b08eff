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
        "export.failed": {
            "zh_CN": "导出失败（错误编号 {error_id}）：{reason}",
            "en": "The export failed (error id {error_id}): {reason}",
        },
    }
)
