"""From a parse to an answer: the viewer-scoped query through the semantic compiler, the numbers in the model's
formats, the interpretation in words, a chart and the link to the page with the same filters."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from clientscope.ask import chart
from clientscope.ask.explain import group_name, interpretation, issue_text, period_words, prior_period
from clientscope.ask.intent import Parse
from clientscope.ask.lexicon import Lexicon, lexicon_for
from clientscope.ask.links import URL_KEYS, page_link
from clientscope.ask.plugin import parse
from clientscope.ask.request import MONTH_GROUP, AskRequest, Issue, metric_request
from clientscope.ask.vocabulary import DATA_DIMENSIONS
from clientscope.db import QueryError
from clientscope.i18n import join_words, month_name, t
from clientscope.semantic import (
    CompileError,
    compare_query,
    format_change,
    format_pct_change,
    format_value,
    missing_tables,
    run_compiled,
    run_metric_query,
)
from clientscope.view_context import PageContext

log = logging.getLogger(__name__)
# "At risk" is the churn model's level on /churn (docs/decisions.md); the ask box reads "at-risk AUM" as the
# red-warning metrics of the rule score, and says so.
RISK_WORDS = ("risk", "风险")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Answer:
    question: str
    parse: Parse
    message: str = ""  # why the question is not answered (then no numbers)
    suggestions: tuple[str, ...] = ()  # metric names: did you mean
    interpretation: str = ""
    value: str | None = None
    comparison: str | None = None
    table: Table | None = None
    figure: go.Figure | None = None
    link: tuple[str, str] | None = None  # (page path, URL)
    notes: tuple[str, ...] = ()
    frame: pl.DataFrame = field(default_factory=pl.DataFrame)
    request: AskRequest | None = None  # what was answered (the parse, without a comparison the data cannot make)

    @property
    def answered(self) -> bool:
        return not self.message


def answer_question(pc: PageContext, question: str | None) -> Answer:
    lexicon = lexicon_for(pc.db, pc.model)
    parsed = parse(question, pc.lang, lexicon, pc.model)
    request = parsed.request
    issue = parsed.issue if request is None else _scope_issue(request, pc, lexicon) or _data_issue(request, pc)
    if issue is not None or request is None:
        assert issue is not None
        return Answer(
            question or "",
            parsed,
            message=issue_text(issue, lexicon, pc.model, pc.lang),
            suggestions=issue.metrics if issue.code == "no_metric" else (),
            notes=tuple(issue_text(n, lexicon, pc.model, pc.lang) for n in parsed.notes if n.code.startswith("plugin")),
        )
    prior_notes: tuple[str, ...] = ()
    if request.compare and pc.choices.months and prior_period(request)[1] < pc.choices.months[0]:
        prior = period_words(*prior_period(request), pc.lang)
        first = month_name(pc.choices.months[0], pc.lang)
        prior_notes = (t("ask.note.no_prior", pc.lang, prior=prior, first=first),)
        request = request.model_copy(update={"compare": None})  # nothing to compare with: the value alone
    try:
        frame = result_frame(pc, request)
    except (CompileError, QueryError):  # a combination the compiler refuses, a timeout: said, never a traceback
        log.exception("ask: the query for %r failed", question)
        return Answer(question or "", parsed, message=t("ask.issue.query_failed", pc.lang), request=request)
    value, comparison, table = _numbers(pc, request, frame, lexicon)
    notes = _notes(parsed, lexicon, pc) + prior_notes + _data_notes(pc, request, frame)
    return Answer(
        question or "",
        parsed,
        interpretation=interpretation(request, lexicon, pc.model, pc.lang),
        value=value,
        comparison=comparison,
        table=table,
        figure=chart.figure(pc, request, frame, lexicon),
        link=page_link(pc.model, request, pc.state),
        notes=notes,
        frame=frame,
        request=request,
    )


def result_frame(pc: PageContext, request: AskRequest) -> pl.DataFrame:
    """The compiler's result under the viewer's scope (with the prior period's columns when comparing)."""
    query = metric_request(request)
    if request.compare is None:
        return run_metric_query(pc.db, pc.model, query, pc.scope).frame
    compiled = compare_query(pc.model, query, request.compare)
    frame = run_compiled(pc.db, compiled, pc.scope, label=f"ask {request.metric}").frame
    return frame.head(request.top) if request.top else frame


def _scope_issue(request: AskRequest, pc: PageContext, lexicon: Lexicon) -> Issue | None:
    """A unit the viewer may not see is named as such (the query would only return nothing)."""
    for dimension, codes in request.filters.items():
        if dimension not in DATA_DIMENSIONS.values():
            continue
        visible = pc.choices.labels.get(URL_KEYS.get(dimension, dimension), {})
        outside = [lexicon.name(dimension, c, pc.lang) for c in codes if c not in visible]
        if outside:
            return Issue("outside_scope", phrase=join_words(outside, pc.lang))
    return None


def _data_issue(request: AskRequest, pc: PageContext) -> Issue | None:
    missing = missing_tables(pc.model, request.metric, pc.db.tables)
    return Issue("missing_data", metrics=(request.metric,), phrase=", ".join(missing)) if missing else None


def _notes(parsed: Parse, lexicon: Lexicon, pc: PageContext) -> tuple[str, ...]:
    notes = [issue_text(n, lexicon, pc.model, pc.lang) for n in parsed.notes]
    metric_words = [u.phrase for u in parsed.understood if u.kind == "metric"]
    if any(word in phrase for phrase in metric_words for word in RISK_WORDS):
        notes.append(t("ask.note.at_risk", pc.lang))
    if parsed.source == "plugin":
        notes.append(t("ask.note.plugin", pc.lang))
    if parsed.ignored and parsed.request is not None:
        notes.append(t("ask.note.ignored", pc.lang, words=join_words(parsed.ignored, pc.lang)))
    return tuple(notes)


def _data_notes(pc: PageContext, request: AskRequest, frame: pl.DataFrame) -> tuple[str, ...]:
    """No value at all (the period has no rows, or no complete conversion window)."""
    metric, notes = request.metric, []
    if frame.height == 0 or frame[metric].null_count() == frame.height:
        notes.append(t("ask.note.no_value", pc.lang))
    return tuple(notes)


def _numbers(
    pc: PageContext, request: AskRequest, frame: pl.DataFrame, lexicon: Lexicon
) -> tuple[str | None, str | None, Table | None]:
    fmt, lang, metric = pc.model.format_of(request.metric), pc.lang, request.metric
    if request.group_by is None:
        row = frame.row(0, named=True) if frame.height else {}
        value = format_value(row.get(metric), fmt, lang)
        if request.compare is None:
            return value, None, None
        comparison = t(
            "ask.comparison",
            lang,
            prior_period=period_words(*prior_period(request), lang),
            prior=format_value(row.get(f"{metric}__prior"), fmt, lang),
            change=format_change(row.get(f"{metric}__change"), fmt, lang),
            pct=format_pct_change(row.get(f"{metric}__pct_change"), lang),
        )
        return value, comparison, None
    return None, None, _table(pc, request, frame, lexicon)


def _table(pc: PageContext, request: AskRequest, frame: pl.DataFrame, lexicon: Lexicon) -> Table:
    fmt, lang, metric = pc.model.format_of(request.metric), pc.lang, request.metric
    by_month = request.group_by == MONTH_GROUP
    first = t("ask.col.month", lang) if by_month else pc.model.dimension_label(request.group_by or "", lang)
    columns = [first, pc.model.label(metric, lang)]
    if request.compare:
        columns += [t("ask.col.prior", lang), t("ask.col.change", lang), t("ask.col.pct_change", lang)]
    rows = []
    for row in frame.iter_rows(named=True):
        key = row.get("period") if by_month else row.get(request.group_by or "")
        name = month_name(str(key)[:7], lang) if by_month and key else group_name(request, key, lexicon, lang)
        cells = [name, format_value(row.get(metric), fmt, lang)]
        if request.compare:
            cells += [
                format_value(row.get(f"{metric}__prior"), fmt, lang),
                format_change(row.get(f"{metric}__change"), fmt, lang),
                format_pct_change(row.get(f"{metric}__pct_change"), lang),
            ]
        rows.append(tuple(cells))
    return Table(tuple(columns), tuple(rows))
