"""The parse in words: the interpretation line ("流失率 · 华东区 · 2026年10月 较 2026年9月"), the issues and notes."""

from __future__ import annotations

from clientscope.ask.lexicon import Lexicon
from clientscope.ask.request import MONTH_GROUP, AskRequest, Issue
from clientscope.i18n import join_words, month_name, t
from clientscope.semantic import SemanticModel
from clientscope.semantic.periods import COMPARISON_MONTHS, add_months, month_label, month_start

SEPARATOR = " · "


def period_words(start: str, end: str, lang: str) -> str:
    if start == end:
        return month_name(start, lang)
    return t("ask.period.range", lang, start=month_name(start, lang), end=month_name(end, lang))


def label_words(label: str, lang: str) -> str:
    """A period label of the parser (`2026-10` or `2026-01..2026-10`) in words."""
    start, _, end = label.partition("..")
    return period_words(start, end or start, lang)


def prior_period(request: AskRequest) -> tuple[str, str]:
    shift = COMPARISON_MONTHS[request.compare or "mom"]
    return tuple(month_label(add_months(month_start(m), -shift)) for m in (request.start, request.end))  # type: ignore[return-value]


def value_names(request: AskRequest, lexicon: Lexicon, lang: str) -> list[str]:
    return [
        join_words([lexicon.name(dimension, code, lang) for code in codes], lang)
        for dimension, codes in request.filters.items()
    ]


def interpretation(request: AskRequest, lexicon: Lexicon, model: SemanticModel, lang: str) -> str:
    parts = [model.label(request.metric, lang), *value_names(request, lexicon, lang)]
    if request.group_by == MONTH_GROUP:
        parts.append(t("ask.by_month", lang))
    elif request.group_by:
        parts.append(t("ask.by", lang, dimension=model.dimension_label(request.group_by, lang)))
    period = period_words(request.start, request.end, lang)
    if request.compare:
        prior = period_words(*prior_period(request), lang)
        period = t("ask.vs", lang, current=period, prior=prior)
    parts.append(period)
    if request.order:
        key = f"ask.top.{request.order}" if request.top else f"ask.rank.{request.order}"
        parts.append(t(key, lang, n=request.top or 0))
    return SEPARATOR.join(parts)


def issue_text(issue: Issue, lexicon: Lexicon, model: SemanticModel, lang: str) -> str:
    """The message for an issue, with its names in the viewer's language."""
    values = {
        "phrase": issue.phrase,
        "number": issue.number,
        "metrics": join_words([_metric_label(model, m, lang) for m in issue.metrics], lang),
        "dimensions": join_words([_dimension_label(model, d, lang) for d in issue.dimensions], lang),
        "options": join_words([lexicon.name(d, c, lang) for d, c in issue.values], lang),
        "periods": join_words([label_words(p, lang) for p in issue.periods], lang),
    }
    if issue.code == "outside_data" and lexicon.months:
        values["first"] = month_name(lexicon.months[0], lang)
        values["last"] = month_name(lexicon.months[-1], lang)
    if issue.code == "clipped":
        values["asked"], values["used"] = (label_words(p, lang) for p in issue.periods)
    if issue.code == "too_long":
        from clientscope.ask.text import MAX_LENGTH

        values["limit"] = MAX_LENGTH
    text = t(f"ask.issue.{issue.code}", lang, **values)
    if issue.names:
        text += " " + t("ask.did_you_mean_names", lang, names=join_words(issue.names, lang))
    return text


def _metric_label(model: SemanticModel, name: str, lang: str) -> str:
    return model.label(name, lang) if name in model.metrics else name


def _dimension_label(model: SemanticModel, name: str, lang: str) -> str:
    if name == MONTH_GROUP:
        return t("ask.by_month", lang)
    return model.dimension_label(name, lang) if name in model.dimensions else name


def group_name(request: AskRequest, code: object, lexicon: Lexicon, lang: str) -> str:
    """A breakdown row's name: the value's label or the unit's name (— for no value)."""
    if code is None:
        return t("ask.none", lang)
    return lexicon.name(request.group_by or "", str(code), lang)
