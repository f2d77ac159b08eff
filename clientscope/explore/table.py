"""The pivot's layout: the long result of one pivot query → column groups and ordered rows with subtotals.

Rows follow the 中国式报表 convention: each group's detail rows, then the group's subtotal (小计), the grand
total (合计) last — Excel's outline with summary rows below.  Sorting and top-N apply within each group; a
subtotal always covers every row of its group (the database computed it), top-N or not.  The grid, the chart
and the workbook all read this one table, so the screen and the file show the same cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from clientscope.explore.options import ROW_SEP, TOTAL_KEY, ExploreOptions
from clientscope.i18n import month_name, t
from clientscope.semantic.pivot import PivotRequest, column_total, row_depth

ROW_CAP = 2_000  # rows of the workbook's sheet; more is a note asking for fewer dimensions, filters or a top N
COLUMN_CAP = 60  # column groups (values of the column dimension or periods)
RESULT_COLUMN = {"value": "", "prior": "__prior", "change": "__change", "pct": "__pct_change"}

Codes = tuple[str | None, ...]


@dataclass(frozen=True)
class ColumnGroup:
    key: str  # TOTAL_KEY for the total column (or the only column), a dimension code, or a period "YYYY-MM"
    label: str


@dataclass(frozen=True)
class PivotRow:
    codes: Codes  # the row dimensions' codes this row keeps (() for the grand total)
    depth: int  # len(codes): the number of row dimensions kept
    label: str
    values: Mapping[str, float | None]  # cell_field(...) → value

    @property
    def id(self) -> str:
        return ROW_SEP.join("" if c is None else c for c in self.codes) if self.codes else TOTAL_KEY


@dataclass(frozen=True)
class PivotTable:
    options: ExploreOptions
    request: PivotRequest
    columns: tuple[ColumnGroup, ...]
    rows: tuple[PivotRow, ...]
    detail_rows: int  # innermost rows before top-N and the row cap
    capped_rows: bool
    capped_columns: bool
    row_cap: int = ROW_CAP  # the cap `rows` was cut to (the grid's and the workbook's differ: explore/paging.py)
    all_rows: int = 0  # rows (subtotals and the total included) before the cap

    @property
    def levels(self) -> int:
        return len(self.request.rows)

    @property
    def banded(self) -> bool:
        """Whether the columns are grouped under a column dimension's values or periods."""
        return self.request.column is not None


def cell_field(column: int, metric: str, part: str) -> str:
    """The key of one cell of a row: column group index, metric, part (value / prior / change / pct)."""
    return f"c{column}__{metric}__{part}"


def period_label(day: date, grain: str, lang: str) -> str:
    if grain == "year":
        return f"{day.year}年" if lang == "zh_CN" else str(day.year)
    if grain == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year}年第{quarter}季度" if lang == "zh_CN" else f"{day.year} Q{quarter}"
    return month_name(f"{day.year}-{day.month:02d}", lang)


def build_table(
    frame: pl.DataFrame,
    options: ExploreOptions,
    request: PivotRequest,
    labels: Mapping[str, Mapping[str, str]],
    lang: str,
    row_cap: int = ROW_CAP,
) -> PivotTable:
    """Lay the long result out as the pivot: one row per row-level key, one group of cells per column key.

    More than `row_cap` rows keep the first `row_cap - 1` and the grand total."""
    columns, col_index = _columns(frame, request, labels, lang)
    capped_columns = len(columns) > COLUMN_CAP
    columns = columns[:COLUMN_CAP]
    cells: dict[Codes, dict[str, float | None]] = {}
    parts = options.comparison_parts()
    # each block the grid pages through lays the result out again: the per-record work is kept to lookups
    fields = [
        [(cell_field(ci, m, part), m + RESULT_COLUMN[part]) for m in request.metrics for part in parts]
        for ci in range(len(columns))
    ]
    row_dims: dict[int, tuple[str, ...]] = {}
    for record in frame.iter_rows(named=True):
        gid = int(record["grouping_id"])
        if gid not in row_dims:
            row_dims[gid] = request.rows[: row_depth(gid, request)]
        codes: Codes = tuple(record[d] for d in row_dims[gid])
        ci = col_index.get(_column_key(record, gid, request))
        if ci is None or ci >= COLUMN_CAP:
            continue
        row = cells.setdefault(codes, {})
        for field, result_column in fields[ci]:
            row[field] = record.get(result_column)
    sort_column = len(columns) - 1 if columns else 0
    ordered, detail = _ordered(cells, options, request, labels, lang, sort_column)
    all_rows = len(ordered)
    capped = all_rows > row_cap
    if capped:  # keep the grand total, which the cap would cut
        ordered = [*ordered[: row_cap - 1], ordered[-1]]
    return PivotTable(
        options, request, tuple(columns), tuple(ordered), detail, capped, capped_columns, row_cap, all_rows
    )


