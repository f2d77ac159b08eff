"""The page that shows an answer's metric, with exactly the answer's filters, period and comparison in its URL."""

from __future__ import annotations

from clientscope.ask.request import MONTH_GROUP, AskRequest
from clientscope.semantic import SemanticModel, metric_sources
from clientscope.state import ViewState, to_query
from clientscope.view_context import FILTER_DIMENSIONS

# metric → page path; metrics not listed go by their source (churn and campaign marts), else to the overview
PAGES: dict[str, str] = {
    "aum_total": "/segments",
    "deposits": "/segments",
    "wealth": "/segments",
    "aum_per_customer": "/segments",
    "products_per_customer": "/segments",
    "cross_sell_rate": "/segments",
    "new_customers": "/lifecycle",
    "active_customers": "/lifecycle",
    "active_rate": "/lifecycle",
    "dormant_customers": "/lifecycle",
    "alert_customers": "/churn",
    "alert_aum": "/churn",
    "alert_share": "/churn",
}
SOURCE_PAGES: dict[str, str] = {
    "churn_events": "/churn",
    "opening_churn": "/churn",
    "touch_facts": "/campaigns",
    "conversion_facts": "/campaigns",
    "campaign_facts": "/campaigns",
}
URL_KEYS: dict[str, str] = {dimension: key for key, dimension in FILTER_DIMENSIONS.items()}


def page_of(model: SemanticModel, metric: str) -> str:
    if metric in PAGES:
        return PAGES[metric]
    return next((SOURCE_PAGES[s] for s in metric_sources(model, metric) if s in SOURCE_PAGES), "/")


def page_state(request: AskRequest, base: ViewState) -> ViewState | None:
    """The view state of the answer (None when a filter cannot be written in the URL model: a cross-filter on a
    dimension outside the filter bar holds one value)."""
    filters: dict[str, tuple[str, ...]] = {}
    cross: dict[str, str] = {}
    for dimension, codes in request.filters.items():
        if dimension in URL_KEYS:
            filters[URL_KEYS[dimension]] = tuple(codes)
        elif len(codes) == 1:
            cross[dimension] = codes[0]
        else:
            return None
    dim = request.group_by if request.group_by not in (None, MONTH_GROUP) else None
    return ViewState(
        lang=base.lang,
        theme=base.theme,
        start=request.start,
        end=request.end,
        compare=request.compare or "mom",
        filters=filters,
        cross=cross,
        dim=dim,
    )


def page_link(model: SemanticModel, request: AskRequest, base: ViewState) -> tuple[str, str] | None:
    """(path, URL with the query) of the page showing the answer, or None."""
    state = page_state(request, base)
    if state is None:
        return None
    path = page_of(model, request.metric)
    return path, path + to_query(state)
