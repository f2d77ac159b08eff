"""The retention actions in the churn page's workbook: the work queue, the follow-up coverage and the outcome
comparison with the offers. Registered by one call in `clientscope/reports/churn.py`."""

from __future__ import annotations

from datetime import date

import polars as pl

from clientscope.actions import outcomes
from clientscope.actions.config import retention_config
from clientscope.actions.queue import (
    HORIZON_MONTHS,
    coverage,
    current_store,
    known_outcomes,
    latest_batch,
    overdue_expr,
    queue_frame,
)
from clientscope.actions.store import STATUSES, count_actions
from clientscope.churn.files import ChurnData
from clientscope.export import ColumnSpec, SheetSpec
from clientscope.i18n import t
from clientscope.view_context import PageContext

PERCENT = "0.0%"
POINTS = "+0.0%;-0.0%;0.0%"  # a difference of rates, shown in percentage points


def _text(key: str, lang: str) -> ColumnSpec:
    return ColumnSpec(key, t(f"actions.col.{key}", lang), "text")


def queue_sheet(pc: PageContext, today: date, list_rows: int | None = None) -> SheetSpec:
    """The first `list_rows` actions of the viewer's scope and page filters (hold-out excluded), all statuses."""
    lang, config = pc.lang, retention_config()
    store, filters = current_store(), pc.metric_filters()
    frame = queue_frame(pc.db, store, pc.scope, statuses=None, overdue_on=None, filters=filters, limit=list_rows)
    labels = {code: t(f"actions.status.{code}", lang) for code in STATUSES}
    rows = frame.with_columns(
        pl.col("status").replace(labels).alias("status"),
        pl.col("offer").replace(config.offer_labels(lang)).alias("offer"),
        pl.col("updated_at").dt.replace_time_zone(None),
        pl.col("first_contact_at").dt.replace_time_zone(None),
        overdue_expr(today)
        .replace_strict({True: t("actions.overdue", lang), False: ""}, return_dtype=pl.String)
        .alias("overdue"),
    )
    columns = (
        ColumnSpec("customer_id", t("actions.col.customer", lang), "text"),
        ColumnSpec("name", t("actions.col.name", lang), "text", personal=True, personal_kind="name"),
        ColumnSpec("phone", t("actions.col.phone", lang), "text", personal=True, personal_kind="phone"),
        ColumnSpec("warning_month", t("actions.col.warning_month", lang), "date"),
        _text("region", lang),
        ColumnSpec("branch_id", t("actions.col.branch", lang), "text"),
        ColumnSpec("rm_id", t("actions.col.rm", lang), "text"),
        _text("assignee", lang),
        _text("tier", lang),
        ColumnSpec("churn_probability", t("actions.col.churn_probability", lang), "percent", excel_format="0.00%"),
        _text("status", lang),
        _text("offer", lang),
        ColumnSpec("due_date", t("actions.col.due_date", lang), "date"),
        _text("overdue", lang),
        ColumnSpec("first_contact_at", t("actions.col.first_contact_at", lang), "datetime"),
        ColumnSpec("note", t("actions.col.note", lang), "text", width=40),
        ColumnSpec("version", t("actions.col.version", lang), "integer"),
        ColumnSpec("updated_by", t("actions.col.updated_by", lang), "text"),
        ColumnSpec("updated_at", t("actions.col.updated_at", lang), "datetime"),
    )
    cut = list_rows is not None and frame.height >= list_rows  # else the frame holds every action: nothing to count
    total = count_actions(store, pc.scope, filters=filters) if cut else frame.height
    return SheetSpec(t("actions.sheet.queue", lang), t("actions.title", lang), columns, rows, of_rows=total)


