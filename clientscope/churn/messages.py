"""UI strings of the churn area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    "churn.title": {"zh_CN": "流失预警", "en": "Churn risk"},
    "churn.as_of": {
        "zh_CN": "风险评分基于 {month} 月末数据；模型训练于 {trained}。",
        "en": "Risk scores as of month-end {month}; model trained on {trained}.",
    },
    "churn.unavailable": {
        "zh_CN": "当前数据无法训练流失预测模型（共 {months} 个月末）：{reason}",
        "en": "The churn model cannot be trained on these extracts ({months} month-ends): {reason}",
    },
    "churn.customers": {"zh_CN": "客户数", "en": "Customers"},
    "churn.aum": {"zh_CN": "资产规模（AUM）", "en": "AUM"},
    "churn.month": {"zh_CN": "月份", "en": "Month"},
    "churn.unassigned": {"zh_CN": "未分配客户经理", "en": "No RM assigned"},
    "churn.empty.at_risk": {
        "zh_CN": "当前筛选条件下没有高风险客户",
        "en": "No at-risk customers for these filters",
    },
    # risk levels (fallbacks when metrics.yaml has no risk_level labels)
    "filter.risk_level": {"zh_CN": "流失风险等级（模型）", "en": "Churn-risk level (model)"},
    "churn.level.high": {"zh_CN": "高", "en": "High"},
    "churn.level.medium": {"zh_CN": "中", "en": "Medium"},
    "churn.level.low": {"zh_CN": "低", "en": "Low"},
    # KPI cards
    "churn.kpi.customers": {"zh_CN": "已评分客户", "en": "Customers scored"},
    "churn.kpi.at_risk": {"zh_CN": "模型风险客户（{levels}）", "en": "At-risk customers, model ({levels})"},
    "churn.kpi.at_risk_aum": {"zh_CN": "模型风险客户AUM（{levels}）", "en": "At-risk AUM, model ({levels})"},
    "churn.kpi.share": {"zh_CN": "占已评分客户 {share}", "en": "{share} of customers scored"},
    "churn.kpi.aum_share": {"zh_CN": "占AUM {share}", "en": "{share} of AUM"},
    "churn.kpi.auc": {"zh_CN": "模型区分度（ROC AUC）", "en": "Model ROC AUC"},
    "churn.kpi.auc_note": {"zh_CN": "最强简单基线（{name}）{auc}", "en": "Strongest simple baseline ({name}) {auc}"},
    # risk distribution and tiers
    "churn.dist.title": {"zh_CN": "流失概率分布", "en": "Risk distribution"},
    "churn.dist.probability": {"zh_CN": "3个月内流失概率", "en": "Probability of churning within 3 months"},
    "churn.dist.cutoffs": {"zh_CN": "分级阈值：{cutoffs}", "en": "Cut-offs: {cutoffs}"},
    "churn.axis.wan": {"zh_CN": "万{unit}", "en": "{unit} 10k"},
    "churn.axis.cny": {"zh_CN": "{unit}", "en": "{unit}"},
    "churn.tier.title": {"zh_CN": "风险客户的分层分布", "en": "At-risk customers by tier"},
    # drill
    "churn.drill.title": {
        "zh_CN": "风险客户下钻：区域 → 网点 → 客户经理 → 客户",
        "en": "At-risk drilldown: region → branch → RM → customer",
    },
    "churn.drill.all": {"zh_CN": "全部区域", "en": "All regions"},
    "churn.drill.customers": {"zh_CN": "客户名单", "en": "Customer list"},
    "churn.drill.customers_note": {
        "zh_CN": "该客户经理名下的全部已评分客户，按流失概率从高到低排列；点击客户编号进入客户视图。",
        "en": "Every scored customer of this RM, riskiest first; click a customer id to open the customer 360.",
    },
    "churn.drill.hint.region": {
        "zh_CN": "点击区域的柱形下钻到网点。",
        "en": "Click a region's bar to drill down to its branches.",
    },
    "churn.drill.hint.branch": {
        "zh_CN": "点击网点的柱形下钻到客户经理。",
        "en": "Click a branch's bar to drill down to its relationship managers.",
    },
    "churn.drill.hint.rm": {
        "zh_CN": "点击客户经理的柱形查看其客户名单；未分配客户经理的客户见下方挽留行动名单。",
        "en": "Click an RM's bar to see the RM's customer list; customers without an RM are in the retention "
        "action list below.",
    },
    "churn.drill.at_risk_customers": {"zh_CN": "风险客户数", "en": "At-risk customers"},
    "churn.drill.at_risk_aum": {"zh_CN": "风险客户AUM", "en": "At-risk AUM"},
    "churn.drill.click": {"zh_CN": "点击下钻", "en": "Click to drill down"},
    # signals over time and reasons
    "churn.signals.title": {"zh_CN": "预警信号触发比例（按月）", "en": "Early-warning signals firing, by month"},
    "churn.signals.share": {"zh_CN": "触发客户占比", "en": "Share of customers"},
    "churn.signals.firing": {"zh_CN": "触发客户", "en": "Customers firing"},
    "churn.signals.note": {
        "zh_CN": "每月末在册客户中触发各信号的比例；交易与登录趋势需要6个月历史，数据最初几个月偏低。"
        "点击曲线只看触发该信号的客户。",
        "en": "Share of the customers open at each month-end with the signal firing; the transaction and login "
        "trends need 6 months of history, so the first months of data read low. Click a line to keep only the "
        "customers with that signal.",
    },
    "churn.signals.sampled": {
        "zh_CN": "（客户数较多，按固定随机种子抽取 {share} 的客户计算）",
        "en": "(a large extract: computed on a seeded {share} sample of customers)",
    },
    "churn.reasons.title": {
        "zh_CN": "风险客户（{levels}）的预警原因",
        "en": "Reasons among at-risk customers ({levels})",
    },
    "churn.signal_chip": {"zh_CN": "预警信号：{signal}", "en": "Signal: {signal}"},
    "churn.signal.txn_drop": {"zh_CN": "交易笔数下降", "en": "Falling transactions"},
    "churn.signal.aum_drop": {"zh_CN": "资产规模下降", "en": "Falling balances"},
    "churn.signal.complaints": {"zh_CN": "近期投诉", "en": "Complaints"},
    "churn.signal.closures": {"zh_CN": "产品关闭/赎回", "en": "Product closures"},
    "churn.signal.inactive": {"zh_CN": "连续无交易", "en": "Inactivity"},
    "churn.signal.logins_drop": {"zh_CN": "线上登录下降", "en": "Falling digital logins"},
    # retention action list
    "churn.actions.title": {"zh_CN": "挽留行动名单", "en": "Retention action list"},
    "churn.actions.note": {
        "zh_CN": "当前范围内风险等级为「{levels}」的客户，按流失概率从高到低排列，附主要原因与建议行动；"
        "完整名单可通过“导出Excel”下载（个人信息按权限脱敏）。",
        "en": "Customers in the current scope at risk level {levels}, riskiest first, with their top reasons and a "
        "suggested action; the full list is in the Excel export (personal data masked unless you may see it).",
    },
    "churn.reasons.none": {
        "zh_CN": "模型综合判断（无单项信号触发）",
        "en": "Model score (no single signal firing)",
    },
    "churn.action.none": {"zh_CN": "客户经理例行关怀回访", "en": "RM courtesy check-in"},
    "churn.col.customer": {"zh_CN": "客户编号", "en": "Customer"},
    "churn.col.name": {"zh_CN": "姓名", "en": "Name"},
    "churn.col.phone": {"zh_CN": "手机号", "en": "Phone"},
    "churn.col.rm": {"zh_CN": "客户经理", "en": "RM"},
    "churn.col.branch": {"zh_CN": "网点", "en": "Branch"},
    "churn.col.tier": {"zh_CN": "客户分层", "en": "Tier"},
    "churn.col.aum_total": {"zh_CN": "资产规模（AUM）", "en": "AUM"},
    "churn.col.churn_probability": {"zh_CN": "流失概率", "en": "Churn probability"},
    "churn.col.risk_level": {"zh_CN": "流失风险等级（模型）", "en": "Churn-risk level (model)"},
    "churn.col.reasons": {"zh_CN": "主要原因", "en": "Top reasons"},
    "churn.col.action": {"zh_CN": "建议行动", "en": "Suggested action"},
    "churn.col.sort_hint": {"zh_CN": "点击表头排序", "en": "Click the header to sort"},
    # model card
    "churn.card.title": {"zh_CN": "模型说明卡", "en": "Model card"},
    "churn.card.model": {"zh_CN": "预测模型", "en": "Model"},
    "churn.card.rule": {"zh_CN": "预警分（规则基线）", "en": "Warning score (rule baseline)"},
    "churn.card.best": {"zh_CN": "最强简单基线：{name}", "en": "Strongest simple baseline: {name}"},
    "churn.card.baselines": {"zh_CN": "简单基线（样本外）", "en": "Simple baselines (out of time)"},
    "churn.card.baseline_col": {"zh_CN": "基线", "en": "Baseline"},
    "churn.baseline.warning_score": {"zh_CN": "预警分（规则）", "en": "Warning score (rules)"},
    "churn.baseline.aum_change": {"zh_CN": "仅AUM变化", "en": "AUM change alone"},
    "churn.baseline.signals_logit": {
        "zh_CN": "逻辑回归（6个信号及趋势缺失标记）",
        "en": "Logistic regression (6 signals, unknown-trend flags)",
    },
    "churn.card.random": {"zh_CN": "随机", "en": "Random"},
    "churn.card.perfect": {"zh_CN": "完全校准", "en": "Perfectly calibrated"},
    "churn.card.auc": {"zh_CN": "ROC AUC（样本外）", "en": "ROC AUC (out of time)"},
    "churn.card.lift": {"zh_CN": "前10%提升度", "en": "Top-decile lift"},
    "churn.card.capture": {"zh_CN": "前10%覆盖流失客户", "en": "Churners caught in the top decile"},
    "churn.card.top_rate": {"zh_CN": "前10%流失率", "en": "Churn rate in the top decile"},
    "churn.card.test_period": {"zh_CN": "评估期（样本外）", "en": "Evaluation period (out of time)"},
    "churn.card.test_rows": {"zh_CN": "评估样本", "en": "Evaluation rows"},
    "churn.card.train_period": {"zh_CN": "训练期", "en": "Training period"},
    "churn.card.train_rows": {"zh_CN": "训练样本", "en": "Training rows"},
    "churn.card.rows_churners": {
        "zh_CN": "{rows} 个客户月，其中流失 {churners} 个",
        "en": "{rows} customer-months, {churners} churners",
    },
    "churn.card.base_rate": {"zh_CN": "（基准流失率 {rate}）", "en": " (base rate {rate})"},
    "churn.card.horizon": {"zh_CN": "预测窗口", "en": "Horizon"},
    "churn.card.horizon_value": {"zh_CN": "月末后 {months} 个月内流失", "en": "Churn within {months} months"},
    "churn.card.sample": {"zh_CN": "抽样", "en": "Sample"},
    "churn.card.sample_all": {"zh_CN": "全部客户", "en": "Every customer"},
    "churn.card.sample_part": {
        "zh_CN": "按客户抽取 {share}（随机种子 {seed}）",
        "en": "{share} of customers (seed {seed})",
    },
    "churn.card.cutoffs": {"zh_CN": "风险分级阈值", "en": "Risk-level cut-offs"},
    "churn.card.cutoffs_value": {
        "zh_CN": "高 ≥ {high}，中 ≥ {medium}（评估期得分的前10% / 前30%）",
        "en": "high ≥ {high}, medium ≥ {medium} (top 10% / top 30% of the evaluation scores)",
    },
    "churn.card.trained_on": {"zh_CN": "训练日期", "en": "Trained on"},
    "churn.card.version": {"zh_CN": "数据版本", "en": "Data version"},
    "churn.card.features": {"zh_CN": "模型特征（{count} 个）", "en": "Features ({count})"},
    "churn.card.gains": {"zh_CN": "累计捕获曲线", "en": "Gains curve"},
    "churn.card.gains_x": {"zh_CN": "按得分排序的客户比例", "en": "Customers contacted, riskiest first"},
    "churn.card.gains_y": {"zh_CN": "捕获的流失客户比例", "en": "Share of churners caught"},
    "churn.card.calibration": {"zh_CN": "校准（按得分十分位）", "en": "Calibration by score decile"},
    "churn.card.predicted": {"zh_CN": "平均预测概率", "en": "Mean predicted probability"},
    "churn.card.observed": {"zh_CN": "实际流失率", "en": "Observed churn rate"},
    "churn.card.decile": {"zh_CN": "十分位", "en": "Decile"},
    "churn.card.note": {
        "zh_CN": "模型用较早月份训练、在之后的月份上做样本外评估；导出的Excel含全部评估行，可独立复算 AUC 与提升度。",
        "en": "Trained on earlier months and evaluated out of time on later ones; the Excel export holds every "
        "evaluation row, so anyone can recompute the AUC and the lift.",
    },
    # features (churn_model.FEATURES)
    "churn.feature.txn_trend": {"zh_CN": "交易笔数趋势", "en": "Transaction trend"},
    "churn.feature.aum_trend": {"zh_CN": "AUM 3个月变化", "en": "AUM change over 3 months"},
    "churn.feature.complaints_2m": {"zh_CN": "60天内投诉", "en": "Complaints in 60 days"},
    "churn.feature.closures_3m": {"zh_CN": "3个月内关闭产品", "en": "Products closed in 3 months"},
    "churn.feature.inactive_months": {"zh_CN": "连续无交易月数", "en": "Months without transactions"},
    "churn.feature.logins_trend": {"zh_CN": "线上登录趋势", "en": "Digital login trend"},
    "churn.feature.aum_total": {"zh_CN": "资产规模", "en": "AUM"},
    "churn.feature.deposits": {"zh_CN": "存款", "en": "Deposits"},
    "churn.feature.wealth": {"zh_CN": "理财与基金", "en": "Wealth and funds"},
    "churn.feature.insurance": {"zh_CN": "保险", "en": "Insurance"},
    "churn.feature.loan_balance": {"zh_CN": "贷款余额", "en": "Loan balance"},
    "churn.feature.card_spend": {"zh_CN": "刷卡消费", "en": "Card spend"},
    "churn.feature.txn_count": {"zh_CN": "当月交易笔数", "en": "Transactions this month"},
    "churn.feature.txn_amount": {"zh_CN": "当月交易金额", "en": "Transaction value this month"},
    "churn.feature.digital_logins": {"zh_CN": "当月线上登录", "en": "Digital logins this month"},
    "churn.feature.products_held": {"zh_CN": "持有产品数", "en": "Products held"},
    "churn.feature.complaints": {"zh_CN": "当月投诉", "en": "Complaints this month"},
    "churn.feature.txn_last3": {"zh_CN": "近3个月交易笔数", "en": "Transactions in the last 3 months"},
    "churn.feature.logins_last3": {"zh_CN": "近3个月线上登录", "en": "Logins in the last 3 months"},
    "churn.feature.tenure_months": {"zh_CN": "客龄（月）", "en": "Tenure (months)"},
    "churn.feature.age": {"zh_CN": "年龄", "en": "Age"},
    "churn.feature.risk_rank": {"zh_CN": "风险承受等级", "en": "Risk profile (C1–C5)"},
    # why they churn
    "churn.rules.title": {"zh_CN": "客户为什么流失", "en": "Why customers churn"},
    "churn.rules.note": {
        "zh_CN": "决策树（深度≤3）在 {first} 至 {last} 的客户月上学到的规则，按流失率从高到低排列；"
        "同期基准流失率 {base}。",
        "en": "Rules a decision tree (depth ≤ 3) learned from the customer-months {first} to {last}, highest churn "
        "rate first; the base rate over those months is {base}.",
    },
    "churn.rules.none": {"zh_CN": "暂无法生成流失规则：{reason}", "en": "No churn rules yet: {reason}"},
    "churn.rules.col.rule": {"zh_CN": "规则", "en": "Rule"},
    "churn.rules.col.rows": {"zh_CN": "客户月数", "en": "Customer-months"},
    "churn.rules.col.rate": {"zh_CN": "3个月流失率（对比基准）", "en": "3-month churn rate (vs base rate)"},
    "churn.rules.col.lift": {"zh_CN": "倍数", "en": "Lift"},
    "churn.rules.rate": {"zh_CN": "{rate}（基准 {base}）", "en": "{rate} (base {base})"},
    # Excel workbook
    "churn.sheet.levels": {"zh_CN": "风险等级", "en": "Risk levels"},
    "churn.sheet.levels.title": {"zh_CN": "各风险等级的客户数与AUM", "en": "Customers and AUM by risk level"},
    "churn.sheet.distribution": {"zh_CN": "流失概率分布", "en": "Risk distribution"},
    "churn.sheet.distribution.title": {"zh_CN": "流失概率分布", "en": "Risk distribution"},
    "churn.sheet.drill": {"zh_CN": "风险客户下钻", "en": "At-risk drilldown"},
    "churn.sheet.drill.title": {
        "zh_CN": "风险客户与AUM（当前下钻层级）",
        "en": "At-risk customers and AUM (current drill level)",
    },
    "churn.sheet.tiers": {"zh_CN": "风险客户分层", "en": "At-risk by tier"},
    "churn.sheet.tiers.title": {"zh_CN": "风险客户的分层分布", "en": "At-risk customers by tier"},
    "churn.sheet.signals": {"zh_CN": "预警信号趋势", "en": "Signals over time"},
    "churn.sheet.signals.title": {"zh_CN": "预警信号触发比例（按月）", "en": "Early-warning signals firing, by month"},
    "churn.sheet.reasons": {"zh_CN": "预警原因", "en": "Reasons"},
    "churn.sheet.reasons.title": {"zh_CN": "风险客户的预警原因", "en": "Reasons among at-risk customers"},
    "churn.sheet.actions": {"zh_CN": "挽留行动名单", "en": "Retention action list"},
    "churn.sheet.actions.title": {
        "zh_CN": "挽留行动名单（按流失概率排序）",
        "en": "Retention action list (riskiest first)",
    },
    "churn.sheet.card": {"zh_CN": "模型说明卡", "en": "Model card"},
    "churn.sheet.card.title": {
        "zh_CN": "模型说明卡：样本外表现与训练信息",
        "en": "Model card: out-of-time quality and training facts",
    },
    "churn.sheet.deciles": {"zh_CN": "十分位表现", "en": "Deciles"},
    "churn.sheet.deciles.title": {"zh_CN": "按得分十分位的捕获率与校准", "en": "Gains and calibration by score decile"},
    "churn.sheet.evaluation": {"zh_CN": "评估明细", "en": "Evaluation rows"},
    "churn.sheet.evaluation.title": {
        "zh_CN": "模型评估明细（评估期每个客户月一行）",
        "en": "Evaluation rows (one per customer-month of the evaluation period)",
    },
    "churn.sheet.rules": {"zh_CN": "流失规则", "en": "Why customers churn"},
    "churn.sheet.rules.title": {
        "zh_CN": "客户为什么流失：决策树规则",
        "en": "Why customers churn: decision-tree rules",
    },
    "churn.sheet.scores_note": {
        "zh_CN": "风险评分基于 {month} 月末数据。",
        "en": "Risk scores as of month-end {month}.",
    },
    "churn.sheet.at_risk_note": {
        "zh_CN": "风险客户 = 风险等级为「{levels}」的客户。",
        "en": "At risk = risk level {levels}.",
    },
    "churn.sheet.card_note": {
        "zh_CN": "AUC 与提升度可由“评估明细”表复算：AUC = roc_auc_score(是否流失, 模型得分)；"
        "提升度 = 模型十分位为1的行的流失率 ÷ 全部行的流失率。",
        "en": "Recompute the AUC and lift from the Evaluation rows sheet: AUC = roc_auc_score(churned, model score); "
        "lift = churn rate of the rows in model decile 1 ÷ churn rate of all rows.",
    },
    "churn.sheet.evaluation_note": {
        "zh_CN": "十分位：按得分从高到低排序（同分依次按AUM从高到低、客户编号升序、月份升序），"
        "第 r 行（从0起）属于第 r×10÷行数+1 个十分位。受限查看者只看到自己范围内客户的行（十分位仍按全行排名）。",
        "en": "Deciles: rows ranked by score, highest first (equal scores by AUM, highest first, then customer id "
        "and month, ascending); the row at 0-based rank r of n is in decile r × 10 ÷ n + 1. A restricted viewer "
        "sees only the rows of their own customers (deciles still rank the whole bank's test rows).",
    },
    "churn.kpi.customers_open": {"zh_CN": "月末在册客户", "en": "Customers open at month-end"},
    "churn.col.share": {"zh_CN": "占比", "en": "Share"},
    "churn.col.low": {"zh_CN": "概率下限", "en": "From"},
    "churn.col.high": {"zh_CN": "概率上限", "en": "To"},
    "churn.col.signal": {"zh_CN": "预警信号", "en": "Signal"},
    "churn.col.reason": {"zh_CN": "原因{n}", "en": "Reason {n}"},
    "churn.col.item": {"zh_CN": "项目", "en": "Item"},
    "churn.col.detail": {"zh_CN": "说明", "en": "Detail"},
    "churn.col.score": {"zh_CN": "评分", "en": "Score"},
    "churn.col.rows": {"zh_CN": "行数", "en": "Rows"},
    "churn.col.churners": {"zh_CN": "流失数", "en": "Churners"},
    "churn.col.churn_rate": {"zh_CN": "流失率", "en": "Churn rate"},
    "churn.col.churned_3m": {"zh_CN": "3个月内流失(1=是)", "en": "Churned within 3 months (1 = yes)"},
    "churn.col.model_score": {"zh_CN": "模型得分", "en": "Model score"},
    "churn.col.warning_score": {"zh_CN": "预警分", "en": "Warning score"},
    "churn.col.aum_trend": {"zh_CN": "AUM变化", "en": "AUM change"},
    "churn.col.model_decile": {"zh_CN": "模型十分位", "en": "Model decile"},
    "churn.col.baseline_probability": {"zh_CN": "{name}：概率", "en": "{name}: probability"},
    "churn.col.baseline_decile": {"zh_CN": "{name}：十分位", "en": "{name}: decile"},
    "churn.card.base_rate_label": {"zh_CN": "基准流失率", "en": "Base rate"},
    "churn.rules.period": {
        "zh_CN": "基于 {first} 至 {last} 的客户月（3个月结果已知）。",
        "en": "Fitted on the customer-months {first} to {last} (3-month outcome known).",
    },
    "churn.filter.signal": {"zh_CN": "预警信号", "en": "Signal"},
    "churn.filter.scores_as_of": {"zh_CN": "风险评分月末", "en": "Risk scores as of"},
    "churn.filter.model": {"zh_CN": "流失模型", "en": "Churn model"},
    # definitions sheet
    "churn.def.churn_probability.label": {"zh_CN": "流失概率", "en": "Churn probability"},
    "churn.def.churn_probability.description": {
        "zh_CN": "模型预测的客户在月末之后3个月内销户的概率（此处“流失”仅指销户；“流失客户数”指标还包括沉默流失）。",
        "en": "The model's probability that the relationship closes within 3 months after the month-end (churn "
        "here means a closure only; the churned-customers metric also counts soft churn).",
    },
    "churn.def.churn_probability.formula": {
        "zh_CN": "HistGradientBoostingClassifier.predict_proba（特征见模型说明卡）",
        "en": "HistGradientBoostingClassifier.predict_proba (features on the model card)",
    },
    "churn.def.risk_level.label": {"zh_CN": "流失风险等级（模型）", "en": "Churn-risk level (model)"},
    "churn.def.risk_level.description": {
        "zh_CN": "高：流失概率不低于评估期得分前10%的阈值；中：不低于前30%的阈值；其余为低。",
        "en": "High: probability at or above the top-10% score of the evaluation period; medium: top 30%; else low.",
    },
    "churn.def.risk_level.formula": {
        "zh_CN": "概率 ≥ 高阈值 → 高；≥ 中阈值 → 中；否则 → 低",
        "en": "probability ≥ high cut-off → high; ≥ medium cut-off → medium; else low",
    },
    "churn.def.at_risk.label": {"zh_CN": "风险客户", "en": "At-risk customers"},
    "churn.def.at_risk.description": {
        "zh_CN": "模型流失风险等级为“高”的在册客户（点击风险等级后为所选等级）。"
        "不是总览页的“红色预警客户”（规则预警分≥50）。",
        "en": "Open customers whose model churn-risk level is high (or the risk level clicked on the page). Not the "
        "overview's red-warning customers (rule-based warning score ≥ 50).",
    },
    "churn.def.at_risk.formula": {
        "zh_CN": "count(客户) where 风险等级 in 所选等级",
        "en": "count(customers) where risk level in the selected levels",
    },
    "churn.def.warning_score.label": {"zh_CN": "预警分（规则基线）", "en": "Warning score (rule baseline)"},
    "churn.def.warning_score.description": {
        "zh_CN": "六个预警信号触发时的分值之和（上限100），metrics.yaml rules.risk 定义；≥50 红色预警，≥25 黄色预警。"
        "与总览、客户列表、客户360一致；不是模型风险等级。",
        "en": "Sum of the points of the six warning signals that fire (capped at 100), defined in metrics.yaml "
        "rules.risk; ≥ 50 red, ≥ 25 amber warning. The same number as the overview, the customer lists and the "
        "customer 360; not the model's risk level.",
    },
    "churn.def.warning_score.formula": {
        "zh_CN": "min(100, Σ 触发信号的分值)",
        "en": "min(100, Σ points of the firing signals)",
    },
    "churn.def.best_baseline.label": {"zh_CN": "最强简单基线", "en": "Strongest simple baseline"},
    "churn.def.best_baseline.description": {
        "zh_CN": "预警分、仅AUM变化、信号逻辑回归三者中样本外ROC AUC最高者，与模型并列展示。"
        "十分位同分时按AUM从高到低、客户编号、月份排序。",
        "en": "The highest out-of-time ROC AUC among the warning score, the AUM change alone and a logistic "
        "regression on the signals, shown beside the model. Equal scores rank by AUM (highest first), customer "
        "id, month.",
    },
    "churn.def.best_baseline.formula": {
        "zh_CN": "argmax(ROC AUC) over 基线",
        "en": "argmax(ROC AUC) over the baselines",
    },
    "churn.def.roc_auc.label": {"zh_CN": "ROC AUC", "en": "ROC AUC"},
    "churn.def.roc_auc.description": {
        "zh_CN": "随机抽取一个流失客户与一个未流失客户，模型给前者更高分的概率（样本外评估期）。",
        "en": "The probability that the model scores a random churner above a random stayer (out of time).",
    },
    "churn.def.roc_auc.formula": {
        "zh_CN": "sklearn.metrics.roc_auc_score(流失, 得分)",
        "en": "sklearn.metrics.roc_auc_score(churned, score)",
    },
    "churn.def.top_decile_lift.label": {"zh_CN": "前10%提升度", "en": "Top-decile lift"},
    "churn.def.top_decile_lift.description": {
        "zh_CN": "得分最高的10%客户月的流失率 ÷ 全部客户月的流失率。",
        "en": "Churn rate among the 10% highest scores ÷ churn rate of all rows.",
    },
    "churn.def.top_decile_lift.formula": {
        "zh_CN": "流失率(十分位=1) ÷ 流失率(全部)",
        "en": "churn rate(decile 1) / churn rate(all)",
    },
}
