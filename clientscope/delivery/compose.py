"""The words of a report mail and of an alert, in the subscription's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from clientscope.access.viewer import Viewer
from clientscope.delivery.alerts import Evaluation
from clientscope.delivery.config import Alert, Subscription
from clientscope.delivery.message import Attachment, Message
from clientscope.delivery.render import Report, page_link
from clientscope.i18n import t
from clientscope.semantic import SemanticModel
from clientscope.semantic.formats import FormatSpec, format_pct_change, format_value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_message(
    sub: Subscription, report: Report, viewer: Viewer, due_at: datetime, zone: ZoneInfo, base_url: str, key: str
) -> Message:
    lang = sub.lang
    when = due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    filters = "; ".join(f"{label}: {value}" for label, value in report.filters)
    lines = [
        t("delivery.report.intro", lang, user=viewer.username, name=sub.name, when=when),
        t("delivery.report.filters", lang, filters=filters) if filters else t("delivery.report.no_filters", lang),
    ]
    if report.data_as_of:
        lines.append(t("delivery.report.as_of", lang, date=report.data_as_of))
    attachments: tuple[Attachment, ...] = ()
    if report.workbook is not None:
        lines.append(t("delivery.report.attached", lang, rows=f"{report.rows:,}"))
        attachments = (Attachment(report.filename, report.workbook, XLSX),)
    if report.masked:
        lines.append(t("delivery.report.masked", lang))
    link = page_link(base_url, sub.page, sub.filters, lang)
    return Message(
        subject=t("delivery.report.subject", lang, title=report.title, name=sub.name),
        lines=tuple(lines),
        link=link,
        link_text=t("delivery.link", lang),
        key=key,
        attachments=attachments,
        image=report.snapshot,
        data={"kind": "report", "name": sub.name, "page": sub.page, "due_at": due_at.isoformat(), "rows": report.rows},
    )


def alert_payload(alert: Alert, result: Evaluation, model: SemanticModel, base_url: str) -> dict[str, object]:
    """The alert's words and facts, fixed when the breach is found (stored with the due delivery)."""
    lang = alert.lang
    fmt = model.format_of(alert.metric)
    label = model.label(alert.metric, lang)
    scope = alert.filters or t("delivery.alert.whole_bank", lang)
    period = t(f"delivery.alert.period.{alert.period}", lang, month=result.period)
    none = t("delivery.none", lang)

    def shown(value: float | None, spec: FormatSpec = fmt) -> str:
        return format_value(value, spec, lang) if value is not None else none

    condition = {"threshold": shown(alert.threshold), "change": none, "other": "", "other_value": none}
    if alert.condition in ("rise_above", "fall_below"):
        condition["threshold"] = format_pct_change(alert.threshold, lang)
        condition["change"] = format_pct_change(result.change, lang) if result.change is not None else none
    if alert.other:
        condition["other"] = model.label(alert.other, lang)
        condition["other_value"] = shown(result.other_value, model.format_of(alert.other))
    lines = [
        t(
            "delivery.alert.value",
            lang,
            metric=label,
            period=period,
            value=shown(result.value),
            prior=shown(result.prior),
        ),
        t(f"delivery.alert.{alert.condition}", lang, **condition),
        t("delivery.alert.once", lang),
    ]
    return {
        "subject": t("delivery.alert.subject", lang, metric=label, scope=scope),
        "lines": lines,
        "link": page_link(base_url, alert.page, alert.filters, lang),
        "link_text": t("delivery.link", lang),
        "data": {
            "kind": "alert",
            "name": alert.name,
            "metric": alert.metric,
            "filters": alert.filters,
            "period": result.period,
            "value": result.value,
            "prior": result.prior,
            "threshold": alert.threshold,
            "other": alert.other,
            "other_value": result.other_value,
            "condition": alert.condition,
        },
    }


def alert_message(payload: dict[str, object], key: str) -> Message:
    return Message(
        subject=str(payload["subject"]),
        lines=tuple(str(line) for line in payload["lines"]),  # type: ignore[union-attr]
        link=str(payload["link"]),
        link_text=str(payload["link_text"]),
        key=key,
        data=dict(payload["data"]),  # type: ignore[arg-type]
    )