def coverage_sheet(pc: PageContext, today: date) -> SheetSpec:
    """Coverage of the latest batch by RM (no rows, and a note saying so, before the first batch)."""
    lang = pc.lang
    batch = latest_batch(current_store())
    frame = (
        coverage(current_store(), pc.scope, batch, "rm_id", pc.metric_filters(), today)
        if batch is not None
        else pl.DataFrame(
            schema={
                "code": pl.String,
                "warned": pl.Int64,
                "contacted": pl.Int64,
                "overdue": pl.Int64,
                "share": pl.Float64,
            }
        )
    )
    labels = pc.value_labels().get("rm", {})
    rows = frame.with_columns(pl.col("code").replace(labels).fill_null(t("churn.unassigned", lang)).alias("unit"))
    columns = (
        ColumnSpec("unit", t("actions.coverage.level.rm", lang), "text"),
        ColumnSpec("warned", t("actions.coverage.col.warned", lang), "integer"),
        ColumnSpec("contacted", t("actions.coverage.col.contacted", lang), "integer"),
        ColumnSpec("share", t("actions.coverage.col.share", lang), "percent", excel_format=PERCENT),
        ColumnSpec("overdue", t("actions.coverage.col.overdue", lang), "integer"),
    )
    if batch is None:
        note = t("actions.coverage.none", lang)
    else:
        level = t("actions.coverage.level.rm", lang)
        note = t(
            "actions.coverage.note", lang, month=batch.warning_month.isoformat(), days=batch.follow_up_days, level=level
        )
    return SheetSpec(t("actions.sheet.coverage", lang), t("actions.coverage.title", lang), columns, rows, note=note)


def outcome_sheet(pc: PageContext, data: ChurnData) -> SheetSpec:
    """The comparison (randomised when a hold-out exists, else matched observational) and one row per offer."""
    lang, config = pc.lang, retention_config()
    found = known_outcomes(pc.db, current_store(), pc.scope, data.as_of, config)
    known = found.rows if found.rows is not None else pl.DataFrame()
    result = outcomes.randomised(known, config.confidence) if known.height else None
    if result is None and known.height:
        result = outcomes.acted_against_not_acted(known, config.confidence)
    offers = outcomes.offer_table(known, config.offer_codes(), config.confidence) if known.height else None
    records = []
    if result is not None and result.difference is not None:
        records.append(
            {
                "group": t(f"actions.sheet.kind.{result.kind}", lang),
                "customers": result.treated_n,
                "rate": result.treated_rate,
                "control": result.control_n,
                "control_rate": result.control_rate,
                "difference": result.difference,
                "low": result.low,
                "high": result.high,
            }
        )
    for r in offers.iter_rows(named=True) if offers is not None else ():
        records.append(
            {
                "group": config.offer_labels(lang).get(r["offer"], r["offer"]),
                "customers": r["customers"],
                "rate": r["rate"],
                "control": None,
                "control_rate": None,
                "difference": r["difference"],
                "low": r["difference_low"],
                "high": r["difference_high"],
            }
        )
    schema = {"group": pl.String, "customers": pl.Int64, "rate": pl.Float64, "control": pl.Int64}
    schema |= {"control_rate": pl.Float64, "difference": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    frame = pl.DataFrame(records, schema=schema, orient="row")
    columns = (
        ColumnSpec("group", t("actions.sheet.col.group", lang), "text", width=36),
        ColumnSpec("customers", t("actions.offers.col.customers", lang), "integer"),
        ColumnSpec("rate", t("actions.sheet.col.rate", lang), "percent", excel_format=PERCENT),
        ColumnSpec("control", t("actions.sheet.col.control", lang), "integer"),
        ColumnSpec("control_rate", t("actions.sheet.col.control_rate", lang), "percent", excel_format=PERCENT),
        ColumnSpec("difference", t("actions.sheet.col.difference", lang), "percent", excel_format=POINTS),
        ColumnSpec("low", t("actions.sheet.col.low", lang), "percent", excel_format=POINTS),
        ColumnSpec("high", t("actions.sheet.col.high", lang), "percent", excel_format=POINTS),
    )
    if not known.height:
        first = found.first_window_end
        note = t("actions.outcome.pending", lang, months=HORIZON_MONTHS, date=first.isoformat() if first else "—")
    else:
        note = t("actions.offers.note", lang)
    return SheetSpec(t("actions.sheet.outcomes", lang), t("actions.outcome.title", lang), columns, frame, note=note)


def retention_sheets(pc: PageContext, data: ChurnData, today: date, list_rows: int | None = None) -> list[SheetSpec]:
    """The retention sheets of the churn workbook (the batch is opened on the page, never by an export)."""
    return [queue_sheet(pc, today, list_rows), coverage_sheet(pc, today), outcome_sheet(pc, data)]
