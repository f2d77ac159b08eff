"""The audit log as a table and as a workbook (auditors keep their evidence in Excel)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from clientscope.access.audit import COLUMNS
from clientscope.export import ColumnSpec, SheetSpec, WorkbookSpec, workbook_bytes
from clientscope.i18n import t

KINDS = {"id": "integer", "at": "datetime"}


def audit_workbook(frame: pl.DataFrame, lang: str, user: str, generated_at: datetime) -> bytes:
    sheet = SheetSpec(
        name=t("audit.title", lang),
        title=t("audit.title", lang),
        columns=tuple(
            ColumnSpec(column, t(f"audit.col.{column}", lang), KINDS.get(column, "text")) for column in COLUMNS
        ),
        rows=frame,
        note=t("audit.intro", lang),
    )
    spec = WorkbookSpec(
        title=t("audit.title", lang),
        page="audit",
        language="en" if lang == "en" else "zh_CN",
        filters=(),
        data_as_of=None,
        generated_at=generated_at,
        user=user,
        sheets=(sheet,),
        definitions=(),
        can_see_personal=False,
    )
    return workbook_bytes(spec)
