"""A subscription's report for one recipient: the page's workbook (the builder of `clientscope export` and of the
page's button) and the charts' PNG, scoped and masked for the recipient's own role."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from clientscope.access.viewer import Viewer
from clientscope.db import Database
from clientscope.delivery.config import Subscription
from clientscope.delivery.recipients import RecipientRefused
from clientscope.delivery.snapshot import SnapshotError, snapshot_png
from clientscope.export import export_filename, render_workbook
from clientscope.semantic import SemanticModel
from clientscope.view_context import build_page_context

log = logging.getLogger(__name__)
PAGE_PATHS = {"overview": "/", "customer": "/customers"}  # a workbook's page name → the page's path


def page_path(page: str) -> str:
    return PAGE_PATHS.get(page, "/" + page)


def page_link(base_url: str, page: str, filters: str, lang: str) -> str:
    query = dict(parse_qsl(filters.lstrip("?")))
    if lang == "en":
        query["lang"] = "en"
    return base_url.rstrip("/") + page_path(page) + ("?" + urlencode(query) if query else "")


def url_query(filters: str, lang: str) -> dict[str, str]:
    query = dict(parse_qsl(filters.lstrip("?"), keep_blank_values=False))
    if lang != "zh_CN":
        query["lang"] = lang
    return query


@dataclass(frozen=True)
class Report:
    title: str
    filename: str
    workbook: bytes | None
    snapshot: bytes | None
    rows: int
    masked: bool
    filters: tuple[tuple[str, str], ...]  # (label, value) as on the workbook's cover
    data_as_of: str


def render_report(
    db: Database, model: SemanticModel, data_dir: Path, sub: Subscription, viewer: Viewer, generated_at: datetime
) -> Report:
    """Raises RecipientRefused (the recipient may not open the page, or the filters name what they cannot see) and
    clientscope.export.ExportError."""
    from clientscope.kpis import period_bounds
    from clientscope.reports import ReportRequest, builder

    if not viewer.may_open(page_path(sub.page)):
        raise RecipientRefused(f"{viewer.username} ({viewer.role.value}) may not open the page '{sub.page}'")
    pc = build_page_context(db, model, data_dir, url_query(sub.filters, sub.lang), viewer.scope())
    if pc.notices:
        problems = "; ".join(f"{n.key}={n.value} ({n.reason.replace('_', ' ')})" for n in pc.notices)
        raise RecipientRefused(f"the filters do not apply in {viewer.username}'s scope: {problems}")
    user = None if viewer.open_mode else viewer.label(sub.lang)
    spec = builder(sub.page)(ReportRequest(pc, generated_at, user=user))
    snapshot = None
    if "png" in sub.format:
        try:
            snapshot = snapshot_png(spec)
        except SnapshotError as exc:  # the workbook still goes; the log says why the image is missing
            log.warning("subscription %s: %s", sub.name, exc)
    rendered = render_workbook(spec) if "xlsx" in sub.format else None
    _, end = period_bounds(pc)
    period_end = datetime.strptime(end, "%Y-%m").date() if end else None
    return Report(
        title=spec.title,
        filename=export_filename(sub.page, period_end, sub.lang),
        workbook=rendered.content if rendered else None,
        snapshot=snapshot,
        rows=rendered.rows if rendered else 0,
        masked=any(s.masked for s in rendered.sheets) if rendered else False,
        filters=spec.filters,
        data_as_of=f"{spec.data_as_of:%Y-%m-%d}" if spec.data_as_of else "",
    )