def _column_key(record: Mapping[str, object], gid: int, request: PivotRequest) -> str:
    if request.column_dimension is not None:
        value = record[request.column_dimension]
        return TOTAL_KEY if column_total(gid, request) else ("" if value is None else str(value))
    period = record.get("period")
    return f"{period.year}-{period.month:02d}" if isinstance(period, date) else TOTAL_KEY


def _columns(
    frame: pl.DataFrame, request: PivotRequest, labels: Mapping[str, Mapping[str, str]], lang: str
) -> tuple[list[ColumnGroup], dict[str, int]]:
    dim = request.column_dimension
    if dim is not None:
        mapping = labels.get(dim, {})
        detail = frame.filter(pl.col("grouping_id") % 2 == 0)  # the column dimension is the last grouping bit
        present = {"" if v is None else str(v) for v in detail[dim].to_list()}
        order = [c for c in mapping if c in present] + sorted(present - set(mapping), key=lambda c: (c == "", c))
        groups = [ColumnGroup(c, mapping.get(c, c) or "—") for c in order]
        if frame.height:
            groups.append(ColumnGroup(TOTAL_KEY, t("explore.total_column", lang)))
    elif request.column is not None:
        periods = sorted({p for p in frame["period"].to_list()}) if frame.height else []
        groups = [ColumnGroup(f"{p.year}-{p.month:02d}", period_label(p, request.column, lang)) for p in periods]
    else:
        groups = [ColumnGroup(TOTAL_KEY, "")]
    return groups, {g.key: i for i, g in enumerate(groups)}


def _ordered(
    cells: Mapping[Codes, Mapping[str, float | None]],
    options: ExploreOptions,
    request: PivotRequest,
    labels: Mapping[str, Mapping[str, str]],
    lang: str,
    sort_column: int,
) -> tuple[list[PivotRow], int]:
    levels = len(request.rows)
    children: dict[Codes, list[Codes]] = {}
    for codes in cells:
        if codes:
            children.setdefault(codes[:-1], []).append(codes)

    def label_of(codes: Codes) -> str:
        dim, code = request.rows[len(codes) - 1], codes[-1]
        return "—" if code is None else labels.get(dim, {}).get(code, code)

    def sort_key(codes: Codes) -> tuple:
        if options.sort == "label":
            return (codes[-1] is None, label_of(codes))
        metric = options.sort.lstrip("-")
        value = cells[codes].get(cell_field(sort_column, metric, "value"))
        if value is None:
            return (1, 0.0, label_of(codes))
        return (0, -value if options.sort.startswith("-") else value, label_of(codes))

    out: list[PivotRow] = []
    detail = 0

    def emit(parent: Codes) -> None:
        nonlocal detail
        kids = sorted(children.get(parent, []), key=sort_key)
        if len(parent) + 1 == levels:
            detail += len(kids)
            if options.top is not None:
                kids = kids[: options.top]
        for codes in kids:
            if len(codes) < levels:
                emit(codes)
                out.append(
                    PivotRow(codes, len(codes), t("explore.subtotal", lang, label=label_of(codes)), cells[codes])
                )
            else:
                out.append(PivotRow(codes, len(codes), label_of(codes), cells[codes]))

    if levels:
        emit(())
    if () in cells:
        out.append(PivotRow((), 0, t("explore.grand_total", lang), cells[()]))
    return out, detail if levels else len(out)
