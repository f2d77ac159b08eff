"""Ask in words: a question in Chinese or English → a semantic query → an answer, offline (docs/ask.md).

Public API:

- `answer_question(pc, question) -> Answer` (the /ask page): parse, check the viewer's scope, run through the
  semantic compiler with the viewer's scope, format, chart, link
- `parse_question(question, lexicon, model) -> Parse` (deterministic) and `plugin.parse(...)` (with the optional
  local language model, `CLIENTSCOPE_ASK_PARSER`)
- `lexicon_for(db, model)`, `build_lexicon(model, data_values)`: the words the parser knows
- `AskRequest`, `check_request`, `metric_request`: the structured parse, its allow-lists, the compiler's request

The names are imported when first used (PEP 562): every server process shows the navbar's ask box (`view.py`), but
the parser's pattern tables and the answer's charts are loaded by the first question, not at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientscope.lazy_names import lazy_getattr

if TYPE_CHECKING:
    from clientscope.ask.answer import Answer, answer_question, result_frame
    from clientscope.ask.intent import Parse, parse_question
    from clientscope.ask.lexicon import Lexicon, build_lexicon, lexicon_for
    from clientscope.ask.request import AskRequest, Issue, check_request, metric_request

__getattr__ = lazy_getattr(
    __name__,
    {
        "clientscope.ask.answer": ("Answer", "answer_question", "result_frame"),
        "clientscope.ask.intent": ("Parse", "parse_question"),
        "clientscope.ask.lexicon": ("Lexicon", "build_lexicon", "lexicon_for"),
        "clientscope.ask.request": ("AskRequest", "Issue", "check_request", "metric_request"),
    },
)

__all__ = [
    "Answer",
    "AskRequest",
    "Issue",
    "Lexicon",
    "Parse",
    "answer_question",
    "build_lexicon",
    "check_request",
    "lexicon_for",
    "metric_request",
    "parse_question",
    "result_frame",
]
