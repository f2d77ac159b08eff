"""`clientscope export PAGE`: the page's workbook built outside the app, for scheduled jobs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from clientscope.db import FULL_SCOPE
from clientscope.reports import REPORT_LIST_ROWS

log = logging.getLogger(__name__)


class ExportRequestError(Exception):
    """An export that cannot be made; the message says what to fix."""


def parse_filters(pairs: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs → URL query arguments (a repeated key adds values: region=A region=B → A,B)."""
    query: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ExportRequestError(f"--filter {pair!r} is not KEY=VALUE (e.g. --filter region=华东区)")
        key, value = key.strip(), value.strip()
        query[key] = f"{query[key]},{value}" if key in query and key not in {"start", "end", "compare"} else value
    return query


def export_page(
    *,
    page: str,
    data_dir: Path,
    out: Path,
    filters: Sequence[str],
    lang: str,
    metrics_path: Path,
    generated_at: datetime,
    list_rows: int | None = REPORT_LIST_ROWS,
) -> Path:
    from clientscope.build import run_build
    from clientscope.export import ExportError, write_workbook
    from clientscope.reports import ReportRequest, builder, report_pages
    from clientscope.semantic import SemanticError, format_problems, load_semantic_model
    from clientscope.validation import format_report
    from clientscope.view_context import build_page_context

    if page not in report_pages():
        raise ExportRequestError(f"unknown page {page!r}; choose one of: {', '.join(report_pages())}")
    if out.suffix.lower() != ".xlsx":
        raise ExportRequestError(f"the output file must end in .xlsx, got {out.name!r}")
    query = parse_filters(filters)
    if lang != "zh_CN":
        query["lang"] = lang
    try:
        model = load_semantic_model(metrics_path)
    except SemanticError as exc:
        raise ExportRequestError(f"{metrics_path} is not valid:\n{format_problems(exc.problems)}") from exc
    # The server's build step, cached per data version: a scheduled export after `clientscope build` (or a
    # running server) reads what was built instead of validating and rebuilding, and equals the page's button.
    built = run_build(data_dir, model, open_retention_batch=False)
    if not built.report.ok:
        raise ExportRequestError(f"the extracts in {data_dir} are not valid:\n{format_report(built.report)}")
    if built.db is None:
        raise ExportRequestError("\n".join(built.problems))
    db, model = built.db, built.model
    pc = build_page_context(db, model, data_dir, query, FULL_SCOPE)
    if pc.notices:
        problems = "; ".join(f"{n.key}={n.value} ({n.reason.replace('_', ' ')})" for n in pc.notices)
        raise ExportRequestError(f"invalid filter: {problems}")
    try:
        spec = builder(page)(ReportRequest(pc, generated_at, list_rows=list_rows))
        written = write_workbook(spec, out)
    except ExportError as exc:
        raise ExportRequestError(str(exc)) from exc
    _audit(page, filters, out)
    return written


def _audit(page: str, filters: Sequence[str], out: Path) -> None:
    """Command-line exports are audited too: by the operating-system user, with the full scope they have."""
    import getpass

    from clientscope.access.audit import Action, record
    from clientscope.store import open_store
    from clientscope.store.engine import StoreError

    try:
        store = open_store()
    except StoreError as exc:  # the workbook is written; an unreachable store must not undo that
        log.warning("export not audited: %s", exc)
        return
    record(
        store,
        Action.EXPORT,
        username="cli:" + getpass.getuser(),
        role="command_line",
        target=page,
        detail={"filters": list(filters), "file": out.name, "masked": False},
    )
