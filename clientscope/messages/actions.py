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
}
