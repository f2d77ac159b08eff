"""The churn page's workbook: every chart and table of `/churn`, the model card's evaluation rows and the
retention action list for the RMs (personal data masked unless the viewer may see it)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from clientscope.actions.sheets import retention_sheets
from clientscope.churn import explain as churn_explain
from clientscope.churn import files as churn_files
from clientscope.churn import numbers as churn_numbers
from clientscope.churn import view as churn_view
from clientscope.churn import words as churn_words
from clientscope.churn.card import BASELINES
from clientscope.churn.figures import bin_label
from clientscope.export import EXCEL_MAX_ROWS, ChartSpec, ColumnSpec, MetricDefinition, SheetSpec, WorkbookSpec
from clientscope.i18n import join_words, t
from clientscope.reports import ReportRequest
from clientscope.reports.common import workbook_spec
from clientscope.semantic import excel_number_format
from clientscope.view_context import PageContext

PERCENT = "0.0%"
PERCENT_2 = "0.00%"
SCORE = "0.000000"
RATIO = '0.00"×"'
COUNT = "#,##0"


def _money_column(pc: PageContext, key: str, label: str) -> ColumnSpec:
    fmt = pc.model.format_of("aum_total")
    return ColumnSpec(key, label, "currency", excel_format=excel_number_format(fmt, pc.lang))


def _sheet(lang: str, key: str, columns: tuple[ColumnSpec, ...], rows: pl.DataFrame, **kwargs) -> SheetSpec:
    return SheetSpec(
        name=t(f"churn.sheet.{key}", lang),
        title=t(f"churn.sheet.{key}.title", lang),
        columns=columns,
        rows=rows,
        **kwargs,
    )


def risk_level_sheet(pc: PageContext, data: churn_files.ChurnData) -> SheetSpec:
    lang = pc.lang
    totals = churn_numbers.level_totals(churn_numbers.distribution(pc, data))
    customers = int(totals["customers"].sum())
    labels = churn_words.risk_level_labels(pc)
    rows = totals.with_columns(
        pl.col("risk_level").replace(labels).alias("level"),
        (pl.col("customers") / customers if customers else pl.lit(None, dtype=pl.Float64)).alias("share"),
    )
    columns = (
        ColumnSpec("level", t("churn.col.risk_level", lang), "text"),
        ColumnSpec("customers", t("churn.customers", lang), "integer", excel_format=COUNT),
        ColumnSpec("share", t("churn.col.share", lang), "percent", excel_format=PERCENT),
        _money_column(pc, "aum_total", t("churn.aum", lang)),
    )
    chart = ChartSpec("column", t("churn.sheet.levels.title", lang), "level", ("customers",))
    return _sheet(lang, "levels", columns, rows, chart=chart, note=t("churn.sheet.scores_note", lang, month=data.as_of))


def distribution_sheet(pc: PageContext, data: churn_files.ChurnData) -> SheetSpec:
    lang = pc.lang
    dist = churn_numbers.distribution(pc, data)
    labels = churn_words.risk_level_labels(pc)
    rows = dist.with_columns(
        pl.struct("low", "high")
        .map_elements(lambda r: bin_label(r["low"], r["high"]), return_dtype=pl.String)
        .alias("bin_label"),
        pl.col("risk_level").replace(labels).alias("level"),
    )
    columns = (
        ColumnSpec("bin_label", t("churn.dist.probability", lang), "text"),
        ColumnSpec("low", t("churn.col.low", lang), "percent", excel_format=PERCENT_2),
        ColumnSpec("high", t("churn.col.high", lang), "percent", excel_format=PERCENT_2),
        ColumnSpec("level", t("churn.col.risk_level", lang), "text"),
        ColumnSpec("customers", t("churn.customers", lang), "integer", excel_format=COUNT),
        _money_column(pc, "aum_total", t("churn.aum", lang)),
    )
    chart = ChartSpec("column", t("churn.dist.title", lang), "bin_label", ("customers",))
    return _sheet(lang, "distribution", columns, rows, chart=chart)


def at_risk_sheet(pc: PageContext, data: churn_files.ChurnData, level: str, key: str) -> SheetSpec:
    lang = pc.lang
    frame = churn_numbers.at_risk_by(pc, data, level)
    labels = {**pc.value_labels().get(level, {})}
    if level == "tier":
        labels = pc.model.tier_labels(lang)
    rows = frame.with_columns(
        pl.col("code").replace(labels).fill_null(t("churn.unassigned", lang)).alias("member"),
        pl.when(pl.col("customers") > 0).then(pl.col("at_risk_customers") / pl.col("customers")).alias("share"),
    )
    title = pc.model.dimension_label(level, lang) if level in pc.model.dimensions else level
    columns = (
        ColumnSpec("member", title, "text"),
        ColumnSpec("at_risk_customers", t("churn.drill.at_risk_customers", lang), "integer", excel_format=COUNT),
        _money_column(pc, "at_risk_aum", t("churn.drill.at_risk_aum", lang)),
        ColumnSpec("customers", t("churn.kpi.customers", lang), "integer", excel_format=COUNT),
        ColumnSpec("share", t("churn.col.share", lang), "percent", excel_format=PERCENT),
        _money_column(pc, "aum_total", t("churn.aum", lang)),
    )
    levels = join_words([churn_words.risk_level_labels(pc)[lv] for lv in churn_view.selected_levels(pc.state)], lang)
    chart = ChartSpec("bar", t(f"churn.sheet.{key}.title", lang), "member", ("at_risk_customers",))
    return _sheet(lang, key, columns, rows, chart=chart, note=t("churn.sheet.at_risk_note", lang, levels=levels))


def signals_sheet(pc: PageContext, data: churn_files.ChurnData) -> SheetSpec:
    lang = pc.lang
    wide = churn_numbers.signal_shares(pc, data)
    labels = churn_words.signal_labels(lang)
    columns = (
        ColumnSpec("month", t("churn.month", lang), "date"),
        ColumnSpec("customers", t("churn.kpi.customers_open", lang), "integer", excel_format=COUNT),
        *(ColumnSpec(f"{s}_share", labels[s], "percent", excel_format=PERCENT) for s in churn_view.SIGNALS),
    )
    chart = ChartSpec("line", t("churn.signals.title", lang), "month", tuple(f"{s}_share" for s in churn_view.SIGNALS))
    return _sheet(lang, "signals", columns, wide, chart=chart, note=t("churn.signals.note", lang))


def reasons_sheet(pc: PageContext, data: churn_files.ChurnData) -> SheetSpec:
    lang = pc.lang
    mix = churn_numbers.reason_mix(pc, data)
    rows = mix.with_columns(pl.col("signal").replace(churn_words.signal_labels(lang)).alias("label"))
    columns = (
        ColumnSpec("label", t("churn.col.signal", lang), "text"),
        ColumnSpec("customers", t("churn.customers", lang), "integer", excel_format=COUNT),
        ColumnSpec("share", t("churn.signals.share", lang), "percent", excel_format=PERCENT),
    )
    chart = ChartSpec("bar", t("churn.sheet.reasons.title", lang), "label", ("share",))
    return _sheet(lang, "reasons", columns, rows, chart=chart)


def actions_sheet(pc: PageContext, data: churn_files.ChurnData, list_rows: int | None = None) -> SheetSpec:
    lang = pc.lang
    page = churn_numbers.action_list(pc, data, limit=min(list_rows or EXCEL_MAX_ROWS, EXCEL_MAX_ROWS), mask=False)
    tiers = pc.model.tier_labels(lang)
    rows = page.rows.with_columns(
        pl.col("tier").replace(tiers).alias("tier_label"),
        pl.col("risk_level").replace(churn_words.risk_level_labels(pc)).alias("level"),
        pl.coalesce("rm_name", "rm_id", pl.lit(t("churn.unassigned", lang))).alias("rm"),
        pl.coalesce("branch_name", "branch_id").alias("branch"),
        pl.col("reasons").fill_null(t("churn.reasons.none", lang)),
        pl.col("action").fill_null(t("churn.action.none", lang)),
    )
    columns = (
        ColumnSpec("customer_id", t("churn.col.customer", lang), "text"),
        ColumnSpec("name", t("churn.col.name", lang), "text", personal=True, personal_kind="name"),
        ColumnSpec("phone", t("churn.col.phone", lang), "text", personal=True, personal_kind="phone"),
        ColumnSpec("region", pc.model.dimension_label("region", lang), "text"),
        ColumnSpec("branch", t("churn.col.branch", lang), "text"),
        ColumnSpec("rm", t("churn.col.rm", lang), "text"),
        ColumnSpec("tier_label", t("churn.col.tier", lang), "text"),
        _money_column(pc, "aum_total", t("churn.col.aum_total", lang)),
        ColumnSpec("churn_probability", t("churn.col.churn_probability", lang), "percent", excel_format=PERCENT_2),
        ColumnSpec("level", t("churn.col.risk_level", lang), "text"),
        ColumnSpec("reason_1", t("churn.col.reason", lang, n=1), "text", width=36),
        ColumnSpec("reason_2", t("churn.col.reason", lang, n=2), "text", width=36),
        ColumnSpec("reason_3", t("churn.col.reason", lang, n=3), "text", width=36),
        ColumnSpec("action", t("churn.col.action", lang), "text", width=30),
    )
    levels = join_words([churn_words.risk_level_labels(pc)[lv] for lv in churn_view.selected_levels(pc.state)], lang)
    note = t("churn.actions.note", lang, levels=levels)
    return _sheet(lang, "actions", columns, rows, note=note, of_rows=page.total)


def card_sheet(pc: PageContext, data: churn_files.ChurnData) -> SheetSpec:
    lang = pc.lang
    card = data.card
    model, best, rule = card.model, card.best_baseline.evaluation, card.rule_baseline
    best_name = churn_words.baseline_name(card.best_baseline.code, lang)
    # (item, model, strongest baseline, warning score, how the page shows them): one number format per column
    numbers = [
        (t("churn.card.auc", lang), model.roc_auc, best.roc_auc, rule.roc_auc, "{:.3f}"),
        (t("churn.card.lift", lang), model.top_decile_lift, best.top_decile_lift, rule.top_decile_lift, "{:.2f}×"),
        (
            t("churn.card.capture", lang),
            model.deciles[0].cumulative_capture,
            best.deciles[0].cumulative_capture,
            rule.deciles[0].cumulative_capture,
            "{:.1%}",
        ),
        (
            t("churn.card.top_rate", lang),
            model.deciles[0].observed_rate,
            best.deciles[0].observed_rate,
            rule.deciles[0].observed_rate,
            "{:.1%}",
        ),
        (t("churn.card.base_rate_label", lang), model.base_rate, best.base_rate, rule.base_rate, "{:.1%}"),
    ]
    # every simple baseline's AUC, so the choice of the strongest can be checked
    numbers += [
        (f"{t('churn.card.auc', lang)} · {churn_words.baseline_name(b.code, lang)}", None, None, None, "")
        for b in card.baselines
    ]
    auc_by_row = [None] * 5 + [b.evaluation.roc_auc for b in card.baselines]
    facts = churn_words.card_facts(card, lang)
    rows = pl.DataFrame(
        {
            "item": [n[0] for n in numbers] + [label for label, _, _ in facts],
            "model": [n[1] for n in numbers] + [None] * len(facts),
            "best": [n[2] if a is None else a for n, a in zip(numbers, auc_by_row, strict=True)] + [None] * len(facts),
            "rule": [n[3] for n in numbers] + [None] * len(facts),
            "detail": [
                f"{shown.format(m)} / {shown.format(b)} / {shown.format(r)}" if shown else ""
                for _, m, b, r, shown in numbers
            ]
            + [value for _, value, _ in facts],
        },
        schema={"item": pl.String, "model": pl.Float64, "best": pl.Float64, "rule": pl.Float64, "detail": pl.String},
    )
    features = join_words(churn_words.feature_labels(card.features, lang), lang)
    rows = pl.concat(
        [
            rows,
            pl.DataFrame(
                {
                    "item": [t("churn.card.features", lang, count=len(card.features))],
                    "model": [None],
                    "best": [None],
                    "rule": [None],
                    "detail": [features],
                },
                schema=rows.schema,
            ),
        ]
    )
    columns = (
        ColumnSpec("item", t("churn.col.item", lang), "text", width=28),
        ColumnSpec("model", t("churn.card.model", lang), "number", excel_format="0.000"),
        ColumnSpec("best", t("churn.card.best", lang, name=best_name), "number", excel_format="0.000"),
        ColumnSpec("rule", t("churn.card.rule", lang), "number", excel_format="0.000"),
        ColumnSpec("detail", t("churn.col.detail", lang), "text", width=60),
    )
    return _sheet(lang, "card", columns, rows, note=t("churn.sheet.card_note", lang))


def deciles_sheet(pc: PageContext, data: churn_files.ChurnData) -> SheetSpec:
    lang = pc.lang
    card = data.card
    deciles = churn_explain.decile_frame(card)
    names = {
        "model": t("churn.card.model", lang),
        "rule": t("churn.card.rule", lang),
        "best": t("churn.card.best", lang, name=churn_words.baseline_name(card.best_baseline.code, lang)),
    }
    rows = deciles.with_columns(pl.col("score").replace(names).alias("score_label"))
    columns = (
        ColumnSpec("score_label", t("churn.col.score", lang), "text"),
        ColumnSpec("decile", t("churn.card.decile", lang), "integer"),
        ColumnSpec("rows", t("churn.col.rows", lang), "integer", excel_format=COUNT),
        ColumnSpec("churners", t("churn.col.churners", lang), "integer", excel_format=COUNT),
        ColumnSpec("mean_predicted", t("churn.card.predicted", lang), "percent", excel_format=PERCENT_2),
        ColumnSpec("observed_rate", t("churn.card.observed", lang), "percent", excel_format=PERCENT_2),
        ColumnSpec("cumulative_capture", t("churn.card.gains_y", lang), "percent", excel_format=PERCENT),
    )
    return _sheet(lang, "deciles", columns, rows)


def evaluation_sheet(pc: PageContext, data: churn_files.ChurnData, list_rows: int | None = None) -> SheetSpec:
    lang = pc.lang
    every = churn_explain.evaluation_rows(pc, data)
    rows = every if list_rows is None else every.head(list_rows)
    per_baseline = tuple(
        spec
        for code in BASELINES
        for spec in (
            ColumnSpec(
                f"{code}_probability",
                t("churn.col.baseline_probability", lang, name=churn_words.baseline_name(code, lang)),
                "number",
                excel_format=SCORE,
            ),
            ColumnSpec(
                f"{code}_decile",
                t("churn.col.baseline_decile", lang, name=churn_words.baseline_name(code, lang)),
                "integer",
            ),
        )
    )
    columns = (
        ColumnSpec("customer_id", t("churn.col.customer", lang), "text"),
        ColumnSpec("month", t("churn.month", lang), "date"),
        _money_column(pc, "aum_total", t("churn.col.aum_total", lang)),
        ColumnSpec("churned_3m", t("churn.col.churned_3m", lang), "integer"),
        ColumnSpec("model_score", t("churn.col.model_score", lang), "number", excel_format=SCORE),
        ColumnSpec("model_decile", t("churn.col.model_decile", lang), "integer"),
        ColumnSpec("warning_score", t("churn.col.warning_score", lang), "integer"),
        ColumnSpec("aum_trend", t("churn.col.aum_trend", lang), "percent", excel_format=PERCENT),
        *per_baseline,
    )
    note = t("churn.sheet.evaluation_note", lang)
    return _sheet(lang, "evaluation", columns, rows, note=note, of_rows=every.height)


def rules_sheet(pc: PageContext) -> SheetSpec:
    lang = pc.lang
    view = churn_explain.churn_rules_view(pc.db, pc.scope)
    rows = pl.DataFrame(
        {
            "rule": [r.text(lang) for r in view.rules],
            "rows": [r.rows for r in view.rules],
            "churners": [r.churners for r in view.rules],
            "churn_rate": [r.churn_rate for r in view.rules],
            "base_rate": [r.base_rate for r in view.rules],
            "lift": [r.lift for r in view.rules],
        },
        schema={
            "rule": pl.String,
            "rows": pl.Int64,
            "churners": pl.Int64,
            "churn_rate": pl.Float64,
            "base_rate": pl.Float64,
            "lift": pl.Float64,
        },
    )
    columns = (
        ColumnSpec("rule", t("churn.rules.col.rule", lang), "text", width=60),
        ColumnSpec("rows", t("churn.rules.col.rows", lang), "integer", excel_format=COUNT),
        ColumnSpec("churners", t("churn.col.churners", lang), "integer", excel_format=COUNT),
        ColumnSpec("churn_rate", t("churn.col.churn_rate", lang), "percent", excel_format=PERCENT),
        ColumnSpec("base_rate", t("churn.card.base_rate_label", lang), "percent", excel_format=PERCENT),
        ColumnSpec("lift", t("churn.rules.col.lift", lang), "number", excel_format=RATIO),
    )
    note = (
        t("churn.rules.period", lang, first=view.first_month, last=view.last_month)
        if view.first_month
        else t("churn.rules.none", lang, reason=view.problem or "")
    )
    return _sheet(lang, "rules", columns, rows, note=note)


def churn_definitions(lang: str) -> tuple[MetricDefinition, ...]:
    """What the model-based columns mean (the churn model is not a metrics.yaml metric)."""
    return tuple(
        MetricDefinition(
            name=name,
            label=t(f"churn.def.{name}.label", lang),
            description=t(f"churn.def.{name}.description", lang),
            formula=t(f"churn.def.{name}.formula", lang),
            owner="risk-analytics",
            format=fmt,
        )
        for name, fmt in (
            ("churn_probability", "percent"),
            ("risk_level", ""),
            ("at_risk", "count"),
            ("warning_score", "count"),
            ("best_baseline", ""),
            ("roc_auc", "decimal"),
            ("top_decile_lift", "decimal"),
        )
    )


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    status = churn_files.churn_status(pc.db, request.generated_at.date(), churn_files.page_rules(pc))
    sheets: list[SheetSpec] = []
    if status.data is not None:
        data = status.data
        level = churn_view.drill_level(pc.state) or "rm"
        sheets += [
            risk_level_sheet(pc, data),
            distribution_sheet(pc, data),
            at_risk_sheet(pc, data, level, "drill"),
            at_risk_sheet(pc, data, "tier", "tiers"),
            signals_sheet(pc, data),
            reasons_sheet(pc, data),
            actions_sheet(pc, data, request.list_rows),
            card_sheet(pc, data),
            deciles_sheet(pc, data),
            evaluation_sheet(pc, data, request.list_rows),
        ]
        sheets += retention_sheets(pc, data, request.generated_at.date(), request.list_rows)
    sheets.append(rules_sheet(pc))
    spec = workbook_spec(
        pc,
        page="churn",
        title=t("churn.title", lang),
        sheets=sheets,
        metrics=("aum_total",),
        generated_at=request.generated_at,
        user=request.user,
    )
    extra: list[tuple[str, str]] = []
    signal = churn_view.selected_signal(pc.state)
    if signal:
        extra.append((t("churn.filter.signal", lang), churn_words.signal_labels(lang)[signal]))
    if status.data is not None:
        extra.append((t("churn.filter.scores_as_of", lang), status.data.as_of.isoformat()))
    else:
        extra.append((t("churn.filter.model", lang), str(status.problem)))
    return replace(spec, filters=(*spec.filters, *extra), definitions=(*spec.definitions, *churn_definitions(lang)))
