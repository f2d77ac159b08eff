"""From a page context to the laid-out pivot: options from the URL, one compiled query, the table.

The page, its chart, its drill and the workbook (`clientscope.reports.explore`) all start here, so what is
exported is what is shown."""

from __future__ import annotations

from dataclasses import dataclass

from clientscope.explore.options import ExploreOptions, parse_options
from clientscope.explore.table import ROW_CAP, PivotTable, build_table
from clientscope.kpis import period_bounds
from clientscope.semantic import CompileError
from clientscope.semantic.pivot import PivotRequest, run_pivot
from clientscope.state import Notice
from clientscope.view_context import PageContext


@dataclass(frozen=True)
class ExploreResult:
    options: ExploreOptions
    notices: tuple[Notice, ...]
    table: PivotTable | None
    error: str | None = None


def pivot_request(pc: PageContext, options: ExploreOptions) -> PivotRequest:
    start, end = period_bounds(pc)
    return PivotRequest(
        metrics=options.metrics,
        rows=options.rows,
        column=options.column,
        filters=pc.metric_filters(),
        start=start or None,
        end=end or None,
        compare=options.compare,
    )


def explore(pc: PageContext, row_cap: int = ROW_CAP) -> ExploreResult:
    """The pivot of the view in `pc` (or the reason it cannot be built, in words for the user), cut to `row_cap`
    rows: the workbook's cap by default, the grid's (`explore.paging.GRID_ROW_CAP`) on the page."""
    options, notices = parse_options(pc.state, pc.model)
    request = pivot_request(pc, options)
    try:
        frame = run_pivot(pc.db, pc.model, request, pc.scope).frame
    except CompileError as exc:
        return ExploreResult(options, tuple(notices), None, str(exc))
    table = build_table(frame, options, request, pc.value_labels(), pc.lang, row_cap)
    return ExploreResult(options, tuple(notices), table)
