"""The optional plug-in point for a local language model (off by default; Clientscope itself never uses a network).

`CLIENTSCOPE_ASK_PARSER=package.module:function` names a Python callable

    function(question: str, lang: str, vocabulary: Vocabulary) -> dict | None

that returns the structured parse as a mapping with the keys of `AskRequest` (metric, filters, group_by, start, end,
compare, top, order), or None when it has no answer.  The deterministic parser answers first; the plug-in is asked
only for the questions the rules could not answer, and its parse must pass the same allow-lists (`check_request`):
a metric of metrics.yaml, dimensions the metric allows, values the data holds, months of data.  A parse that does
not, or a callable that raises, leaves the rules' message in place, with a note.  docs/ask.md has an example.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from clientscope.ask.intent import Parse, parse_question
from clientscope.ask.lexicon import Lexicon
from clientscope.ask.request import Issue, check_request, parse_payload
from clientscope.semantic import SemanticModel

log = logging.getLogger(__name__)

PARSER_ENV = "CLIENTSCOPE_ASK_PARSER"
# Input refused before any parser runs: the plug-in never sees SQL, empty or oversized input.
INPUT_ISSUES = frozenset({"empty", "too_long", "sql", "no_data"})

ParserFunction = Callable[[str, str, "Vocabulary"], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Vocabulary:
    """What the plug-in may choose from: metric and dimension names with their labels, each dimension's values
    (code → name), and the months of data (YYYY-MM)."""

    metrics: Mapping[str, str]
    dimensions: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]
    months: tuple[str, ...]


def vocabulary(lexicon: Lexicon, model: SemanticModel, lang: str) -> Vocabulary:
    return Vocabulary(
        metrics={m.name: model.label(m.name, lang) for m in model.visible_metrics()},
        dimensions={d: model.dimension_label(d, lang) for d in model.dimensions},
        values={d: {c: lexicon.name(d, c, lang) for c in codes} for d, codes in lexicon.names.items()},
        months=lexicon.months,
    )


def configured_parser() -> str:
    return os.environ.get(PARSER_ENV, "").strip()


@lru_cache(maxsize=4)
def load_parser(spec: str) -> ParserFunction:
    """`package.module:function` → the callable (raises ValueError with the fix when it cannot be loaded)."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{PARSER_ENV}={spec!r}: write it as package.module:function")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"{PARSER_ENV}={spec!r}: {exc}") from exc
    if not callable(found):
        raise ValueError(f"{PARSER_ENV}={spec!r}: {attribute} is not callable")
    return found


def parse(question: str | None, lang: str, lexicon: Lexicon, model: SemanticModel, spec: str | None = None) -> Parse:
    """The rules' parse, or — when they cannot answer and a plug-in is configured — the plug-in's, once checked."""
    rules = parse_question(question, lexicon, model)
    spec = configured_parser() if spec is None else spec
    if not spec or rules.request is not None or (rules.issue and rules.issue.code in INPUT_ISSUES):
        return rules
    try:
        payload = load_parser(spec)(question or "", lang, vocabulary(lexicon, model, lang))
    except Exception:  # a plug-in's failure must not break the page: the rules' message stays
        log.exception("the ask plug-in %s failed", spec)
        return replace(rules, notes=(*rules.notes, Issue("plugin_failed")))
    if payload is None:
        return rules
    request = parse_payload(payload)
    if isinstance(request, str):
        return replace(rules, notes=(*rules.notes, Issue("plugin_rejected", phrase=request)))
    issue = check_request(request, model, lexicon)
    if issue is not None:
        return replace(rules, notes=(*rules.notes, Issue("plugin_rejected", phrase=issue.code)))
    return Parse(request=request, source="plugin")
