"""The ask box's words: metric labels and synonyms (metrics.yaml), dimension words, and the dimension values of the
model (tiers, channels...) and of the data (regions, branches, RMs, campaigns, cities), in both languages.

Matching is a longest match of normalised phrases (no word segmenter, so no dictionary to ship: the lexicon *is*
the allow-list).  A phrase can mean several things (网点 is the branch dimension and the branch acquisition
channel); the intent step chooses with the words around it, or asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from clientscope.ask.text import is_ascii_word, normalised
from clientscope.ask.vocabulary import DataValues, ModelKey, data_values
from clientscope.db import Database
from clientscope.semantic import SemanticModel

Kind = Literal["metric", "dimension", "value"]
# Bare nouns that name the customer count only when nothing more specific is asked ("流失客户" is not "客户").
GENERIC_WORDS: frozenset[str] = frozenset({"客户", "客户数", "customer", "customers", "client", "clients"})
_BRANCH_SUFFIXES = ("支行", "分行", "营业部")
_REGION_SUFFIX = "区"


@dataclass(frozen=True)
class Meaning:
    kind: Kind
    name: str  # the metric or dimension
    code: str | None = None  # the value's code (kind "value")
    generic: bool = False  # a bare noun (GENERIC_WORDS)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    phrase: str
    meanings: tuple[Meaning, ...]


@dataclass(frozen=True)
class Lexicon:
    phrases: Mapping[str, tuple[Meaning, ...]]
    names: Mapping[str, Mapping[str, Mapping[str, str]]]  # dimension → code → locale → display name
    months: tuple[str, ...]
    _by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def scan(self, text: str) -> list[Match]:
        """The phrases covering the most of the text (then the fewest, i.e. the longest), English phrases only on
        word boundaries: 私行客户数 is 私行 + 客户数, not 私行客户 + 数."""
        n = len(text)
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # from position i: (characters covered, -phrases)
        choice: list[Match | None] = [None] * (n + 1)
        for i in range(n - 1, -1, -1):
            best[i], choice[i] = best[i + 1], None
            for match in self._candidates(text, i):
                covered, count = best[match.end]
                score = (covered + match.end - match.start, count - 1)
                if score > best[i]:
                    best[i], choice[i] = score, match
        found: list[Match] = []
        i = 0
        while i < n:
            match = choice[i]
            if match is None:
                i += 1
            else:
                found.append(match)
                i = match.end
        return found

    def _candidates(self, text: str, i: int) -> list[Match]:
        if i > 0 and is_ascii_word(text[i - 1]) and is_ascii_word(text[i]):
            return []
        out = []
        for phrase in self._by_first.get(text[i], ()):
            end = i + len(phrase)
            if text.startswith(phrase, i) and not (
                end < len(text) and is_ascii_word(text[end]) and is_ascii_word(phrase[-1])
            ):
                out.append(Match(i, end, phrase, self.phrases[phrase]))
        return out

    def name(self, dimension: str, code: str, locale: str) -> str:
        """A value's display name in `locale` (data names have one language: they are used for both)."""
        labels = self.names.get(dimension, {}).get(code, {})
        return labels.get(locale) or next(iter(labels.values()), code)

    def metric_phrases(self) -> dict[str, list[str]]:
        """metric → its phrases (for did-you-mean)."""
        out: dict[str, list[str]] = {}
        for phrase, meanings in self.phrases.items():
            for m in meanings:
                if m.kind == "metric":
                    out.setdefault(m.name, []).append(phrase)
        return out


class _Builder:
    def __init__(self) -> None:
        self.phrases: dict[str, list[Meaning]] = {}
        self.exact: set[tuple[str, str]] = set()  # (phrase, dimension) of the data's own names

    def add(self, words: Iterable[str], meaning: Meaning, *, alias: bool = False) -> None:
        for word in words:
            phrase = normalised(word)
            if not phrase:
                continue
            if alias and (phrase, meaning.name) in self.exact:
                continue  # a unit's own name holds this phrase: an alias must not make it ambiguous
            if meaning.kind == "value" and not alias:
                self.exact.add((phrase, meaning.name))
            current = self.phrases.setdefault(phrase, [])
            if meaning not in current:
                current.append(meaning)


