"""Stand-in "local language models" for the ask box's plug-in point (tests/test_ask_answers.py): each is a plain
callable, as a bank's own model wrapper would be."""

from __future__ import annotations

from clientscope.ask.plugin import Vocabulary

CALLS: list[str] = []  # questions the plug-ins were asked (reset by the tests)


def east_china_aum(question: str, lang: str, vocabulary: Vocabulary) -> dict:
    CALLS.append(question)
    assert "aum_total" in vocabulary.metrics and "华东区" in vocabulary.values["region"]
    return {"metric": "aum_total", "filters": {"region": ["华东区"]}, "start": "2026-10", "end": "2026-10"}


def unknown_metric(question: str, lang: str, vocabulary: Vocabulary) -> dict:
    CALLS.append(question)
    return {"metric": "net_worth", "start": "2026-10", "end": "2026-10"}


def unknown_region(question: str, lang: str, vocabulary: Vocabulary) -> dict:
    CALLS.append(question)
    return {"metric": "aum_total", "filters": {"region": ["火星区"]}, "start": "2026-10", "end": "2026-10"}


def extra_key(question: str, lang: str, vocabulary: Vocabulary) -> dict:
    CALLS.append(question)
    return {"metric": "aum_total", "start": "2026-10", "end": "2026-10", "sql": "select 1"}


def broken(question: str, lang: str, vocabulary: Vocabulary) -> dict:
    CALLS.append(question)
    raise RuntimeError("the model is not loaded")


def no_answer(question: str, lang: str, vocabulary: Vocabulary) -> None:
    CALLS.append(question)
    return None
