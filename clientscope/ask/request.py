"""The structured question: what the deterministic parser and the optional language model both produce, checked
against the same allow-lists (the model's metrics and dimensions, the data's values and months) before any query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clientscope.ask.lexicon import Lexicon
from clientscope.semantic import MetricRequest, SemanticModel, metric_dimensions

MONTH_GROUP = "month"  # group_by "month": a monthly series instead of a breakdown by a dimension
MAX_TOP = 100


class AskRequest(BaseModel):
    """One metric, its filters (dimension → codes), an optional breakdown, a period, a comparison, a ranking."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    filters: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    group_by: str | None = None  # a dimension, or "month"
    start: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    end: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    compare: Literal["mom", "qoq", "yoy"] | None = None
    top: int | None = Field(default=None, ge=1, le=MAX_TOP)
    order: Literal["desc", "asc"] | None = None  # a ranking: sorted by the metric


@dataclass(frozen=True)
class Issue:
    """Why a question is not answered (or a note beside an answer); `explain.issue_text` puts it in words."""

    code: str
    phrase: str = ""
    metrics: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # (dimension, code)
    periods: tuple[str, ...] = ()
    number: int = 0
    names: tuple[str, ...] = field(default_factory=tuple)  # did-you-mean for values


def check_request(request: AskRequest, model: SemanticModel, lexicon: Lexicon) -> Issue | None:
    """The allow-lists every parse must pass: a visible metric, dimensions it allows, known values, months of data."""
    found = model.metrics.get(request.metric)
    if found is None or not found.visible:
        return Issue("unknown_metric", phrase=request.metric)
    allowed = metric_dimensions(model, request.metric)
    for dimension in (*request.filters, *([request.group_by] if request.group_by else [])):
        if dimension == MONTH_GROUP and dimension == request.group_by:
            continue
        if dimension not in model.dimensions:
            return Issue("unknown_dimension", phrase=dimension)
        if dimension not in allowed:
            return Issue("not_allowed", metrics=(request.metric,), dimensions=(dimension,))
    for dimension, codes in request.filters.items():
        known = lexicon.names.get(dimension, {})
        for code in codes:
            if code not in known:
                return Issue("unknown_value", phrase=code, dimensions=(dimension,))
    months = lexicon.months
    if request.start > request.end:
        return Issue("bad_period", periods=(request.start, request.end))
    if not months or request.end < months[0] or request.start > months[-1]:
        return Issue("outside_data", periods=(_span(request.start, request.end),))
    if request.top is not None and request.group_by is None:
        return Issue("top_without_group")
    return None


def parse_payload(payload: object) -> AskRequest | str:
    """A plug-in's output as a request, or the reason it is not one."""
    try:
        return AskRequest.model_validate(payload)
    except ValidationError as exc:
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in exc.errors())


def _span(start: str, end: str) -> str:
    return start if start == end else f"{start}..{end}"


def metric_request(request: AskRequest) -> MetricRequest:
    """The semantic compiler's request for an ask request (the one place the two meet)."""
    by_month = request.group_by == MONTH_GROUP
    dimensions = () if by_month or request.group_by is None else (request.group_by,)
    order = () if request.order is None else ((f"-{request.metric}" if request.order == "desc" else request.metric),)
    return MetricRequest(
        metrics=(request.metric,),
        dimensions=dimensions,
        filters={d: list(v) for d, v in request.filters.items()},
        grain="month" if by_month else "all",
        start=request.start,
        end=request.end,
        order_by=order,
        limit=request.top if request.compare is None else None,
    )
