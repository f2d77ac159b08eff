"""UI strings of the segments area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    "segments.title": {"zh_CN": "客群结构", "en": "Segments"},
    "segments.intro": {
        "zh_CN": "统计期间 {start} 至 {end}；结构类图表取期末月 {end}。"
        "点击图表中的分层或维度值即可联动筛选，下方客户名单随之更新。",
        "en": "Period {start} to {end}; mix charts show the last month, {end}. Click a tier or a value in a chart "
        "to cross-filter; the customer list below follows.",
    },
    "segments.share": {"zh_CN": "占比", "en": "Share"},
    "segments.click_hint": {
        "zh_CN": "点击柱形或表格行按该值联动筛选；再次点击取消。",
        "en": "Click a bar or a table row to cross-filter by it; click again to clear.",
    },
    # tier mix
    "segments.mix.title": {"zh_CN": "客户分层结构（{month}）", "en": "Tier mix ({month})"},
    "segments.mix.change": {"zh_CN": "{compare}变化", "en": "{compare} change"},
    "segments.mix.customer_share": {"zh_CN": "客户数占比", "en": "Share of customers"},
    "segments.mix.aum_share": {"zh_CN": "AUM占比", "en": "Share of AUM"},
    "segments.mix.share_change": {"zh_CN": "占比{compare}变化", "en": "Share, {compare} change"},
    # trend
    "segments.trend.title": {"zh_CN": "分层趋势（{start} 至 {end}）", "en": "Tier trend ({start} to {end})"},
    "segments.trend.count": {"zh_CN": "客户数", "en": "Customers"},
    "segments.trend.aum": {"zh_CN": "AUM", "en": "AUM"},
    "segments.trend.share": {"zh_CN": "AUM占比", "en": "AUM share"},
    # breakdown
    "segments.breakdown.title": {"zh_CN": "分层结构细分（{month}）", "en": "Tier mix by dimension ({month})"},
    "segments.tag": {"zh_CN": "客户标签", "en": "Tag"},
    "segments.mix_measure.count": {"zh_CN": "客户数", "en": "Customers"},
    "segments.mix_measure.aum": {"zh_CN": "AUM", "en": "AUM"},
    "segments.mix_measure.share": {"zh_CN": "分层占比", "en": "Tier share"},
    "segments.breakdown.tag_hint": {
        "zh_CN": "一位客户可有多个标签，会计入每个标签；点击标签即在下方名单中查看该标签的客户。",
        "en": "A customer with several tags counts under each. Click a tag to list its customers below.",
    },
    "segments.tag.none": {"zh_CN": "无标签", "en": "No tag"},
    "segments.tag.retiree": {"zh_CN": "退休人士", "en": "Retiree"},
    "segments.tag.parent": {"zh_CN": "有孩家庭", "en": "Parent"},
    "segments.tag.young_professional": {"zh_CN": "年轻白领", "en": "Young professional"},
    "segments.tag.business_owner": {"zh_CN": "企业主", "en": "Business owner"},
    "segments.tag.high_income": {"zh_CN": "高收入", "en": "High income"},
    "segments.tag.student": {"zh_CN": "学生", "en": "Student"},
    # products
    "segments.products.title": {"zh_CN": "产品渗透（{month}）", "en": "Product penetration ({month})"},
    "segments.products.penetration": {
        "zh_CN": "各分层持有各类产品的客户占比",
        "en": "Share of each tier holding each product type",
    },
    "segments.products.holders": {"zh_CN": "持有客户数", "en": "Holders"},
    "segments.products.no_holdings": {
        "zh_CN": "数据中没有持仓（holdings）抽数，无法计算产品渗透率；户均持有产品数仍取自客户月度数据。",
        "en": "The data has no holdings extract, so product penetration cannot be shown; products per customer "
        "still comes from the monthly customer data.",
    },
    # migration
    "segments.migration.title": {
        "zh_CN": "分层迁移（{start}月末 → {end}月末）",
        "en": "Tier migration (end of {start} → end of {end})",
    },
    "segments.migration.from": {"zh_CN": "期间首月", "en": "Period from"},
    "segments.migration.to": {"zh_CN": "期间末月", "en": "Period to"},
    "segments.migration.upgrades": {"zh_CN": "升级客户", "en": "Upgrades"},
    "segments.migration.downgrades": {"zh_CN": "降级客户", "en": "Downgrades"},
    "segments.migration.net": {"zh_CN": "净升级", "en": "Net upgrades"},
    "segments.migration.new": {"zh_CN": "新进客户", "en": "New"},
    "segments.migration.closed": {"zh_CN": "流出客户", "en": "Closed"},
    "segments.migration.net_aum": {"zh_CN": "净上移AUM", "en": "Net AUM moved up"},
    "segments.migration.customers": {"zh_CN": "迁移矩阵：客户数", "en": "Migration matrix: customers"},
    "segments.migration.aum": {"zh_CN": "迁移矩阵：AUM", "en": "Migration matrix: AUM"},
    "segments.migration.sankey": {"zh_CN": "分层流向（客户数）", "en": "Tier flows (customers)"},
    "segments.migration.from_axis": {"zh_CN": "{month}月末分层", "en": "Tier at the end of {month}"},
    "segments.migration.to_axis": {"zh_CN": "{month}月末分层", "en": "Tier at the end of {month}"},
    "segments.migration.detail": {
        "zh_CN": "所选两个月末不在预先汇总的迁移中（汇总涵盖默认期间与单月期间），本次按客户明细计算，可能稍慢。",
        "en": "These two month-ends are not among the pre-aggregated migrations (the default period and one-month "
        "periods are), so this one was computed from the customer rows and may take longer.",
    },
    "segments.migration.note": {
        "zh_CN": "迁移期间从所选首月到末月：期初取首月之前的月末（与流失率的期初客户相同），首月内的迁移也计入。"
        "“新进”为仅在期末月在册的客户（期间开户），“流出”为仅在期初月末在册的客户（期间销户）。"
        "AUM 取期末月余额，流出客户取期初月末余额；净上移AUM = 升级客户在期末月的AUM − 降级客户在期初月末的AUM。"
        "点击矩阵单元格或流向，即在下方名单中查看这些客户。",
        "en": "The migration period runs from the first to the last month chosen: it opens at the month-end before "
        "the first month (as the churn rate's opening book does), so moves in the first month count. "
        "“New” customers are on the books only at the later month-end (opened in between), “closed” ones only "
        "at the earlier one. AUM is the later month-end's balance (the earlier one's for closed customers); net AUM "
        "moved up = AUM of upgraded customers at the later month-end − AUM of downgraded customers at the earlier "
        "one. Click a cell or a flow to list those customers below.",
    },
    "segments.flow.opening": {"zh_CN": "期初客户", "en": "Opening"},
    "segments.flow.opening_aum": {"zh_CN": "期初AUM", "en": "Opening AUM"},
    "segments.flow.moved_in": {"zh_CN": "迁入", "en": "Moved in"},
    "segments.flow.new": {"zh_CN": "新进", "en": "New"},
    "segments.flow.moved_out": {"zh_CN": "迁出", "en": "Moved out"},
    "segments.flow.closed": {"zh_CN": "流出", "en": "Closed"},
    "segments.flow.closing": {"zh_CN": "期末客户", "en": "Closing"},
    "segments.flow.closing_aum": {"zh_CN": "期末AUM", "en": "Closing AUM"},
    "segments.flow.aum_in": {"zh_CN": "迁入AUM", "en": "AUM moved in"},
    "segments.flow.aum_out": {"zh_CN": "迁出AUM", "en": "AUM moved out"},
    "segments.flow.net_aum": {"zh_CN": "AUM净迁移", "en": "Net AUM moved"},
    # potential customers
    "segments.potential.title": {"zh_CN": "潜力客户（{month}）", "en": "Potential customers ({month})"},
    "segments.potential.rule": {
        "zh_CN": "规则：未流失、且不在最高层级的客户，AUM 达到上一层级门槛的 {headroom}，"
        "并满足以下信号中至少 {signals} 项："
        "AUM 较 {growth_months} 个月前增长 ≥ {growth}；近 {lookback} 个月平均刷卡消费、跨境消费或代发工资"
        "达到上一层级客户中位数的 {peer}。",
        "en": "Rule: customers not churned and below the top tier, with AUM at least {headroom} of the next tier's "
        "floor, and at least {signals} of these signals: AUM up ≥ {growth} on {growth_months} months before; average "
        "card spend, cross-border spend or payroll inflow over the last {lookback} months at least {peer} of the "
        "next tier's median.",
    },
    "segments.potential.missing": {
        "zh_CN": "数据中没有{signals}，这些信号未参与判断。",
        "en": "The data has no {signals}; those signals are not used.",
    },
    "segments.potential.next": {"zh_CN": "目标层级", "en": "Next tier"},
    "segments.potential.candidates": {"zh_CN": "候选客户", "en": "Candidates"},
    "segments.potential.count": {"zh_CN": "潜力客户", "en": "Potential"},
    "segments.potential.aum": {"zh_CN": "潜力客户AUM", "en": "Potential AUM"},
    "segments.potential.signal_note": {
        "zh_CN": "信号列为潜力客户中触发该信号的人数。",
        "en": "The signal columns count the potential customers in whom each signal fired.",
    },
    "segments.potential.show": {"zh_CN": "在名单中查看潜力客户", "en": "List the potential customers"},
    "segments.potential.hide": {"zh_CN": "返回期末客户名单", "en": "Back to the customer list"},
    "segments.signal.aum_growth": {"zh_CN": "AUM增长", "en": "AUM growth"},
    "segments.signal.card_spend": {"zh_CN": "刷卡消费", "en": "Card spend"},
    "segments.signal.cross_border": {"zh_CN": "跨境消费", "en": "Cross-border spend"},
    "segments.signal.payroll": {"zh_CN": "代发工资", "en": "Payroll inflow"},
    # customer list
    "segments.list.card": {"zh_CN": "客户名单", "en": "Customer list"},
    "segments.list.book": {"zh_CN": "{month} 月末在册客户", "en": "Customers on the books at {month}"},
    "segments.list.potential": {"zh_CN": "{month} 潜力客户", "en": "Potential customers at {month}"},
    "segments.list.move": {
        "zh_CN": "{start}月末{origin} → {end}月末{target}的客户",
        "en": "Customers who went from {origin} (end of {start}) to {target} (end of {end})",
    },
    "segments.list.tag": {"zh_CN": "（标签：{tag}）", "en": " (tag: {tag})"},
    "segments.list.clear": {"zh_CN": "清除名单选择", "en": "Clear the list selection"},
    "segments.list.hint": {
        "zh_CN": "名单按当前所有筛选条件取数，在服务端分页排序；点击客户编号进入客户视图。",
        "en": "The list honours every filter on the page and is paged and sorted on the server; click a "
        "customer id to open the customer 360 view.",
    },
    "segments.list.ignored": {
        "zh_CN": "名单不按以下筛选条件过滤（它们不是客户属性）：{filters}",
        "en": "The list does not apply these filters (they do not describe customers): {filters}",
    },
    "segments.col.from_tier": {"zh_CN": "起始分层", "en": "From tier"},
    "segments.col.to_tier": {"zh_CN": "对比分层", "en": "To tier"},
    "segments.col.aum_from": {"zh_CN": "起始AUM", "en": "AUM before"},
    "segments.col.aum_to": {"zh_CN": "对比AUM", "en": "AUM after"},
    "segments.col.aum_change": {"zh_CN": "AUM变化", "en": "AUM change"},
    "segments.col.aum_growth": {"zh_CN": "AUM增长率", "en": "AUM growth"},
    "segments.col.card_spend_avg": {"zh_CN": "月均刷卡消费", "en": "Card spend / month"},
    "segments.col.cross_border_avg": {"zh_CN": "月均跨境消费", "en": "Cross-border / month"},
    "segments.col.payroll_avg": {"zh_CN": "月均代发工资", "en": "Payroll / month"},
    "segments.col.signals": {"zh_CN": "信号数", "en": "Signals"},
    "segments.col.sig_aum_growth": {"zh_CN": "信号：AUM增长", "en": "Signal: AUM growth"},
    "segments.col.sig_card_spend": {"zh_CN": "信号：刷卡消费", "en": "Signal: card spend"},
    "segments.col.sig_cross_border": {"zh_CN": "信号：跨境消费", "en": "Signal: cross-border"},
    "segments.col.sig_payroll": {"zh_CN": "信号：代发工资", "en": "Signal: payroll"},
    # export
    "segments.export.mix": {"zh_CN": "分层结构", "en": "Tier mix"},
    "segments.export.trend": {"zh_CN": "分层趋势", "en": "Tier trend"},
    "segments.export.breakdown": {"zh_CN": "结构细分", "en": "Breakdown"},
    "segments.export.penetration": {"zh_CN": "产品渗透", "en": "Product penetration"},
    "segments.export.products": {"zh_CN": "户均产品数", "en": "Products per customer"},
    "segments.export.migration": {"zh_CN": "迁移矩阵", "en": "Migration matrix"},
    "segments.export.flows": {"zh_CN": "分层流动", "en": "Tier flows"},
    "segments.export.potential": {"zh_CN": "潜力客户汇总", "en": "Potential customers"},
    "segments.export.potential_list": {"zh_CN": "潜力客户名单", "en": "Potential customer list"},
    "segments.export.list": {"zh_CN": "客户名单", "en": "Customer list"},
    "segments.export.share_change_pp": {
        "zh_CN": "占比变化（0–1，0.01 = 1个百分点）",
        "en": "Share change (0–1, 0.01 = 1 pp)",
    },
    "segments.export.share_note": {
        "zh_CN": "占比 = 分层数值 ÷ 全部分层合计（均取期末月）；基期按所选对比方式（环比/同比）。",
        "en": "Share = the tier's value ÷ all tiers (last month of the period); the prior follows the comparison "
        "chosen.",
    },
    "segments.export.tag_note": {
        "zh_CN": "一位客户可有多个标签，各标签客户数之和可能大于客户总数。",
        "en": "A customer can have several tags, so the tags' customers can add up to more than the total.",
    },
}
