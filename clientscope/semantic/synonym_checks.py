"""Checks of the `synonyms` and `value_synonyms` keys (the ask box's words, docs/ask.md).

A synonym in an unsupported locale would never be offered, and one word naming two metrics would make the ask box
guess: both are reported with their line, like every other problem of metrics.yaml.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from clientscope.semantic.problems import Problem, did_you_mean
from clientscope.semantic.schema import Draft


def normalised(word: str) -> str:
    """How the ask box compares words: NFKC (full-width → half-width), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", word).lower().split())


def synonym_problems(draft: Draft) -> list[Problem]:
    """Synonyms in a locale that is not supported, and words (labels or synonyms) naming two metrics."""
    locales = tuple(draft.locales.supported) if draft.locales else ()
    problems: list[Problem] = []

    def locale_problems(path: tuple[Any, ...], synonyms: Mapping[str, Iterable[str]], **where: Any) -> None:
        for locale in synonyms:
            if locales and locale not in locales:
                problems.append(
                    Problem(
                        draft.file,
                        draft.line(*path),
                        f"unknown locale '{locale}' in synonyms",
                        hint=did_you_mean(locale, locales),
                        **where,
                    )
                )

    owner: dict[str, str] = {}
    for name, metric in draft.metrics.items():
        path = ("metrics", name, "synonyms")
        locale_problems(path, metric.synonyms, metric=name)
        words = [*(metric.label or {}).values(), *(w for words in metric.synonyms.values() for w in words)]
        for word in dict.fromkeys(normalised(w) for w in words):
            first = owner.setdefault(word, name)
            if first != name:
                problems.append(
                    Problem(
                        draft.file,
                        draft.line(*path),
                        f"the word '{word}' names two metrics ('{first}' and "
                        f"'{name}'): the ask box could not tell them apart; keep it on one",
                        metric=name,
                    )
                )
    for name, dim in draft.dimensions.items():
        where = {"context": f"dimension '{name}'"}
        locale_problems(("dimensions", name, "synonyms"), dim.synonyms, **where)
        for value, synonyms in dim.value_synonyms.items():
            locale_problems(("dimensions", name, "value_synonyms", value), synonyms, **where)
    return problems
