"""The customer 360 workbook: profile, monthly history, products, marketing timeline, complaints, churn reasons.

The customer is the page option `p.customer` (the 360 page's Export button adds it from the URL path;
from the command line: `clientscope export customer --data DIR --filter p.customer=C0000001 --out F.xlsx`).
Personal data is masked unless the viewer's scope allows it.
"""

from __future__ import annotations

import polars as pl

from clientscope import customer360 as c360
from clientscope.export import ColumnSpec, ExportError, SheetSpec, WorkbookSpec
from clientscope.exporting import ExportRequestError
from clientscope.i18n import join_words, t
from clientscope.reports import ReportRequest
from clientscope.reports.common import workbook_spec
from clientscope.segments.view import tag_label
from clientscope.semantic import excel_header_unit, excel_number_format
from clientscope.view_context import PageContext


class CustomerExportError(ExportError, ExportRequestError):
    """No customer chosen, or not found: a clear message in the app (ExportError) and the CLI (ExportRequestError)."""


HISTORY_MONEY = ("aum_total", "deposits", "wealth", "insurance", "loan_balance", "card_spend", "txn_amount")
HISTORY_COUNTS = ("txn_count", "digital_logins", "products_held", "complaints", "warning_score")


def _money(pc: PageContext, key: str, label: str) -> ColumnSpec:
    fmt = pc.model.format_of("aum_total")
    return ColumnSpec(key, label + excel_header_unit(fmt, pc.lang), "currency", excel_number_format(fmt, pc.lang))


def profile_sheet(pc: PageContext, data: c360.Customer360) -> SheetSpec:
    lang = pc.lang
    p = data.profile
    labels = pc.value_labels()
    model = pc.model
    rows = [
        (t("customer.list.col.customer_id", lang), p["customer_id"]),
        (t("customer.list.col.name", lang), p.get("name")),
        (t("customer.list.col.phone", lang), p.get("phone")),
        (t("customer.id_number", lang), p.get("id_number")),
        (model.dimension_label("tier", lang), model.tier_labels(lang).get(p.get("tier"), p.get("tier"))),
        (t("customer.tags", lang), join_words([tag_label(tag, lang) for tag in (p.get("tags") or [])], lang)),
        (model.dimension_label("region", lang), p.get("region")),
        (model.dimension_label("branch", lang), p.get("branch_name") or p.get("branch_id")),
        (model.dimension_label("rm", lang), p.get("rm_name") or p.get("rm_id")),
        (t("customer.opened", lang), p["open_date"].isoformat() if p.get("open_date") else None),
        (t("customer.closed", lang), p["close_date"].isoformat() if p.get("close_date") else None),
        (t("customer.tenure", lang), str(c360.tenure_months(p)) if c360.tenure_months(p) is not None else None),
        (model.dimension_label("stage", lang), labels.get("stage", {}).get(p.get("stage"), p.get("stage"))),
        (model.dimension_label("warning_level", lang), labels.get("warning_level", {}).get(p.get("warning_level"))),
    ]
    if data.risk:
        for i, reason in enumerate(data.risk.reasons, start=1):
            rows.append((t("customer.export.reason", lang, number=i), f"{reason.text(lang)}（{reason.action(lang)}）"))
    frame = pl.DataFrame(
        {"field": [r[0] for r in rows], "value": [None if r[1] is None else str(r[1]) for r in rows]},
        schema={"field": pl.Utf8, "value": pl.Utf8},
    )
    return SheetSpec(
        name=t("customer.profile", lang),
        title=t("customer.title", lang, name=p.get("name") or p["customer_id"]),
        columns=(
            ColumnSpec("field", t("customer.export.field", lang), "text"),
            ColumnSpec("value", t("customer.export.value", lang), "text"),
        ),
        rows=frame,
    )


