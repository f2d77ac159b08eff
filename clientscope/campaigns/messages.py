"""UI strings of the campaigns area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    "campaigns.title": {"zh_CN": "营销归因", "en": "Campaign attribution"},
    "campaigns.intro": {
        "zh_CN": "哪些营销活动和渠道带来了转化与收入：多触点归因、对照组提升、获客成本与ROI、转化路径。",
        "en": "Which campaigns and channels produce conversions and revenue: multi-touch attribution, uplift "
        "against control groups, cost per acquisition, ROI and conversion paths.",
    },
    # settings
    "campaigns.settings.model": {"zh_CN": "归因模型", "en": "Attribution model"},
    "campaigns.settings.lookback": {"zh_CN": "回溯窗口", "en": "Look-back window"},
    "campaigns.settings.half_life": {"zh_CN": "时间衰减半衰期", "en": "Time-decay half-life"},
    "campaigns.settings.days": {"zh_CN": "{days} 天", "en": "{days} days"},
    "campaigns.settings.help": {
        "zh_CN": "转化前回溯窗口内被触达（不含对照组）的营销触点分享该笔转化的功劳，每笔转化的功劳合计为 1。"
        "半衰期只影响时间衰减模型。",
        "en": "The touches (control group excluded) in the look-back window before a conversion share its credit; "
        "each conversion's credits add up to 1. The half-life only affects the time-decay model.",
    },
    "campaigns.model.first_touch": {"zh_CN": "首次触达", "en": "First touch"},
    "campaigns.model.last_touch": {"zh_CN": "末次触达", "en": "Last touch"},
    "campaigns.model.linear": {"zh_CN": "线性平均", "en": "Linear"},
    "campaigns.model.time_decay": {"zh_CN": "时间衰减", "en": "Time decay"},
    "campaigns.model.position_based": {"zh_CN": "位置加权（40/20/40）", "en": "Position-based (40/20/40)"},
    "campaigns.model.markov": {"zh_CN": "数据驱动（马尔可夫）", "en": "Data-driven (Markov)"},
    "campaigns.model_help.first_touch": {
        "zh_CN": "全部功劳归于窗口内最早的触达。",
        "en": "All credit to the earliest touch in the window.",
    },
    "campaigns.model_help.last_touch": {
        "zh_CN": "全部功劳归于转化前最后一次触达（与指标口径“归因转化笔数”一致）。",
        "en": "All credit to the last touch before the conversion (as the metric “Attributed conversions”).",
    },
    "campaigns.model_help.linear": {"zh_CN": "窗口内每次触达平分功劳。", "en": "Each touch in the window gets 1/n."},
    "campaigns.model_help.time_decay": {
        "zh_CN": "越接近转化的触达功劳越大：每早一个半衰期，权重减半。",
        "en": "Touches nearer the conversion earn more: the weight halves every half-life.",
    },
    "campaigns.model_help.position_based": {
        "zh_CN": "首次与末次触达各得 40%，中间触达平分 20%。",
        "en": "40% to the first and to the last touch, 20% shared by the touches between.",
    },
    "campaigns.model_help.markov": {
        "zh_CN": "按渠道的移除效应（马尔可夫链）分配功劳：去掉该渠道后转化概率下降越多，功劳越大。",
        "en": "Credit by each channel's removal effect in a Markov chain: the more conversions drop without "
        "the channel, the more credit it earns.",
    },
    # states and notes
    "campaigns.no_data.title": {"zh_CN": "没有营销数据", "en": "No campaign data"},
    "campaigns.no_data.body": {
        "zh_CN": "营销归因需要抽数中的营销活动（campaigns）、营销触达（touches）和转化（conversions）三张表。"
        "当前数据文件夹缺少：{tables}。",
        "en": "Campaign attribution needs the campaigns, touches and conversions tables of the extracts. "
        "This data folder lacks: {tables}.",
    },
    "campaigns.no_data.fix": {
        "zh_CN": "请按 docs/data-contract.md 的说明补充这些表后重新启动；其他页面不受影响。",
        "en": "Add these tables as described in docs/data-contract.md and restart; the other pages work as before.",
    },
    "campaigns.note.ignored": {
        "zh_CN": "营销数据不能按以下维度筛选，已忽略：{dimensions}。",
        "en": "Campaign data cannot be cut by these dimensions, so they are not applied here: {dimensions}.",
    },
    "campaigns.note.selection": {
        "zh_CN": "已选择营销活动或渠道：归因数字为所选触达获得的功劳，客户范围为其触达的客户。",
        "en": "Campaigns or channels are selected: attribution shows the credit the selected touches earn, "
        "among the customers they reached.",
    },
    "campaigns.note.recomputed": {
        "zh_CN": "回溯窗口 {days} 天、半衰期 {half_life} 天不是预先计算的设置：本视图的归因为即时重新计算，"
        "数据量大时较慢；马尔可夫模型按本视图的转化路径重新拟合。",
        "en": "A {days}-day look-back with a {half_life}-day half-life is not a precomputed setting: this view's "
        "attribution was recomputed on request, which is slower on large data; the Markov model was refitted on "
        "this view's journeys.",
    },
    "campaigns.note.paths_selection": {
        "zh_CN": "转化路径表显示所选客户范围内的全部路径，不按所选活动或渠道筛选。",
        "en": "The conversion paths table shows every journey of the customers in view; the campaign or channel "
        "selection does not narrow it.",
    },
    "campaigns.note.truncated": {
        "zh_CN": "当前范围内的触达记录过多，只计算了前 {rows} 条；请缩小筛选范围。",
        "en": "Too many touches in this view: only the first {rows} were used. Narrow the filters.",
    },
    "campaigns.note.unattributed": {
        "zh_CN": "期内 {count} 笔转化（{revenue}）在 {days} 天回溯窗口内没有任何营销触达，未归因到任何活动。",
        "en": "{count} conversions ({revenue}) in the period had no touch in the {days}-day window and are "
        "credited to no campaign.",
    },
    "campaigns.note.cost": {
        "zh_CN": "成本按活动开始月份计入；期前开始的活动不显示成本、获客成本和ROI。客户维度的筛选不拆分成本。",
        "en": "Cost is booked in the month a campaign starts; campaigns that started before the period show no "
        "cost, CPA or ROI. Customer filters do not split a campaign's cost.",
    },
    # KPI tiles
    "campaigns.kpi.conversions": {"zh_CN": "期内转化笔数", "en": "Conversions in the period"},
    "campaigns.kpi.attributed": {"zh_CN": "归因转化（{model}）", "en": "Attributed conversions ({model})"},
    "campaigns.kpi.attributed_note": {
        "zh_CN": "有触达的转化 {count} 笔",
        "en": "{count} conversions had a touch",
    },
    "campaigns.kpi.unattributed": {"zh_CN": "未归因转化", "en": "Unattributed conversions"},
    # campaign table
    "campaigns.table.title": {"zh_CN": "营销活动效果", "en": "Campaign performance"},
    "campaigns.table.hint": {
        "zh_CN": "点击某行即选中该活动（全页联动，并列出其转化客户）；再次点击取消。",
        "en": "Click a row to select that campaign (the whole page follows and lists its converted customers); "
        "click again to clear.",
    },
    "campaigns.table.total": {"zh_CN": "合计", "en": "Total"},
    "campaigns.col.start_date": {"zh_CN": "开始日期", "en": "Start"},
    "campaigns.col.end_date": {"zh_CN": "结束日期", "en": "End"},
    "campaigns.col.converted": {"zh_CN": "转化客户数", "en": "Converted customers"},
    "campaigns.col.measurable": {"zh_CN": "可观察客户数", "en": "Measurable customers"},
    "campaigns.col.measurable_help": {
        "zh_CN": "期内至少有一次触达的 {days} 天转化窗口已在最新数据月末前结束的客户；转化率只在这些客户中计算。",
        "en": "Customers with at least one touch whose {days}-day conversion window has ended by the latest "
        "month-end of the data; the conversion rate counts only them.",
    },
    "campaigns.note.pending": {
        "zh_CN": "转化率只计转化窗口已结束的触达：{reached} 位触达客户和 {control} 位对照组客户的每次触达，其 {days} 天"
        "窗口都在最新数据月（{month}）月末之后才结束，尚不可观察，不计入转化率。",
        "en": "Conversion rates count only touches whose window has ended: {reached} reached and {control} "
        "control-group customers are not yet measurable (every touch's {days}-day window ends after the last "
        "month-end of the data, {month}) and are left out of the rates.",
    },
    "campaigns.col.converted_help": {
        "zh_CN": "可观察的触达客户中，在某次窗口已结束的触达后 {days} 天内发生转化的客户数。",
        "en": "Measurable reached customers who converted within {days} days of a touch whose window has ended.",
    },
    "campaigns.col.control_customers": {"zh_CN": "对照组客户数", "en": "Control-group customers"},
    "campaigns.col.control_help": {
        "zh_CN": "被随机留出、未被触达的对照组客户数。",
        "en": "Customers held out at random and not contacted.",
    },
    "campaigns.col.uplift_ci": {"zh_CN": "提升的95%置信区间", "en": "Uplift 95% interval"},
    "campaigns.col.uplift_ci_help": {
        "zh_CN": "Newcombe 混合得分区间；区间全部大于 0 表示提升显著。",
        "en": "Newcombe's hybrid score interval; an interval wholly above 0 means a significant uplift.",
    },
    "campaigns.col.relative_uplift": {"zh_CN": "相对提升", "en": "Relative uplift"},
    "campaigns.col.relative_uplift_help": {
        "zh_CN": "营销转化率 ÷ 对照组转化率 − 1。",
        "en": "Campaign conversion rate ÷ control-group conversion rate − 1.",
    },
    "campaigns.col.relative_ci": {"zh_CN": "相对提升的95%置信区间", "en": "Relative uplift 95% interval"},
    "campaigns.col.relative_ci_help": {
        "zh_CN": "对数风险比（Katz）区间。",
        "en": "Katz log risk-ratio interval.",
    },
    "campaigns.col.attributed_help": {
        "zh_CN": "按所选归因模型分得的转化功劳之和（{model}，回溯 {days} 天）。",
        "en": "Sum of the conversion credit earned under the chosen model ({model}, {days}-day look-back).",
    },
    "campaigns.col.attributed_revenue_help": {
        "zh_CN": "按所选归因模型分得的转化金额（功劳 × 转化金额）。",
        "en": "Conversion value shared out in proportion to the credit under the chosen model.",
    },
    # charts
    "campaigns.uplift.title": {
        "zh_CN": "对照组转化提升（95%置信区间）",
        "en": "Uplift vs control (95% interval)",
    },
    "campaigns.uplift.interval": {"zh_CN": "95%置信区间", "en": "95% interval"},
    "campaigns.uplift.none": {
        "zh_CN": "当前范围内没有设置对照组的活动，无法计算提升。",
        "en": "No campaign in this view has a control group, so uplift cannot be measured.",
    },
    "campaigns.channels.title": {
        "zh_CN": "各归因模型下的渠道功劳",
        "en": "Channel credit by attribution model",
    },
    "campaigns.channels.hint": {
        "zh_CN": "同一渠道在不同模型下分得的转化功劳；实色为当前模型。点击柱子按渠道筛选。",
        "en": "The same channel credited differently by each model; the solid bars are the chosen model. "
        "Click a bar to filter by that channel.",
    },
    "campaigns.trend.title": {
        "zh_CN": "各活动月度归因转化（{model}）",
        "en": "Attributed conversions by month ({model})",
    },
    "campaigns.trend.other": {"zh_CN": "其他活动", "en": "Other campaigns"},
    "campaigns.trend.y": {"zh_CN": "归因转化", "en": "Attributed conversions"},
    # paths
    "campaigns.paths.title": {"zh_CN": "主要转化路径", "en": "Top conversion paths"},
    "campaigns.paths.hint": {
        "zh_CN": "客户旅程的渠道序列：转化旅程为转化前回溯窗口内的触达，未转化旅程为其余触达（间隔超过窗口即断开）。",
        "en": "Channel sequences of customer journeys: converting journeys are the touches in a conversion's "
        "look-back window, the other touches form non-converting journeys (split by gaps longer than the window).",
    },
    "campaigns.col.path": {"zh_CN": "渠道路径", "en": "Channel path"},
    "campaigns.col.journeys": {"zh_CN": "旅程数", "en": "Journeys"},
    "campaigns.col.path_conversions": {"zh_CN": "转化旅程数", "en": "Converting journeys"},
    "campaigns.col.path_rate": {"zh_CN": "路径转化率", "en": "Path conversion rate"},
    # converted customers
    "campaigns.customers.title": {"zh_CN": "转化客户", "en": "Converted customers"},
    "campaigns.customers.of": {"zh_CN": "转化客户：{selection}", "en": "Converted customers: {selection}"},
    "campaigns.customers.hint": {
        "zh_CN": "按所选模型获得功劳的转化客户；点击客户编号查看客户全景视图。",
        "en": "Customers whose conversions earned credit under the chosen model; click an id for the customer 360.",
    },
    "campaigns.customers.count": {"zh_CN": "共 {count} 位客户", "en": "{count} customers"},
    "campaigns.col.customer_id": {"zh_CN": "客户编号", "en": "Customer id"},
    "campaigns.col.customer_name": {"zh_CN": "客户姓名", "en": "Name"},
    "campaigns.col.branch_name": {"zh_CN": "开户网点", "en": "Branch"},
    "campaigns.col.rm_name": {"zh_CN": "客户经理", "en": "Relationship manager"},
    "campaigns.col.conversions": {"zh_CN": "转化笔数", "en": "Conversions"},
    "campaigns.col.conversion_value": {"zh_CN": "转化金额", "en": "Conversion value"},
    "campaigns.col.top_campaign": {"zh_CN": "主要归因活动", "en": "Main campaign credited"},
    "campaigns.col.last_conversion": {"zh_CN": "最近转化日期", "en": "Last conversion"},
    # workbook
    "campaigns.sheet.campaigns": {"zh_CN": "营销活动", "en": "Campaigns"},
    "campaigns.sheet.attribution": {"zh_CN": "归因（全部模型）", "en": "Attribution (all models)"},
    "campaigns.sheet.attribution_note": {
        "zh_CN": "每个归因模型下，各渠道与活动分得的转化功劳与收入（回溯 {days} 天，半衰期 {half_life} 天）。"
        "model / channel / campaign 为代码。",
        "en": "Conversion credit and revenue of each channel and campaign under every model ({days}-day look-back, "
        "{half_life}-day half-life). model / channel / campaign are codes.",
    },
    "campaigns.sheet.channels": {"zh_CN": "渠道×模型", "en": "Channels by model"},
    "campaigns.sheet.paths": {"zh_CN": "转化路径", "en": "Conversion paths"},
    "campaigns.sheet.trend": {"zh_CN": "月度归因转化", "en": "Monthly attribution"},
    "campaigns.sheet.customers": {"zh_CN": "转化客户", "en": "Converted customers"},
    "campaigns.sheet.settings_note": {
        "zh_CN": "归因模型：{model}；回溯窗口 {days} 天；半衰期 {half_life} 天。",
        "en": "Attribution model: {model}; look-back {days} days; half-life {half_life} days.",
    },
    "campaigns.col.model": {"zh_CN": "归因模型", "en": "Model"},
    "campaigns.col.month": {"zh_CN": "月份", "en": "Month"},
    "campaigns.col.campaign_id": {"zh_CN": "活动编号", "en": "Campaign id"},
}
