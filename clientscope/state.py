"""The view state every page shares, and its round trip through the URL query string.

Everything a user can set (period, filters, cross-filters, comparison, breakdown dimension,
drill path, language, theme) lives in the URL, so any view can be bookmarked, shared, reloaded
and exported.  Parsing never raises: unknown or invalid values are dropped and reported as
notices the page shows to the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from clientscope.i18n import DEFAULT_LANGUAGE, LANGUAGES

FILTER_KEYS: tuple[str, ...] = ("region", "branch", "rm", "tier", "channel", "campaign", "touch_channel")
COMPARISONS: tuple[str, ...] = ("mom", "qoq", "yoy")
THEMES: tuple[str, ...] = ("light", "dark")
CROSS_PREFIX = "x."
OPTION_PREFIX = "p."  # page options (e.g. p.model=markov): each page validates its own
_OPTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_LIST_SEP = ","


@dataclass(frozen=True)
class FilterOptions:
    """The values the data allows for each filter key, and the months available (YYYY-MM)."""

    values: Mapping[str, frozenset[str]]
    months: tuple[str, ...]
    dimensions: frozenset[str] = frozenset()  # allowed breakdown / cross-filter dimensions
    # known values per cross-filter DIMENSION (filter keys may alias dimensions: `channel` = acquisition_channel)
    cross_values: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """A value from the URL that was dropped, and why (shown to the user; codes are translated)."""

    key: str
    value: str
    reason: str  # "unknown_key" | "unknown_value" | "bad_month" | "bad_choice"


@dataclass(frozen=True)
class ViewState:
    lang: str = DEFAULT_LANGUAGE
    theme: str = "light"
    start: str | None = None  # first month of the period, YYYY-MM
    end: str | None = None  # last month of the period, YYYY-MM
    compare: str = "mom"
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cross: Mapping[str, str] = field(default_factory=dict)  # cross-filters applied by clicking a chart
    dim: str | None = None
    drill: tuple[tuple[str, str], ...] = ()  # e.g. (("region", "华东区"), ("branch", "B001"))
    options: Mapping[str, str] = field(default_factory=dict)  # page-only settings, `p.<name>` in the URL

    def option(self, name: str, allowed: Sequence[str], default: str) -> str:
        """A page option constrained to `allowed` (anything else falls back to `default`)."""
        value = self.options.get(name)
        return value if value in allowed else default

    def with_option(self, name: str, value: str | None) -> ViewState:
        options = {k: v for k, v in self.options.items() if k != name}
        if value is not None:
            options[name] = value
        return replace(self, options=options)

    def with_filter(self, key: str, values: Sequence[str]) -> ViewState:
        filters = {k: v for k, v in self.filters.items() if k != key}
        if values:
            filters[key] = tuple(values)
        return replace(self, filters=filters)

    def with_cross(self, dimension: str, value: str | None) -> ViewState:
        cross = {k: v for k, v in self.cross.items() if k != dimension}
        if value is not None:
            cross[dimension] = value
        return replace(self, cross=cross)

    def effective_filters(self) -> dict[str, tuple[str, ...]]:
        """Filter-bar values, drill path and cross-filters combined (the most specific wins per key).

        Bar filters and the drill path are keyed by filter key, cross-filters by dimension; pages
        translate keys to dimensions with `PageContext.metric_filters()`.
        """
        merged: dict[str, tuple[str, ...]] = dict(self.filters)
        for key, value in self.drill:
            merged[key] = (value,)
        for key, value in self.cross.items():
            merged[key] = (value,)
        return merged


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(_LIST_SEP) if part.strip()]


def _last(raw: str | Sequence[str]) -> str:
    if isinstance(raw, str):
        return raw
    return raw[-1] if raw else ""


def parse_query(query: str) -> dict[str, str]:
    """A query string (with or without '?') → {key: last value}."""
    return dict(parse_qsl(query.lstrip("?"), keep_blank_values=False))


def parse_state(args: Mapping[str, str | Sequence[str]], options: FilterOptions) -> tuple[ViewState, list[Notice]]:
    """Build a valid ViewState from URL arguments; everything invalid becomes a Notice."""
    notices: list[Notice] = []
    values = {key: _last(raw) for key, raw in args.items()}

    def choice(key: str, allowed: Sequence[str], default: str) -> str:
        raw = values.pop(key, None)
        if raw is None or raw == "":
            return default
        if raw in allowed:
            return raw
        notices.append(Notice(key, raw, "bad_choice"))
        return default

    lang_raw = values.get("lang", "")
    if lang_raw.replace("-", "_").lower() in {"zh", "zh_cn"}:
        values["lang"] = "zh_CN"
    lang = choice("lang", LANGUAGES, DEFAULT_LANGUAGE)
    theme = choice("theme", THEMES, "light")
    compare = choice("compare", COMPARISONS, "mom")
    start = _month(values.pop("start", None), "start", options, notices)
    end = _month(values.pop("end", None), "end", options, notices)
    if start and end and start > end:
        start, end = end, start

    filters: dict[str, tuple[str, ...]] = {}
    for key in FILTER_KEYS:
        raw = values.pop(key, None)
        if not raw:
            continue
        allowed = options.values.get(key, frozenset())
        kept = tuple(dict.fromkeys(v for v in _split(raw) if v in allowed))
        notices.extend(Notice(key, v, "unknown_value") for v in _split(raw) if v not in allowed)
        if kept:
            filters[key] = kept

    dim_raw = values.pop("dim", None)
    dim = dim_raw if dim_raw in options.dimensions else None
    if dim_raw and dim is None:
        notices.append(Notice("dim", dim_raw, "bad_choice"))

    drill = _drill(values.pop("drill", None), options, notices)

    cross: dict[str, str] = {}
    for key in [k for k in values if k.startswith(CROSS_PREFIX)]:
        raw = values.pop(key)
        dimension = key.removeprefix(CROSS_PREFIX)
        allowed = options.cross_values.get(dimension)
        if dimension not in options.dimensions and allowed is None:
            notices.append(Notice(key, raw, "unknown_key"))
        elif allowed is not None and raw not in allowed:
            notices.append(Notice(key, raw, "unknown_value"))
        else:
            cross[dimension] = raw

    options: dict[str, str] = {}
    for key in [k for k in values if k.startswith(OPTION_PREFIX)]:
        raw = values.pop(key)
        name = key.removeprefix(OPTION_PREFIX)
        if _OPTION_KEY.match(name) and 0 < len(raw) <= 64:
            options[name] = raw
        else:
            notices.append(Notice(key, raw, "unknown_key"))

    notices.extend(Notice(key, raw, "unknown_key") for key, raw in values.items())
    state = ViewState(lang, theme, start, end, compare, filters, cross, dim, drill, options)
    return state, notices


def _month(raw: str | None, key: str, options: FilterOptions, notices: list[Notice]) -> str | None:
    if not raw:
        return None
    if _MONTH.match(raw) and (not options.months or raw in options.months):
        return raw
    notices.append(Notice(key, raw, "bad_month"))
    return None


def _drill(raw: str | None, options: FilterOptions, notices: list[Notice]) -> tuple[tuple[str, str], ...]:
    if not raw:
        return ()
    path: list[tuple[str, str]] = []
    for step in raw.split("/"):
        key, sep, value = step.partition(":")
        if not sep or value not in options.values.get(key, frozenset()):
            notices.append(Notice("drill", step, "unknown_value"))
            break  # a broken step invalidates the deeper levels
        path.append((key, value))
    return tuple(path)


def to_query(state: ViewState) -> str:
    """The canonical query string for a state (defaults omitted), starting with '?' or empty."""
    pairs: list[tuple[str, str]] = []
    if state.lang != DEFAULT_LANGUAGE:
        pairs.append(("lang", state.lang))
    if state.theme != "light":
        pairs.append(("theme", state.theme))
    if state.start:
        pairs.append(("start", state.start))
    if state.end:
        pairs.append(("end", state.end))
    if state.compare != "mom":
        pairs.append(("compare", state.compare))
    pairs.extend((key, _LIST_SEP.join(state.filters[key])) for key in FILTER_KEYS if state.filters.get(key))
    if state.dim:
        pairs.append(("dim", state.dim))
    if state.drill:
        pairs.append(("drill", "/".join(f"{k}:{v}" for k, v in state.drill)))
    pairs.extend((CROSS_PREFIX + key, value) for key, value in sorted(state.cross.items()))
    pairs.extend((OPTION_PREFIX + key, value) for key, value in sorted(state.options.items()))
    return "?" + urlencode(pairs) if pairs else ""