def history_sheet(pc: PageContext, data: c360.Customer360) -> SheetSpec:
    lang = pc.lang
    frame = data.history.with_columns(pl.col("tier").cast(pl.Utf8).replace(pc.model.tier_labels(lang)))
    columns = [
        ColumnSpec("month", t("export.period", lang), "date"),
        ColumnSpec("tier", pc.model.dimension_label("tier", lang), "text"),
        *(_money(pc, key, t(f"customer.col.{key}", lang)) for key in HISTORY_MONEY),
        *(ColumnSpec(key, t(f"customer.col.{key}", lang), "integer") for key in HISTORY_COUNTS),
    ]
    return SheetSpec(
        name=t("customer.export.history", lang), title=t("customer.aum", lang), columns=tuple(columns), rows=frame
    )


def holdings_sheet(pc: PageContext, data: c360.Customer360) -> SheetSpec | None:
    if data.holdings is None:
        return None
    lang = pc.lang
    frame = data.holdings.with_columns(
        pl.col("product_type").cast(pl.Utf8).replace(pc.model.value_labels("product_type", lang))
    )
    return SheetSpec(
        name=t("customer.products", lang),
        title=t("customer.products", lang),
        columns=(
            ColumnSpec("product_type", pc.model.dimension_label("product_type", lang), "text"),
            ColumnSpec("open_date", t("customer.products.opened", lang), "date"),
            ColumnSpec("close_date", t("customer.products.closed_on", lang), "date"),
        ),
        rows=frame,
    )


def timeline_sheet(pc: PageContext, data: c360.Customer360) -> SheetSpec | None:
    if data.touches is None and data.conversions is None:
        return None
    lang = pc.lang
    events = c360.timeline(data, dict(pc.value_labels().get("campaign", {})))
    kinds = {k: t(f"customer.campaigns.{k}", lang) for k in ("touch", "control", "conversion")}
    lanes = {**pc.model.value_labels("channel", lang), **pc.model.value_labels("product_type", lang)}
    frame = events.with_columns(pl.col("kind").replace(kinds), pl.col("lane").replace(lanes))
    return SheetSpec(
        name=t("customer.campaigns", lang),
        title=t("customer.campaigns", lang),
        columns=(
            ColumnSpec("ts", t("customer.export.when", lang), "datetime"),
            ColumnSpec("kind", t("customer.export.kind", lang), "text"),
            ColumnSpec("lane", t("customer.export.lane", lang), "text"),
            ColumnSpec("campaign", pc.model.dimension_label("campaign", lang), "text"),
            _money(pc, "value", t("customer.export.value_cny", lang)),
        ),
        rows=frame,
    )


def complaints_sheet(pc: PageContext, data: c360.Customer360) -> SheetSpec | None:
    if data.complaints is None:
        return None
    lang = pc.lang
    return SheetSpec(
        name=t("customer.complaints", lang),
        title=t("customer.complaints", lang),
        columns=(
            ColumnSpec("complaint_ts", t("customer.complaint.when", lang), "datetime"),
            ColumnSpec("channel", t("customer.complaint.channel", lang), "text"),
            ColumnSpec("category", t("customer.complaint.category", lang), "text"),
            ColumnSpec("resolved", t("customer.complaint.resolved", lang), "text"),
        ),
        rows=data.complaints.with_columns(
            pl.when(pl.col("resolved"))
            .then(pl.lit(t("customer.yes", lang)))
            .otherwise(pl.lit(t("customer.no", lang)))
            .alias("resolved")
        ),
    )


def workbook(request: ReportRequest) -> WorkbookSpec:
    pc = request.page
    lang = pc.lang
    customer_id = pc.state.options.get("customer")
    if not customer_id:
        raise CustomerExportError(t("customer.export.no_customer", lang))
    data = c360.load_customer(pc, customer_id)
    if data is None:
        raise CustomerExportError(t("customer.notfound.body", lang, customer_id=customer_id))
    sheets = [
        profile_sheet(pc, data),
        history_sheet(pc, data),
        holdings_sheet(pc, data),
        timeline_sheet(pc, data),
        complaints_sheet(pc, data),
    ]
    return workbook_spec(
        pc,
        page="customer",
        title=t("customer.title", lang, name=data.profile.get("name") or data.profile["customer_id"]),
        sheets=[s for s in sheets if s is not None],
        metrics=("aum_total", "deposits", "wealth"),
        generated_at=request.generated_at,
        user=request.user,
    )
