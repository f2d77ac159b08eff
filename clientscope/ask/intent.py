"""From words to an `AskRequest`: which metric, which values, which breakdown, which period, which comparison.

Deterministic: the lexicon's longest matches, then the time, ranking and breakdown words; every choice it cannot
make from the words (two metrics, a name shared by several branches) becomes an `Issue`, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from clientscope.ask.lexicon import GENERIC_WORDS, Lexicon, Match, Meaning
from clientscope.ask.ranking import GROUP_AFTER, GROUP_BEFORE, Ranking, find_month_series, find_ranking
from clientscope.ask.request import MONTH_GROUP, AskRequest, Issue, check_request
from clientscope.ask.suggest import closest_metrics, ignored_words, partial_names, unknown_unit
from clientscope.ask.text import ASCII_BOUNDARY, MAX_LENGTH, looks_like_sql, normalised
from clientscope.ask.timewords import Calendar, Found, Period, find_times, period_label
from clientscope.semantic import SemanticModel, metric_dimensions, metric_sources
from clientscope.semantic.periods import add_months, month_label, month_start

DEFAULT_SERIES_MONTHS = 12  # a month-by-month question without a period shows the last 12 months (as the pages)
# Campaign questions without a period take the pages' 12 months too: a campaign runs for weeks, and the latest
# month's conversion windows are still open (docs/metrics.md, complete windows only).
CAMPAIGN_SOURCES = frozenset({"touch_facts", "conversion_facts", "campaign_facts"})
_SHIFTS = {1: "mom", 3: "qoq", 12: "yoy"}
# A share of a total (占比, share of) is not a metric of its own unless metrics.yaml defines one (alert_share):
# answering the plain value would answer another question.
SHARE_WORDS = re.compile(
    r"占比|比例|比重|份额|\bshare\b|\bproportion\b|\bpercentage of\b".replace(r"\b", ASCII_BOUNDARY)
)
# Several dimensions share a word (渠道 / channel): the more specific one wins where the metric allows both.
DIMENSION_PREFERENCE: tuple[str, ...] = ("channel", "acquisition_channel")


@dataclass(frozen=True)
class Understood:
    phrase: str  # the words as typed (normalised)
    kind: str  # metric | filter | group | period | compare | ranking
    name: str = ""  # metric / dimension
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parse:
    request: AskRequest | None = None
    issue: Issue | None = None
    understood: tuple[Understood, ...] = ()
    ignored: tuple[str, ...] = ()
    notes: tuple[Issue, ...] = ()  # said beside the answer (a period cut to the data, the default period)
    source: str = "rules"  # rules | plugin


@dataclass
class _State:
    metric: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    understood: list[Understood] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)


def parse_question(question: str | None, lexicon: Lexicon, model: SemanticModel) -> Parse:
    raw = question or ""
    text = normalised(raw)
    if not text:
        return Parse(issue=Issue("empty"))
    if len(raw) > MAX_LENGTH:
        return Parse(issue=Issue("too_long", number=len(raw)))
    if looks_like_sql(text):
        return Parse(issue=Issue("sql"))
    if not lexicon.months:
        return Parse(issue=Issue("no_data"))
    calendar = Calendar(lexicon.months)
    matches = lexicon.scan(text)
    rest = _blank(text, [(m.start, m.end) for m in matches])
    times, rest = find_times(rest, calendar)
    ranking, rest = find_ranking(rest)
    by_month, rest = find_month_series(rest)
    state = _State()
    issue = _metric(state, matches, rest, lexicon, model)
    if issue is None:
        issue = _terms(state, text, matches, ranking, lexicon, model)
    ignored = ignored_words(rest)
    if issue is None:
        issue = unknown_unit(rest, matches, lexicon)
    if issue is None:
        issue, ignored = _partial_names(state, ignored, lexicon, model)
    if issue is None and state.metric and SHARE_WORDS.search(rest) and model.format_of(state.metric).type != "percent":
        issue = Issue("share_unsupported", metrics=(state.metric,))
    if issue is None and by_month:
        state.groups.append(MONTH_GROUP)
        state.understood.append(Understood("", "group", MONTH_GROUP))
    if issue is None and len(dict.fromkeys(state.groups)) > 1:
        issue = Issue("two_groups", dimensions=tuple(dict.fromkeys(state.groups)))
    if issue is not None:
        if issue.code == "no_metric":  # say what was read all the same: the values and periods
            state.understood += _without_metric(matches, times)
        return Parse(issue=issue, understood=tuple(state.understood), ignored=ignored)
    return _finish(state, times, ranking, calendar, lexicon, model, ignored)


def _without_metric(matches: list[Match], times: list[Found]) -> list[Understood]:
    read = []
    for match in matches:
        values = [x for x in match.meanings if x.kind == "value"]
        if len(values) == 1:
            read.append(Understood(match.phrase, "filter", values[0].name, (values[0].code or "",)))
    return read + [Understood(f.text.strip(), "period" if f.period else "compare") for f in times]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _metric(state: _State, matches: list[Match], rest: str, lexicon: Lexicon, model: SemanticModel) -> Issue | None:
    named = [(m, x) for m in matches for x in m.meanings if x.kind == "metric"]
    strong = [(m, x) for m, x in named if not x.generic and not _other_meaning(m)]
    chosen = strong or [(m, x) for m, x in named if not x.generic] or [(m, x) for m, x in named]
    names = list(dict.fromkeys(x.name for _, x in chosen))
    if len(names) > 1:
        return Issue("two_metrics", metrics=tuple(names))
    if not names:
        chosen = _customers_in_a_value(matches, lexicon)
        names = [x.name for _, x in chosen]
    if not names:
        words = " ".join(ignored_words(rest))
        return Issue("no_metric", phrase=words, metrics=closest_metrics(words, lexicon, model))
    state.metric = names[0]
    state.understood.append(Understood(chosen[0][0].phrase, "metric", names[0]))
    return None


def _customers_in_a_value(matches: list[Match], lexicon: Lexicon) -> list[tuple[Match, Meaning]]:
    """私行客户 / private banking clients with no other metric: the count of customers of that value (the metric of
    the bare noun the value's words end with)."""
    for match in matches:
        if not any(x.kind == "value" for x in match.meanings):
            continue
        for word in GENERIC_WORDS:
            if match.phrase.endswith(word) and match.phrase != word:
                found = [x for x in lexicon.phrases.get(word, ()) if x.kind == "metric"]
                if len(found) == 1:
                    return [(match, found[0])]
    return []


def _other_meaning(match: Match) -> bool:
    return any(m.kind != "metric" for m in match.meanings)


def _terms(
    state: _State, text: str, matches: list[Match], ranking: Ranking, lexicon: Lexicon, model: SemanticModel
) -> Issue | None:
    assert state.metric is not None
    allowed = metric_dimensions(model, state.metric)
    for index, match in enumerate(matches):
        if any(x.kind == "metric" and x.name == state.metric for x in match.meanings):
            continue
        if _names_neighbour_value(text, matches, index):
            continue  # 手机银行渠道, 客户经理王鑫宁, branch B001: the dimension word only says what the value is
        dims = [x for x in match.meanings if x.kind == "dimension"]
        values = [x for x in match.meanings if x.kind == "value"]
        grouped = bool(GROUP_BEFORE.search(text[: match.start])) or bool(GROUP_AFTER.search(text[match.end :]))
        if dims and (not values or grouped or ranking.order is not None):
            issue = _group(state, match, dims, allowed)
        elif values:
            issue = _value(state, match, values, allowed)
        else:
            continue  # a metric word next to the chosen metric's (e.g. 客户 in 流失客户): nothing more to say
        if issue is not None:
            return issue
    return None


def _partial_names(
    state: _State, ignored: tuple[str, ...], lexicon: Lexicon, model: SemanticModel
) -> tuple[Issue | None, tuple[str, ...]]:
    """A leftover word inside the name of one campaign or branch (双十一 in 2025双十一手机银行节) names it; inside
    several, the question is ambiguous."""
    allowed = metric_dimensions(model, state.metric or "")
    kept = []
    for word in ignored:
        found = [(d, c) for d, c in partial_names(word, lexicon) if d in allowed]
        if len(found) > 1:
            return Issue("ambiguous_value", phrase=word, values=tuple(found)), ignored
        if found:
            dimension, code = found[0]
            codes = state.filters.setdefault(dimension, [])
            codes.extend([code] if code not in codes else [])
            state.understood.append(Understood(word, "filter", dimension, (code,)))
        else:
            kept.append(word)
    return None, tuple(kept)


def _names_neighbour_value(text: str, matches: list[Match], index: int) -> bool:
    """A dimension word right before or after (的 / spaces between) a value of the same dimension."""
    dims = {x.name for x in matches[index].meanings if x.kind == "dimension"}
    if not dims:
        return False
    for other in (index - 1, index + 1):
        if 0 <= other < len(matches):
            a, b = sorted((matches[index], matches[other]), key=lambda m: m.start)
            gap = text[a.end : b.start].strip().strip("的")
            if not gap and any(x.kind == "value" and x.name in dims for x in matches[other].meanings):
                return True
    return False


def _group(state: _State, match: Match, dims: list[Meaning], allowed: tuple[str, ...]) -> Issue | None:
    usable = [d.name for d in dims if d.name in allowed]
    if not usable:
        return Issue("not_allowed", metrics=(state.metric or "",), dimensions=(dims[0].name,))
    preferred = [d for d in DIMENSION_PREFERENCE if d in usable]
    if len(usable) > 1 and not preferred:
        return Issue("ambiguous_dimension", phrase=match.phrase, dimensions=tuple(usable))
    name = preferred[0] if len(usable) > 1 else usable[0]
    state.groups.append(name)
    state.understood.append(Understood(match.phrase, "group", name))
    return None


def _value(state: _State, match: Match, values: list[Meaning], allowed: tuple[str, ...]) -> Issue | None:
    usable = [v for v in values if v.name in allowed]
    if not usable and any(x.kind == "metric" for x in match.meanings):
        return None  # 获客 is new customers (a metric not chosen) and a campaign type: nothing to filter by here
    if not usable:
        return Issue("not_allowed", metrics=(state.metric or "",), dimensions=(values[0].name,))
    if len(usable) > 1:
        return Issue("ambiguous_value", phrase=match.phrase, values=tuple((v.name, v.code or "") for v in usable))
    value = usable[0]
    codes = state.filters.setdefault(value.name, [])
    if value.code not in codes:
        codes.append(value.code or "")
    state.understood.append(Understood(match.phrase, "filter", value.name, (value.code or "",)))
    return None


def _finish(
    state: _State,
    times: list[Found],
    ranking: Ranking,
    calendar: Calendar,
    lexicon: Lexicon,
    model: SemanticModel,
    ignored: tuple[str, ...],
) -> Parse:
    group = state.groups[0] if state.groups else None
    long_default = group == MONTH_GROUP or "campaign" in state.filters
    long_default = long_default or bool(CAMPAIGN_SOURCES & set(metric_sources(model, state.metric or "")))
    period, compare, issue = _period(state, times, calendar, long_default)
    if issue is None and ranking.order is not None and group is None:
        issue = Issue("top_without_group")
    if issue is None:
        if ranking.words:
            state.understood.append(Understood(" ".join(ranking.words), "ranking"))
        assert period is not None and state.metric is not None
        request = AskRequest(
            metric=state.metric,
            filters={d: tuple(v) for d, v in state.filters.items()},
            group_by=group,
            start=month_label(period.start),
            end=month_label(period.end),
            compare=compare,  # type: ignore[arg-type]
            top=ranking.top,
            order=ranking.order,  # type: ignore[arg-type]
        )
        issue = check_request(request, model, lexicon)
        if issue is None:
            return Parse(request, None, tuple(state.understood), ignored, tuple(state.notes))
    return Parse(issue=issue, understood=tuple(state.understood), ignored=ignored)


def _period(
    state: _State, times: list[Found], calendar: Calendar, long_default: bool
) -> tuple[Period | None, str | None, Issue | None]:
    periods = [f.period for f in times if f.period is not None]
    compares = [f for f in times if f.compare is not None]
    compare = compares[0].compare if compares else None
    if len(periods) > 2 or (len(periods) == 2 and _pair_shift(periods) is None):
        return None, None, Issue("two_periods", periods=tuple(p.text for p in periods))
    if len(periods) == 2:
        shift = _pair_shift(periods)
        periods = [max(periods, key=lambda p: p.start)]
        compare = _SHIFTS[shift or 1]
    if periods:
        period = periods[0]
        state.understood.append(Understood(period.text, "period"))
    else:
        months = DEFAULT_SERIES_MONTHS if long_default else 1
        period = Period(add_months(calendar.latest, 1 - months), calendar.latest, "")
        state.notes.append(Issue("default_period", periods=(period_label(period),)))
    first, latest = month_start(calendar.months[0]), calendar.latest
    if period.end < first or period.start > latest:
        return None, None, Issue("outside_data", periods=(period_label(period),))
    clipped = replace(period, start=max(period.start, first), end=min(period.end, latest))
    if clipped != period:
        state.notes.append(Issue("clipped", periods=(period_label(period), period_label(clipped))))
    if compare == "prev":
        compare = _SHIFTS.get(clipped.months)
        if compare is None:
            return None, None, Issue("prev_unsupported", periods=(period_label(clipped),))
    if compares:
        state.understood.append(Understood(compares[0].text.strip(), "compare"))
    return clipped, compare, None


def _pair_shift(periods: list[Period]) -> int | None:
    a, b = sorted(periods, key=lambda p: p.start)
    if a.months != b.months:
        return None
    shift = (b.start.year - a.start.year) * 12 + b.start.month - a.start.month
    return shift if shift in _SHIFTS else None
