"""The global filter bar: period, region → branch → RM (cascading), tier, channel, comparison.

Every page renders it from the URL state; a change writes the new state back into the URL, which
re-renders the page.  The URL is the only place the state lives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import StrEnum

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from clientscope.components.request_context import current_state
from clientscope.filters import FilterChoices
from clientscope.i18n import MESSAGES, t
from clientscope.semantic.periods import DEFAULT_PERIOD_MONTHS
from clientscope.state import ViewState, parse_query, to_query

BAR_KEYS: tuple[str, ...] = ("region", "branch", "rm", "tier", "channel")


class Ids(StrEnum):
    START = "filter-start"
    END = "filter-end"
    COMPARE = "filter-compare"
    CHIPS = "filter-chips"
    NOTICES = "filter-notices"
    RESET = "filter-reset"


def filter_id(key: str) -> dict[str, str]:
    return {"type": "filter", "key": key}


def chip_id(dimension: str) -> dict[str, str]:
    return {"type": "chip-remove", "dim": dimension}


def dropdown_labels(lang: str) -> dict[str, str]:
    return {
        "select_all": t("filter.select_all", lang),
        "deselect_all": t("filter.deselect_all", lang),
        "selected_count": t("filter.selected_count", lang),
        "search": t("filter.search", lang),
        "clear_search": t("filter.clear_search", lang),
        "clear_selection": t("filter.clear_selection", lang),
        "no_options_found": t("filter.no_options", lang),
    }


def _options(labels: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in labels.items()]


def _key_options(key: str, state: ViewState, choices: FilterChoices) -> Mapping[str, str]:
    regions = state.filters.get("region", ())
    if key == "branch":
        return choices.branches_in(regions)
    if key == "rm":
        return choices.rms_in(state.filters.get("branch", ()), regions)
    return choices.labels.get(key, {})


def filter_bar(
    state: ViewState,
    choices: FilterChoices,
    lang: str,
    *,
    keys: Sequence[str] = BAR_KEYS,
    value_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> html.Div:
    """The bar as it should look for `state`; `value_labels` translate codes (tiers, channels)."""
    value_labels = value_labels or {}
    months = [{"value": m, "label": m} for m in choices.months]
    default_end = state.end or (choices.months[-1] if choices.months else "")
    earlier = [m for m in choices.months if m <= default_end]
    default_start = earlier[-DEFAULT_PERIOD_MONTHS:][0] if earlier else ""
    period = [
        dbc.Col(
            _labelled(
                t("filter.start", lang),
                dcc.Dropdown(
                    id=Ids.START,
                    options=months,
                    # None while the default period applies, so rendering never rewrites the URL
                    value=state.start,
                    placeholder=default_start,
                    clearable=True,
                    labels=dropdown_labels(lang),
                ),
            ),
            md=1,
            xs=6,
        ),
        dbc.Col(
            _labelled(
                t("filter.end", lang),
                dcc.Dropdown(
                    id=Ids.END,
                    options=months,
                    value=state.end,
                    placeholder=default_end,
                    clearable=True,
                    labels=dropdown_labels(lang),
                ),
            ),
            md=1,
            xs=6,
        ),
    ]
    dropdowns = []
    for key in keys:
        options = _key_options(key, state, choices)
        translated = {v: value_labels.get(key, {}).get(v, label) for v, label in options.items()}
        dropdowns.append(
            dbc.Col(
                _labelled(
                    t(f"filter.{key}", lang),
                    dcc.Dropdown(
                        id=filter_id(key),
                        options=_options(translated),
                        value=list(state.filters.get(key, ())),
                        multi=True,
                        placeholder=t("filter.all", lang),
                        labels=dropdown_labels(lang),
                    ),
                ),
                md=True,
                xs=12,
            )
        )
    compare = dbc.Col(
        _labelled(
            t("filter.compare", lang),
            dbc.RadioItems(
                id=Ids.COMPARE,
                options=[{"value": c, "label": t(f"compare.{c}", lang)} for c in ("mom", "qoq", "yoy")],
                value=state.compare,
                inline=True,
            ),
        ),
        md="auto",
        xs=12,
    )
    reset = dbc.Col(dbc.Button(t("filter.reset", lang), id=Ids.RESET, color="link", size="sm"), md="auto")
    return html.Div(
        [dbc.Row([*period, *dropdowns, compare, reset], className="g-2 align-items-end")],
        className="filter-bar border rounded p-2 mb-2",
    )


def _labelled(label: str, control) -> html.Div:
    return html.Div([html.Label(label, className="form-label small text-muted mb-0"), control])


def chips(state: ViewState, lang: str, value_labels: Mapping[str, Mapping[str, str]] | None = None) -> html.Div:
    """Cross-filters as removable chips."""
    value_labels = value_labels or {}
    items = [
        dbc.Badge(
            [
                f"{dimension_label(dim, lang)}: {value_labels.get(dim, {}).get(value, value)} ",
                html.Span(
                    "×",
                    id=chip_id(dim),
                    className="chip-remove ms-1",
                    role="button",
                    title=t("filter.remove_chip", lang),
                ),
            ],
            color="info",
            className="me-1 chip",
        )
        for dim, value in sorted(state.cross.items())
    ]
    return html.Div(items, id=Ids.CHIPS, className="mb-2")


def dimension_label(dimension: str, lang: str) -> str:
    """A filter key's label; dimensions outside the bar use their metrics.yaml label."""
    key = f"filter.{dimension}"
    if key in MESSAGES:
        return t(key, lang)
    from clientscope import runtime

    model = runtime.current().model
    return model.dimension_label(dimension, lang) if dimension in model.dimensions else dimension