def build_lexicon(model: SemanticModel, data: DataValues) -> Lexicon:
    b = _Builder()
    for metric in model.visible_metrics():
        words = [*(metric.label or {}).values(), *(w for ws in metric.synonyms.values() for w in ws)]
        for word in words:
            generic = normalised(word) in GENERIC_WORDS
            b.add([word], Meaning("metric", metric.name, generic=generic))
    names: dict[str, dict[str, dict[str, str]]] = {}
    for name, dim in model.dimensions.items():
        b.add([*dim.label.values(), *(w for ws in dim.synonyms.values() for w in ws)], Meaning("dimension", name))
        for code, labels in dim.value_labels.items():
            b.add(labels.values(), Meaning("value", name, code))
            b.add(_spaced_parts(labels.get("zh_CN", "")), Meaning("value", name, code), alias=True)
            names.setdefault(name, {})[code] = dict(labels)
        for code, synonyms in dim.value_synonyms.items():
            b.add((w for ws in synonyms.values() for w in ws), Meaning("value", name, code))
    for dimension, values in data.names.items():
        if dimension not in model.dimensions:
            continue
        for code, label in values.items():
            b.add([label, code], Meaning("value", dimension, code))
            names.setdefault(dimension, {}).setdefault(code, {"": label})
        for code, alias in _aliases(dimension, values, data.branch_city):
            b.add([alias], Meaning("value", dimension, code), alias=True)
    by_first: dict[str, list[str]] = {}
    for phrase in sorted(b.phrases, key=lambda p: (-len(p), p)):
        by_first.setdefault(phrase[0], []).append(phrase)
    return Lexicon(
        {p: tuple(m) for p, m in b.phrases.items()},
        names,
        data.months,
        {k: tuple(v) for k, v in by_first.items()},
    )


def _spaced_parts(label: str) -> list[str]:
    """`C5 进取型` is also typed `C5进取型` or `进取型` (Chinese labels only: English words are too common)."""
    parts = label.split()
    return ["".join(parts), *(p for p in parts if len(p) >= 2)] if len(parts) > 1 else []


def _aliases(dimension: str, values: Mapping[str, str], branch_city: Mapping[str, str]) -> list[tuple[str, str]]:
    """Short forms people use: 华东 / 华东分行 for 华东区, 陆家嘴 / 上海陆家嘴 for 上海陆家嘴支行, 北京支行 for every
    branch in 北京 (ambiguous on purpose: the intent step then asks which one), 双十一手机银行节 for
    2025双十一手机银行节."""
    out: list[tuple[str, str]] = []
    for code, name in values.items():
        if dimension == "region" and name.endswith(_REGION_SUFFIX) and len(name) > 2:
            stem = name.removesuffix(_REGION_SUFFIX)
            out += [(code, stem), (code, stem + "分行")]  # 华东分行: a bank's regional branch is its region
        elif dimension == "branch":
            stem = next((name.removesuffix(s) for s in _BRANCH_SUFFIXES if name.endswith(s)), name)
            city = branch_city.get(code, "")
            short = stem.removeprefix(city) if city and stem.startswith(city) and stem != city else ""
            out += [(code, stem)] + ([(code, short), (code, short + "支行")] if len(short) >= 2 else [])
            if city:
                out += [(code, city + suffix) for suffix in _BRANCH_SUFFIXES]
        elif dimension == "campaign":
            bare = re.sub(r"^\d{4}年?", "", name)
            if bare != name and len(bare) >= 2:
                out.append((code, bare))
        elif dimension == "city":
            out.append((code, name + "市"))
    return out


def lexicon_for(db: Database, model: SemanticModel) -> Lexicon:
    """The lexicon of this data version and model, built once per process (about 0.2 s on the demo bank)."""
    return _lexicon(db, db.version, ModelKey(model))


@lru_cache(maxsize=8)
def _lexicon(db: Database, version: str, key: ModelKey) -> Lexicon:
    del version
    return build_lexicon(key.model, data_values(db, key.model))
