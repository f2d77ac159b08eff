"""UI strings of the lifecycle area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    "lifecycle.title": {"zh_CN": "客户生命周期", "en": "Customer lifecycle"},
    "lifecycle.cohort_intro": {
        "zh_CN": "获客批次：{start} 至 {end} 开户的客户，共 {count} 户；各环节观察至 {as_of}（最新数据月）。",
        "en": "Acquisition cohort: the {count} customers who opened between {start} and {end}; "
        "steps are observed through {as_of} (the latest month of data).",
    },
    "lifecycle.entry_note": {
        "zh_CN": "客户分层、星级和年龄段按客户开户后首个月份计算。",
        "en": "Tier, card tier and age band are taken at the customer's first month.",
    },
    "lifecycle.ignored": {
        "zh_CN": "本页不适用以下筛选条件：{names}",
        "en": "Not applied on this page: {names}",
    },
    # summary cards
    "lifecycle.card.acquired": {"zh_CN": "获客数", "en": "Acquired"},
    "lifecycle.card.activation": {"zh_CN": "激活率", "en": "Activation rate"},
    "lifecycle.card.retained_early": {"zh_CN": "{months}个月留存率", "en": "{months}-month retention"},
    "lifecycle.card.retained_late": {"zh_CN": "{months}个月留存率", "en": "{months}-month retention"},
    "lifecycle.card.churn": {"zh_CN": "{months}个月内流失率", "en": "Churned within {months} months"},
    "lifecycle.card.days": {"zh_CN": "激活天数中位数", "en": "Median days to activate"},
    "lifecycle.card.reactivation": {"zh_CN": "沉睡客户唤醒率", "en": "Dormant reactivation rate"},
    "lifecycle.card.pending": {"zh_CN": "另有 {count} 户尚不可观察", "en": "{count} not yet measurable"},
    "lifecycle.card.flow_months": {"zh_CN": "{a} → {b}", "en": "{a} → {b}"},
    "lifecycle.days": {"zh_CN": "{days} 天", "en": "{days} days"},
    # funnel
    "lifecycle.funnel.title": {"zh_CN": "获客生命周期漏斗", "en": "Lifecycle funnel of the cohort"},
    "lifecycle.funnel.hint": {
        "zh_CN": "点击环节查看该环节的客户名单，并将其他图表筛选为这些客户（再次点击取消）。",
        "en": "Click a step to list its customers and narrow the other charts to them (click again to undo).",
    },
    "lifecycle.step.acquired": {"zh_CN": "获客", "en": "Acquired"},
    "lifecycle.step.activated": {"zh_CN": "激活", "en": "Activated"},
    "lifecycle.step.retained_early": {"zh_CN": "{months}个月留存", "en": "Retained at {months} months"},
    "lifecycle.step.retained_late": {"zh_CN": "{months}个月留存", "en": "Retained at {months} months"},
    "lifecycle.step.grown": {"zh_CN": "成长", "en": "Grown"},
    "lifecycle.step.churned": {"zh_CN": "流失（{months}个月内）", "en": "Churned (within {months} months)"},
    "lifecycle.def.acquired": {
        "zh_CN": "开户日期在所选期间内的客户（受筛选条件约束）。",
        "en": "Customers whose open date falls in the selected period (and match the filters).",
    },
    "lifecycle.def.activated": {
        "zh_CN": "首个有交易（交易笔数>0）的月份，其月末距开户日不超过 {days} 天。",
        "en": "The first month with transactions (txn_count > 0) ends at most {days} days after the open date.",
    },
    "lifecycle.def.retained_early": {
        "zh_CN": "已激活，且在开户月之后第 {months} 个月仍活跃（当月有交易且未流失）。",
        "en": "Activated, and active {months} months after the opening month (transactions in that month, "
        "not churned).",
    },
    "lifecycle.def.retained_late": {
        "zh_CN": "{early}个月留存，且在开户月之后第 {months} 个月仍活跃。",
        "en": "Retained at {early} months, and active {months} months after the opening month.",
    },
    "lifecycle.def.grown": {
        "zh_CN": "{late}个月留存，且开户后第1至{months}个月内某月较{lookback}个月前分层上升或持有产品增加。",
        "en": "Retained at {late} months, and in some month 1–{months} after opening a higher tier or more "
        "products than {lookback} months before.",
    },
    "lifecycle.def.churned": {
        "zh_CN": "开户后 {months} 个月内流失（销户，或AUM低于流失下限且连续无交易），"
        "按占已观察满 {months} 个月客户计。",
        "en": "Churned within {months} months of opening (closed, or below the AUM floor with no transactions); "
        "shown as a share of the customers observed for {months} months.",
    },
    "lifecycle.def.title": {"zh_CN": "各环节定义", "en": "How the steps are defined"},
    "lifecycle.def.measurable": {
        "zh_CN": "只计观察窗口已走完的客户：“可观察”为截至最新数据月末，该环节及之前各环节的观察窗口均已结束的客户；"
        "各环节的客户数和比率只在可观察客户中计算。开户太晚、窗口尚未结束的客户“尚不可观察”，不计入任何比率"
        "（他们仍可能达到该环节）。",
        "en": "Complete windows only: a step's measurable customers are those whose window for the step (and for "
        "every step before it) has fully elapsed by the latest month-end; its customers and rates count only "
        "them. Customers opened too recently are not yet measurable and are left out of the rate (they may "
        "still reach the step).",
    },
    "lifecycle.pending_note": {
        "zh_CN": "尚不可观察（窗口未结束，不计入比率）：{items}。",
        "en": "Not yet measurable (window not elapsed, left out of the rates): {items}.",
    },
    "lifecycle.pending_item": {"zh_CN": "{step} {count} 户", "en": "{step} {count}"},
    "lifecycle.def.reopen": {
        "zh_CN": "销户后重新开户的客户以新的客户号计入其开户月份的批次；月度数据缺失的月份视为不活跃、不流失。",
        "en": "A customer who closed and reopened has a new customer id and joins the cohort of the new opening "
        "month; a month missing from the data counts as not active and not churned.",
    },
    "lifecycle.col.step": {"zh_CN": "环节", "en": "Step"},
    "lifecycle.col.customers": {"zh_CN": "客户数", "en": "Customers"},
    "lifecycle.col.pct_start": {"zh_CN": "占可观察客户", "en": "% of measurable"},
    "lifecycle.col.pct_previous": {"zh_CN": "占上一环节", "en": "% of previous step"},
    "lifecycle.col.measurable": {"zh_CN": "可观察客户数", "en": "Measurable"},
    "lifecycle.col.pending": {"zh_CN": "尚不可观察", "en": "Not yet measurable"},
    "lifecycle.col.definition": {"zh_CN": "定义", "en": "Definition"},
    "lifecycle.col.group": {"zh_CN": "分组", "en": "Group"},
    "lifecycle.col.group_size": {"zh_CN": "分组获客数", "en": "Group acquired"},
    "lifecycle.of_start": {"zh_CN": "占可观察客户 {value}", "en": "{value} of measurable"},
    "lifecycle.of_previous": {"zh_CN": "占上一环节 {value}", "en": "{value} of previous"},
    "lifecycle.measurable": {"zh_CN": "可观察 {value}", "en": "measurable {value}"},
    "lifecycle.pending": {"zh_CN": "尚不可观察 {value}", "en": "not yet measurable {value}"},
    "lifecycle.customers": {"zh_CN": "客户数", "en": "Customers"},
    "lifecycle.unknown": {"zh_CN": "未知", "en": "Unknown"},
    # comparison
    "lifecycle.compare.title": {"zh_CN": "按{dimension}对比漏斗", "en": "Funnel by {dimension}"},
    "lifecycle.compare.by": {"zh_CN": "对比维度", "en": "Compare by"},
    "lifecycle.compare.hint": {
        "zh_CN": "点击柱子按该分组筛选整页，并查看该分组到达此环节的客户。",
        "en": "Click a bar to filter the whole page to that group and list the group's customers at that step.",
    },
    "lifecycle.share_axis": {"zh_CN": "占可观察客户", "en": "Share of measurable"},
    # retention
    "lifecycle.retention.title": {"zh_CN": "批次留存热力图", "en": "Cohort retention"},
    "lifecycle.retention.customers": {"zh_CN": "客户留存", "en": "Customers retained"},
    "lifecycle.retention.aum": {"zh_CN": "AUM留存", "en": "AUM retained"},
    "lifecycle.retention.hint": {
        "zh_CN": "客户留存：该批次在开户后第k个月仍活跃的客户占比；AUM留存：未流失客户的AUM ÷ 开户当月AUM。"
        "点击格子将整页筛选为该批次，并查看该批次客户。",
        "en": "Customers retained: share of the cohort active k months after opening; AUM retained: AUM of "
        "customers not churned ÷ the cohort's AUM in its opening month. Click a cell to filter the page to that "
        "cohort and list it.",
    },
    "lifecycle.retention.cohort": {"zh_CN": "开户月份", "en": "Opening month"},
    "lifecycle.retention.offset": {"zh_CN": "开户后月数", "en": "Months since opening"},
    "lifecycle.retention.share": {"zh_CN": "留存率", "en": "Retained"},
    "lifecycle.retention.active": {"zh_CN": "活跃客户", "en": "Active"},
    "lifecycle.retention.cohort_size": {"zh_CN": "批次客户数", "en": "Cohort size"},
    "lifecycle.retention.aum_now": {"zh_CN": "当月AUM", "en": "AUM"},
    "lifecycle.retention.aum_base": {"zh_CN": "开户月AUM", "en": "AUM in the opening month"},
    # flow
    "lifecycle.flow.title": {"zh_CN": "生命周期阶段流转", "en": "Stage flow"},
    "lifecycle.flow.from": {"zh_CN": "起始月份 A", "en": "Month A"},
    "lifecycle.flow.to": {"zh_CN": "结束月份 B", "en": "Month B"},
    "lifecycle.flow.hint": {
        "zh_CN": "全部客户在月份A所处阶段流向月份B的阶段；点击连线查看客户名单，并将批次图表筛选为完成该流转的客户。",
        "en": "Where every customer in each stage at month A is at month B; click a link to list its customers and "
        "narrow the cohort charts to those who made that move.",
    },
    "lifecycle.flow.reactivation": {
        "zh_CN": "沉睡客户唤醒率：{rate}（月份A沉睡 {dormant} 户，月份B恢复活跃或成长 {reactivated} 户）",
        "en": "Dormant reactivation rate: {rate} ({reactivated} of {dormant} dormant at A are active or growing at B)",
    },
    "lifecycle.flow.no_dormant": {
        "zh_CN": "月份A没有沉睡客户（沉睡需要A之前至少{months}个月的数据）。",
        "en": "No dormant customers at month A (dormancy needs {months} months of data up to A).",
    },
    "lifecycle.flow.share_of_from": {"zh_CN": "占起始阶段", "en": "Share of the stage at A"},
    "lifecycle.state.not_yet": {"zh_CN": "期间新开户", "en": "Opened after A"},
    "lifecycle.state.gap": {"zh_CN": "当月无数据", "en": "No record that month"},
    "lifecycle.state.reactivated": {"zh_CN": "唤醒", "en": "Reactivated"},
    "lifecycle.state.churned": {"zh_CN": "流失/已离开", "en": "Churned / left"},
    # activation
    "lifecycle.activation.title": {"zh_CN": "激活时长分布", "en": "Time to activate"},
    "lifecycle.activation.offset": {
        "zh_CN": "开户至首次交易的月数（0 = 开户当月）",
        "en": "Months from opening to the first transacting month (0 = the opening month)",
    },
    "lifecycle.activation.within": {"zh_CN": "窗口内激活（≤{days}天）", "en": "Within the window (≤ {days} days)"},
    "lifecycle.activation.after": {"zh_CN": "窗口后首次交易", "en": "First transaction after the window"},
    "lifecycle.activation.never": {"zh_CN": "尚无交易", "en": "None yet"},
    "lifecycle.activation.hint": {
        "zh_CN": "点击柱子查看客户名单，并将其他图表筛选为这些客户。",
        "en": "Click a bar to list its customers and narrow the other charts to them.",
    },
    # stage mix
    "lifecycle.mix.title": {"zh_CN": "阶段结构变化（全部在册客户）", "en": "Stage mix over time (all customers)"},
    "lifecycle.mix.share": {"zh_CN": "占比", "en": "Share"},
    "lifecycle.mix.hint": {
        "zh_CN": "点击色块查看该月该阶段的客户，并将批次图表筛选为最新数据月处于该阶段的客户。",
        "en": "Click a segment to list that month's customers in the stage and narrow the cohort charts to the "
        "customers in that stage at the latest month.",
    },
    "lifecycle.not_narrowed": {
        "zh_CN": "本图为全部客户，未按以下批次筛选缩小：{names}",
        "en": "All customers: not narrowed by {names}",
    },
    "lifecycle.stage_note": {
        "zh_CN": "生命周期阶段筛选：批次中在 {as_of} 处于该阶段的客户（此前已离开的客户计为流失）。",
        "en": "Lifecycle-stage filter: the cohort customers in that stage at {as_of} (those who left earlier count "
        "as churned).",
    },
    "lifecycle.cross.activation": {"zh_CN": "开户后第{k}个月", "en": "{k} months after opening"},
    # drill list
    "lifecycle.list.title": {"zh_CN": "客户名单", "en": "Customers"},
    "lifecycle.list.cohort": {"zh_CN": "获客批次全部客户", "en": "All customers of the cohort"},
    "lifecycle.list.step": {"zh_CN": "漏斗环节：{step}", "en": "Funnel step: {step}"},
    "lifecycle.list.cell": {
        "zh_CN": "{cohort} 开户批次 · 开户后第 {k} 个月的状态",
        "en": "Cohort opened {cohort} · status {k} months after opening",
    },
    "lifecycle.list.act": {"zh_CN": "开户后第 {k} 个月首次交易", "en": "First transaction {k} months after opening"},
    "lifecycle.list.act_none": {"zh_CN": "尚无交易的客户", "en": "Customers with no transaction yet"},
    "lifecycle.list.flow": {"zh_CN": "{a}：{source} → {b}：{target}", "en": "{a}: {source} → {b}: {target}"},
    "lifecycle.list.mix": {"zh_CN": "{month} 处于“{stage}”阶段", "en": "In stage “{stage}” at {month}"},
    "lifecycle.list.count": {"zh_CN": "共 {count} 户", "en": "{count} customers"},
    "lifecycle.list.truncated": {"zh_CN": "（仅显示前 {shown} 户）", "en": "(first {shown} shown)"},
    "lifecycle.list.clear": {"zh_CN": "显示全部批次客户", "en": "Show the whole cohort"},
    "lifecycle.col.customer_id": {"zh_CN": "客户号", "en": "Customer"},
    "lifecycle.col.open_date": {"zh_CN": "开户日期", "en": "Opened"},
    "lifecycle.col.branch_name": {"zh_CN": "网点", "en": "Branch"},
    "lifecycle.col.rm_name": {"zh_CN": "客户经理", "en": "RM"},
    "lifecycle.col.entry_tier": {"zh_CN": "开户时分层", "en": "Tier at entry"},
    "lifecycle.col.days_to_activate": {"zh_CN": "激活天数", "en": "Days to activate"},
    "lifecycle.col.activated": {"zh_CN": "已激活", "en": "Activated"},
    "lifecycle.col.retained_early": {"zh_CN": "{months}个月留存", "en": "Retained {months}m"},
    "lifecycle.col.retained_late": {"zh_CN": "{months}个月留存", "en": "Retained {months}m"},
    "lifecycle.col.grown": {"zh_CN": "成长", "en": "Grown"},
    "lifecycle.col.churned": {"zh_CN": "已流失", "en": "Churned"},
    "lifecycle.col.latest_stage": {"zh_CN": "最新阶段", "en": "Latest stage"},
    "lifecycle.col.latest_aum": {"zh_CN": "最新AUM{unit}", "en": "Latest AUM{unit}"},
    "lifecycle.col.active_at": {"zh_CN": "第{k}月活跃", "en": "Active at month {k}"},
    "lifecycle.col.aum_at": {"zh_CN": "第{k}月AUM{unit}", "en": "AUM at month {k}{unit}"},
    "lifecycle.col.from_state": {"zh_CN": "月份A状态", "en": "State at A"},
    "lifecycle.col.to_state": {"zh_CN": "月份B状态", "en": "State at B"},
    "lifecycle.col.aum_a": {"zh_CN": "月份A AUM{unit}", "en": "AUM at A{unit}"},
    "lifecycle.col.aum_b": {"zh_CN": "月份B AUM{unit}", "en": "AUM at B{unit}"},
    "lifecycle.col.txn_count": {"zh_CN": "当月交易笔数", "en": "Transactions"},
    "lifecycle.col.aum_total": {"zh_CN": "AUM{unit}", "en": "AUM{unit}"},
    "lifecycle.col.month": {"zh_CN": "月份", "en": "Month"},
    "lifecycle.col.stage": {"zh_CN": "阶段", "en": "Stage"},
    "lifecycle.col.share": {"zh_CN": "占比", "en": "Share"},
    "lifecycle.col.within": {"zh_CN": "窗口内激活", "en": "Within the window"},
    "lifecycle.col.after": {"zh_CN": "窗口后首次交易", "en": "After the window"},
    "lifecycle.col.offset": {"zh_CN": "开户后月数", "en": "Months since opening"},
    "lifecycle.col.window": {"zh_CN": "观察窗口", "en": "Window"},
    "lifecycle.yes": {"zh_CN": "是", "en": "Yes"},
    "lifecycle.no": {"zh_CN": "否", "en": "No"},
    "lifecycle.empty.cohort": {
        "zh_CN": "所选期间内没有符合条件的新开户客户。",
        "en": "No customers opened in the selected period match these filters.",
    },
    # export
    "lifecycle.sheet.funnel": {"zh_CN": "生命周期漏斗", "en": "Funnel"},
    "lifecycle.sheet.compare": {"zh_CN": "分组漏斗", "en": "Funnel by group"},
    "lifecycle.sheet.retention": {"zh_CN": "批次留存", "en": "Cohort retention"},
    "lifecycle.sheet.retention_detail": {"zh_CN": "批次留存明细", "en": "Retention detail"},
    "lifecycle.sheet.flow": {"zh_CN": "阶段流转", "en": "Stage flow"},
    "lifecycle.sheet.activation": {"zh_CN": "激活时长", "en": "Time to activate"},
    "lifecycle.sheet.mix": {"zh_CN": "阶段结构", "en": "Stage mix"},
    "lifecycle.sheet.list": {"zh_CN": "客户名单", "en": "Customers"},
    "lifecycle.sheet.definitions": {"zh_CN": "环节定义", "en": "Step definitions"},
    "lifecycle.export.funnel_note": {
        "zh_CN": "{note} 获客批次：{start} 至 {end} 开户；观察至 {as_of}。",
        "en": "{note} Cohort: opened {start} to {end}; observed through {as_of}.",
    },
    "lifecycle.export.retention_note": {
        "zh_CN": "单元格为{measure}；空白表示截至最新数据月尚未到达。",
        "en": "Cells show {measure}; blank cells are months the data has not reached yet.",
    },
    "lifecycle.export.flow_note": {
        "zh_CN": "月份A = {a}，月份B = {b}。{rate}",
        "en": "Month A = {a}, month B = {b}. {rate}",
    },
    "lifecycle.export.offset_col": {"zh_CN": "第{k}月", "en": "M{k}"},
}