def next_state(
    state: ViewState,
    trigger: str | dict | None,
    *,
    start: str | None,
    end: str | None,
    compare: str | None,
    values: Mapping[str, Sequence[str]],
) -> ViewState:
    """The state after one control changed (pure, so it is unit-tested without a browser)."""
    if trigger == Ids.RESET:
        return ViewState(lang=state.lang, theme=state.theme)
    if isinstance(trigger, dict) and trigger.get("type") == "chip-remove":
        return state.with_cross(trigger["dim"], None)
    new = replace(state, start=start, end=end, compare=compare or state.compare)
    if new.start and new.end and new.start > new.end:
        new = replace(new, start=new.end, end=new.start)
    for key, chosen in values.items():
        new = new.with_filter(key, list(chosen or ()))
    # cascade: a region change clears branch and RM choices that no longer fit; the next render narrows options
    if (
        isinstance(trigger, dict)
        and trigger.get("key") == "region"
        and values.get("region") != list(state.filters.get("region", ()))
    ):
        new = new.with_filter("branch", []).with_filter("rm", [])
    if (
        isinstance(trigger, dict)
        and trigger.get("key") == "branch"
        and values.get("branch") != list(state.filters.get("branch", ()))
    ):
        new = new.with_filter("rm", [])
    return replace(new, drill=()) if new.filters != state.filters else new


@callback(
    Output("url", "search", allow_duplicate=True),
    Input(Ids.START, "value"),
    Input(Ids.END, "value"),
    Input(Ids.COMPARE, "value"),
    Input(filter_id(ALL), "value"),
    Input(Ids.RESET, "n_clicks"),
    Input(chip_id(ALL), "n_clicks"),
    State(filter_id(ALL), "id"),
    State("url", "search"),
    prevent_initial_call=True,
)
def on_filter_change(start, end, compare, values, _reset, _chips, ids, search):
    if not ctx.triggered_id:
        return no_update
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and trigger.get("type") == "chip-remove" and not ctx.triggered[0].get("value"):
        return no_update
    current = _state_from_search(search)
    chosen = {i["key"]: list(v or ()) for i, v in zip(ids, values, strict=True)}
    new = next_state(current, trigger, start=start, end=end, compare=compare, values=chosen)
    # controls re-emitting the values they were rendered with are not a change: keep the URL as typed,
    # so the notice about dropped values stays visible until the user changes something
    return to_query(new) if new != current else no_update


def _state_from_search(search: str | None) -> ViewState:
    """The state as written in the URL; validation happens when the page renders it."""
    return current_state(parse_query(search or ""))
