"""A query source's customers as an Excel sheet (the segments workbook's lists)."""

from __future__ import annotations

import polars as pl

from clientscope.customer_list.display import (
    CODE_COLUMNS,
    COUNT_COLUMNS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    column_header,
)
from clientscope.customer_list.source import EXPORT_LIMIT, CustomerSegment, list_frame, list_source
from clientscope.export import ColumnSpec, SheetSpec
from clientscope.i18n import t
from clientscope.semantic import excel_header_unit, excel_number_format
from clientscope.view_context import PageContext


def list_sheet(
    pc: PageContext, segment: CustomerSegment, *, name: str, title: str, list_rows: int | None = None
) -> SheetSpec:
    """The segment's first `list_rows` customers (at most EXPORT_LIMIT) as an Excel sheet, with the list's length
    (personal columns masked by the workbook unless allowed)."""
    source = list_source(segment.source)
    frame, total = list_frame(pc, segment, limit=min(list_rows or EXPORT_LIMIT, EXPORT_LIMIT))
    labels = pc.value_labels()
    for key, dimension in CODE_COLUMNS.items():
        if key in frame.columns:
            mapping = {**labels.get(dimension, {})}
            if dimension == "tier":
                mapping.update({c: t(f"customer.list.{c}", pc.lang) for c in ("new", "closed")})
            frame = frame.with_columns(pl.col(key).cast(pl.Utf8).replace(mapping))
    money = pc.model.format_of("aum_total")
    columns = [
        ColumnSpec("customer_id", t("customer.list.col.customer_id", pc.lang), "text"),
        ColumnSpec("name", t("customer.list.col.name", pc.lang), "text", personal=True, personal_kind="name"),
        ColumnSpec("phone", t("customer.list.col.phone", pc.lang), "text", personal=True, personal_kind="phone"),
    ]
    for key in source.columns:
        header = column_header(pc, source, key)
        if key in MONEY_COLUMNS:
            columns.append(
                ColumnSpec(
                    key, header + excel_header_unit(money, pc.lang), "currency", excel_number_format(money, pc.lang)
                )
            )
        elif key in PERCENT_COLUMNS:
            columns.append(ColumnSpec(key, header, "percent", "0.0%"))
        elif key in COUNT_COLUMNS:
            columns.append(ColumnSpec(key, header, "integer"))
        elif key.startswith("sig_"):
            frame = frame.with_columns(pl.when(pl.col(key)).then(pl.lit("✓")).otherwise(pl.lit("")).alias(key))
            columns.append(ColumnSpec(key, header, "text"))
        else:
            columns.append(ColumnSpec(key, header, "text"))
    return SheetSpec(name=name, title=title, columns=tuple(columns), rows=frame, of_rows=total)
