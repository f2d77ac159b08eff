"""UI and message strings of scheduled reports and alerts: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    "delivery.report.subject": {"zh_CN": "【定期报表】{title}（{name}）", "en": "[Report] {title} ({name})"},
    "delivery.report.intro": {
        "zh_CN": "{user}，您好：这是订阅“{name}”的定期报表，按计划于 {when} 生成。",
        "en": "Hello {user}, this is the scheduled report of the subscription “{name}”, due at {when}.",
    },
    "delivery.report.filters": {"zh_CN": "筛选条件：{filters}", "en": "Filters: {filters}"},
    "delivery.report.no_filters": {
        "zh_CN": "筛选条件：无（您权限内的全部数据）",
        "en": "Filters: none (all you may see)",
    },
    "delivery.report.as_of": {"zh_CN": "数据截至：{date}", "en": "Data as of: {date}"},
    "delivery.report.attached": {
        "zh_CN": "附件为 Excel 报表（{rows} 行数据），按您的权限范围生成。",
        "en": "The Excel workbook is attached ({rows} data rows), made for your own access scope.",
    },
    "delivery.report.masked": {
        "zh_CN": "按您的角色，客户姓名、电话和证件号已脱敏。",
        "en": "Names, phone and ID numbers are masked, as your role requires.",
    },
    "delivery.link": {"zh_CN": "在 Clientscope 中查看", "en": "Open in Clientscope"},
    "delivery.alert.subject": {"zh_CN": "【预警】{metric}：{scope}", "en": "[Alert] {metric}: {scope}"},
    "delivery.alert.whole_bank": {"zh_CN": "您权限内全部客户", "en": "all customers you may see"},
    "delivery.alert.value": {
        "zh_CN": "{metric}（{period}）为 {value}，上期 {prior}。",
        "en": "{metric} ({period}) is {value}; prior period {prior}.",
    },
    "delivery.alert.above": {"zh_CN": "触发条件：高于阈值 {threshold}。", "en": "Condition: above {threshold}."},
    "delivery.alert.below": {"zh_CN": "触发条件：低于阈值 {threshold}。", "en": "Condition: below {threshold}."},
    "delivery.alert.rise_above": {
        "zh_CN": "触发条件：环比上升超过 {threshold}（实际 {change}）。",
        "en": "Condition: up more than {threshold} on the prior period (actual {change}).",
    },
    "delivery.alert.fall_below": {
        "zh_CN": "触发条件：环比下降超过 {threshold}（实际 {change}）。",
        "en": "Condition: down more than {threshold} on the prior period (actual {change}).",
    },
    "delivery.alert.below_metric": {
        "zh_CN": "触发条件：低于{other}（{other_value}）。",
        "en": "Condition: below {other} ({other_value}).",
    },
    "delivery.alert.above_metric": {
        "zh_CN": "触发条件：高于{other}（{other_value}）。",
        "en": "Condition: above {other} ({other_value}).",
    },
    "delivery.alert.period.month": {"zh_CN": "{month}", "en": "{month}"},
    "delivery.alert.period.to_date": {"zh_CN": "截至 {month}", "en": "to {month}"},
    "delivery.alert.once": {
        "zh_CN": "该预警在指标恢复正常前不会重复发送。",
        "en": "You will not get this alert again until the breach clears.",
    },
    "delivery.none": {"zh_CN": "无", "en": "none"},
    "nav.subscriptions": {"zh_CN": "订阅", "en": "Subscriptions"},
    "subs.title": {"zh_CN": "定期报表与预警", "en": "Scheduled reports and alerts"},
    "subs.intro": {
        "zh_CN": "订阅与预警定义在 {file}（见 docs/delivery.md）。每位收件人收到的报表按其本人的角色与权限范围生成。",
        "en": "Subscriptions and alerts are defined in {file} (see docs/delivery.md). Each recipient gets the report "
        "for their own role and scope.",
    },
    "subs.no_file": {
        "zh_CN": "未找到订阅文件 {file}：尚未定义任何订阅或预警。",
        "en": "No subscriptions file at {file}: no subscription or alert is defined yet.",
    },
    "subs.invalid": {
        "zh_CN": "订阅文件有错误，未发送任何内容：",
        "en": "The subscriptions file has problems; nothing is sent:",
    },
    "subs.col.name": {"zh_CN": "名称", "en": "Name"},
    "subs.col.page": {"zh_CN": "页面", "en": "Page"},
    "subs.col.filters": {"zh_CN": "筛选", "en": "Filters"},
    "subs.col.schedule": {"zh_CN": "计划（cron）", "en": "Schedule (cron)"},
    "subs.col.next": {"zh_CN": "下次发送", "en": "Next run"},
    "subs.col.recipients": {"zh_CN": "收件人", "en": "Recipients"},
    "subs.col.state": {"zh_CN": "状态", "en": "State"},
    "subs.state.active": {"zh_CN": "启用", "en": "active"},
    "subs.state.paused": {"zh_CN": "已暂停", "en": "paused"},
    "subs.pause": {"zh_CN": "暂停", "en": "Pause"},
    "subs.resume": {"zh_CN": "恢复", "en": "Resume"},
    "subs.send": {"zh_CN": "立即发送", "en": "Send now"},
    "subs.queued": {
        "zh_CN": "已加入发送队列：调度程序（clientscope schedule run）将在一分钟内按各收件人的权限发送“{name}”。",
        "en": "Queued: the scheduler (clientscope schedule run) sends “{name}” within a minute, to each recipient in "
        "their own scope.",
    },
    "subs.alerts": {"zh_CN": "预警", "en": "Alerts"},
    "subs.col.metric": {"zh_CN": "指标", "en": "Metric"},
    "subs.col.condition": {"zh_CN": "条件", "en": "Condition"},
    "subs.log": {"zh_CN": "发送记录", "en": "Delivery log"},
    "subs.col.kind": {"zh_CN": "类型", "en": "Kind"},
    "subs.col.due_at": {"zh_CN": "计划时间", "en": "Due at"},
    "subs.col.recipient": {"zh_CN": "收件人", "en": "Recipient"},
    "subs.col.status": {"zh_CN": "结果", "en": "Result"},
    "subs.col.attempts": {"zh_CN": "尝试次数", "en": "Attempts"},
    "subs.col.result": {"zh_CN": "说明", "en": "Detail"},
    "subs.col.finished_at": {"zh_CN": "完成时间", "en": "Finished at"},
}
