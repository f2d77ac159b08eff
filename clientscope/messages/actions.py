"""UI strings of the retention actions (work queue, coverage, outcomes): {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    # statuses
    "actions.status.open": {"zh_CN": "待跟进", "en": "Open"},
    "actions.status.contacted": {"zh_CN": "已联系", "en": "Contacted"},
    "actions.status.offer_made": {"zh_CN": "已提供方案", "en": "Offer made"},
    "actions.status.retained": {"zh_CN": "已挽留", "en": "Retained"},
    "actions.status.lost": {"zh_CN": "已流失", "en": "Lost"},
    "actions.status.not_reachable": {"zh_CN": "无法联系", "en": "Not reachable"},
    # refused edits
    "actions.error.not_found": {
        "zh_CN": "找不到挽留行动 {action_id}（不存在，或不在您的权限范围内）。",
        "en": "Retention action {action_id} was not found (it does not exist or is outside your scope).",
    },
    "actions.error.stale": {
        "zh_CN": "未保存：{user} 已于 {at} 修改了此行动（当前为第 {version} 版，您编辑的是第 {yours} 版）。"
        "请重新打开该行动查看其修改，再重新录入您的修改。",
        "en": "Not saved: {user} changed this action at {at} (it is now version {version}; you edited version "
        "{yours}). Open the action again to see their change, then make yours again.",
    },
    "actions.error.holdout": {
        "zh_CN": "该客户属于随机对照组（不联系），不能录入挽留行动。",
        "en": "This customer is in the random hold-out group (not to be contacted): no action can be recorded.",
    },
    "actions.error.status": {
        "zh_CN": "未知状态“{status}”；可选：{allowed}。",
        "en": "Unknown status '{status}'; choose one of: {allowed}.",
    },
    "actions.error.offer": {
        "zh_CN": "未知挽留方案“{offer}”；可选：{allowed}（在 retention.yaml 的 offers 中配置）。",
        "en": "Unknown offer '{offer}'; choose one of: {allowed} (configured under offers in retention.yaml).",
    },
    "actions.error.offer_needed": {
        "zh_CN": "状态为“已提供方案”时请选择所提供的挽留方案。",
        "en": "Choose the offer that was made when the status is 'Offer made'.",
    },
    "actions.error.assignee": {
        "zh_CN": "不能分配给客户经理“{assignee}”：不在您的权限范围内。",
        "en": "Cannot assign to RM '{assignee}': not within your scope.",
    },
    "actions.error.note": {
        "zh_CN": "备注最多 {limit} 个字符。",
        "en": "A note has at most {limit} characters.",
    },
    "actions.error.nothing": {
        "zh_CN": "没有需要保存的修改：请更改字段或添加备注。",
        "en": "Nothing to save: change a field or add a note.",
    },
    "actions.error.due": {
        "zh_CN": "跟进截止日期“{value}”无效，请使用 YYYY-MM-DD 格式。",
        "en": "The due date '{value}' is not a date; use YYYY-MM-DD.",
    },
    "actions.error.select": {
        "zh_CN": "请先在工作队列中点击一个客户。",
        "en": "Click a customer in the work queue first.",
    },
    "actions.error.read_only": {
        "zh_CN": "您的角色不能录入挽留行动。",
        "en": "Your role may not record retention actions.",
    },
    # the work queue
    "actions.title": {"zh_CN": "挽留行动工作队列", "en": "Retention work queue"},
    "actions.batch": {
        "zh_CN": "{month} 月末预警批次：{customers} 位高风险客户，{opened} 开始跟进，截止期为 {days} 天；"
        "其中 {held} 位为随机对照组（不联系，不在队列中）。点击一行即可分配、更新状态、记录方案和备注。",
        "en": "Warning batch of month-end {month}: {customers} high-risk customers, opened {opened}, due within "
        "{days} days; {held} of them are the random hold-out (not contacted, not in the queue). Click a row to "
        "assign it, change its status, record the offer and add a note.",
    },
    "actions.filter.status": {"zh_CN": "按状态筛选", "en": "Filter by status"},
    "actions.filter.all": {"zh_CN": "全部", "en": "All"},
    "actions.filter.overdue": {"zh_CN": "仅逾期", "en": "Overdue only"},
    "actions.count": {"zh_CN": "{count} 条行动", "en": "{count} actions"},
    "actions.count_first": {
        "zh_CN": "显示前 {count} 条行动（共 {total} 条）；缩小筛选范围查看其余",
        "en": "The first {count} of {total} actions; narrow the filters to see the rest",
    },
    "actions.overdue": {"zh_CN": "逾期", "en": "Overdue"},
    "actions.col.customer": {"zh_CN": "客户", "en": "Customer"},
    "actions.col.name": {"zh_CN": "姓名", "en": "Name"},
    "actions.col.phone": {"zh_CN": "电话", "en": "Phone"},
    "actions.col.assignee": {"zh_CN": "负责客户经理", "en": "Assigned RM"},
    "actions.col.branch": {"zh_CN": "网点", "en": "Branch"},
    "actions.col.churn_probability": {"zh_CN": "流失概率", "en": "Churn probability"},
    "actions.col.status": {"zh_CN": "状态", "en": "Status"},
    "actions.col.offer": {"zh_CN": "挽留方案", "en": "Offer"},
    "actions.col.due_date": {"zh_CN": "跟进截止日", "en": "Due date"},
    "actions.col.overdue": {"zh_CN": "逾期", "en": "Overdue"},
    "actions.col.note": {"zh_CN": "最新备注", "en": "Latest note"},
    "actions.col.updated": {"zh_CN": "最近修改", "en": "Last changed"},
    "actions.col.warning_month": {"zh_CN": "预警月末", "en": "Warning month-end"},
    "actions.col.region": {"zh_CN": "区域", "en": "Region"},
    "actions.col.rm": {"zh_CN": "客户的客户经理", "en": "Customer's RM"},
    "actions.col.tier": {"zh_CN": "客户层级", "en": "Tier"},
    "actions.col.version": {"zh_CN": "版本", "en": "Version"},
    "actions.col.updated_by": {"zh_CN": "修改人", "en": "Changed by"},
    "actions.col.updated_at": {"zh_CN": "修改时间（UTC）", "en": "Changed at (UTC)"},
    "actions.col.first_contact_at": {"zh_CN": "首次联系（UTC）", "en": "First contact (UTC)"},
    "actions.editor.pick": {
        "zh_CN": "在上方队列中点击一位客户进行跟进。",
        "en": "Click a customer in the queue above to work it.",
    },
    "actions.editor.selected": {
        "zh_CN": "正在跟进：客户 {customer}（{month} 月末预警）",
        "en": "Working: customer {customer} (warning of {month})",
    },
    "actions.editor.note": {"zh_CN": "添加备注（可选）", "en": "Add a note (optional)"},
    "actions.editor.save": {"zh_CN": "保存", "en": "Save"},
    "actions.saved": {"zh_CN": "已保存（第 {version} 版）。", "en": "Saved (version {version})."},
    "actions.history.title": {"zh_CN": "修改记录", "en": "Changes"},
    "actions.history.none": {"zh_CN": "尚无修改记录。", "en": "No change recorded yet."},
    "actions.history.item": {
        "zh_CN": "{at} UTC · {user}：{status}，方案 {offer}，截止 {due}",
        "en": "{at} UTC · {user}: {status}, offer {offer}, due {due}",
    },
    "actions.history.customer": {"zh_CN": "挽留行动记录", "en": "Retention actions"},
    # follow-up coverage
    "actions.coverage.title": {"zh_CN": "跟进覆盖率", "en": "Follow-up coverage"},
    "actions.coverage.none": {"zh_CN": "尚无预警批次。", "en": "No warning batch yet."},
    "actions.coverage.note": {
        "zh_CN": "{month} 月末预警批次中，在开始跟进后 {days} 天内已联系（已联系、已提供方案、已挽留或已流失）的"
        "高风险客户占比，按{level}（随机对照组不计入）。",
        "en": "Share of the high-risk customers of the {month} warning batch contacted (contacted, offer made, "
        "retained or lost) within {days} days of the batch opening, by {level} (the hold-out is not counted).",
    },
    "actions.coverage.level.region": {"zh_CN": "区域", "en": "region"},
    "actions.coverage.level.branch": {"zh_CN": "网点", "en": "branch"},
    "actions.coverage.level.rm": {"zh_CN": "客户经理", "en": "relationship manager"},
    "actions.coverage.col.unit": {"zh_CN": "单位", "en": "Unit"},
    "actions.coverage.col.warned": {"zh_CN": "预警客户", "en": "Warned"},
    "actions.coverage.col.contacted": {"zh_CN": "按期联系", "en": "Contacted in time"},
    "actions.coverage.col.share": {"zh_CN": "覆盖率", "en": "Coverage"},
    "actions.coverage.col.overdue": {"zh_CN": "逾期", "en": "Overdue"},
    "actions.coverage.total": {"zh_CN": "合计", "en": "Total"},
    # did it work
    "actions.outcome.title": {"zh_CN": "挽留效果", "en": "Did it work?"},
    "actions.outcome.empty": {"zh_CN": "尚无挽留行动。", "en": "No retention action yet."},
    "actions.outcome.pending": {
        "zh_CN": "尚无可评估的结果：预警的结果在预警月末后 {months} 个月（数据覆盖到该期末）才可知，最早于 {date}。",
        "en": "No outcome known yet: a warning's outcome is known {months} months after its month-end, once the "
        "extracts reach that date (the first on {date}).",
    },
    "actions.outcome.no_comparison": {
        "zh_CN": "没有可比较的客户：需要同一风险段、层级和预警月中既有已跟进也有未跟进的客户。",
        "en": "No comparison possible: it needs acted-on and not-acted-on customers of the same risk band, tier "
        "and warning month.",
    },
    "actions.outcome.randomised": {
        "zh_CN": "随机对照比较：进入队列的客户留存率 {treated}（{treated_n} 人），"
        "随机对照组 {control}（{control_n} 人），差异 {difference} 个百分点（{confidence} 置信区间 {low} 至 {high}）。"
        "对照组为随机抽取，因此该差异衡量的是挽留行动的效果。",
        "en": "Randomised comparison: customers put in the queue were retained at {treated} ({treated_n}), the "
        "random hold-out at {control} ({control_n}): a difference of {difference} points ({confidence} interval "
        "{low} to {high}). The hold-out was drawn at random, so this measures the effect of the retention actions.",
    },
    "actions.outcome.observational": {
        "zh_CN": "观察性比较（非对照试验）：已跟进客户留存率 {treated}（{treated_n} 人），同一风险段、层级和预警月中"
        "尚未跟进的可比客户 {control}（{control_n} 人），差异 {difference} 个百分点"
        "（{confidence} 置信区间 {low} 至 {high}）。"
        "由客户经理选择联系对象，差异可能部分来自这种选择，而非行动本身。{unmatched} 位已跟进客户没有可比客户，未计入。"
        "如需因果结论，请在 retention.yaml 中设置随机对照比例（holdout_share）。",
        "en": "Observational comparison, not a controlled trial: acted-on customers were retained at {treated} "
        "({treated_n}), comparable customers not yet acted on (same risk band, tier and warning month) at "
        "{control} ({control_n}): a difference of {difference} points ({confidence} interval {low} to {high}). "
        "The RMs chose whom to contact, so part of the difference may come from that choice rather than the "
        "action. {unmatched} acted-on customers had no comparable customer and are left out. For a causal answer, "
        "set a random hold-out share (holdout_share) in retention.yaml.",
    },
    "actions.offers.title": {"zh_CN": "各挽留方案的效果", "en": "Which offers retain best"},
    "actions.offers.col.offer": {"zh_CN": "方案", "en": "Offer"},
    "actions.offers.col.customers": {"zh_CN": "客户数", "en": "Customers"},
    "actions.offers.col.rate": {"zh_CN": "留存率（置信区间）", "en": "Retained (interval)"},
    "actions.offers.col.difference": {
        "zh_CN": "较可比未跟进客户（百分点，区间）",
        "en": "Vs comparable not acted on (points, interval)",
    },
    "actions.offers.note": {
        "zh_CN": "留存 = 预警月末后 3 个月内未销户（以数据为准，而非客户经理录入的状态）。方案间的比较同样是观察性的。",
        "en": "Retained = the relationship did not close within 3 months of the warning month-end (from the data, "
        "not the status an RM recorded). Comparisons between offers are observational too.",
    },
    # workbook sheets
    "actions.sheet.queue": {"zh_CN": "挽留行动工作队列", "en": "Retention work queue"},
    "actions.sheet.coverage": {"zh_CN": "跟进覆盖率", "en": "Follow-up coverage"},
    "actions.sheet.outcomes": {"zh_CN": "挽留效果", "en": "Retention outcomes"},
    "actions.sheet.kind.randomised": {
        "zh_CN": "进入队列 vs 随机对照组（随机对照）",
        "en": "Queued vs random hold-out (randomised)",
    },
    "actions.sheet.kind.observational": {
        "zh_CN": "已跟进 vs 可比未跟进（观察性，非对照试验）",
        "en": "Acted on vs comparable not acted on (observational, not a trial)",
    },
    "actions.sheet.col.group": {"zh_CN": "比较 / 方案", "en": "Comparison / offer"},
    "actions.sheet.col.rate": {"zh_CN": "留存率", "en": "Retained"},
    "actions.sheet.col.control": {"zh_CN": "对照客户数", "en": "Comparison customers"},
    "actions.sheet.col.control_rate": {"zh_CN": "对照留存率", "en": "Comparison retained"},
    "actions.sheet.col.difference": {"zh_CN": "差异（百分点）", "en": "Difference (points)"},
    "actions.sheet.col.low": {"zh_CN": "区间下限", "en": "Interval low"},
    "actions.sheet.col.high": {"zh_CN": "区间上限", "en": "Interval high"},
}
