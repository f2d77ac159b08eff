"""UI strings in every supported language.

Every visible string of the UI is looked up here (metric and dimension labels come from
metrics.yaml instead).  A test fails when a key lacks a language or a `t("...")` call names a
key that does not exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Final


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for name in MESSAGE_MODULES:
        module = importlib.import_module(name)
        duplicated = merged.keys() & module.MESSAGES.keys()
        if duplicated:
            raise ValueError(f"UI strings defined twice: {sorted(duplicated)}")
        merged.update(module.MESSAGES)
    return merged


LANGUAGES: Final = ("zh_CN", "en")
# One module of strings per area (shared ones in clientscope/messages/, an analysis's own in its package), so
# pages can be worked on independently.
MESSAGE_MODULES: Final = (
    "clientscope.messages.core",
    "clientscope.segments.messages",
    "clientscope.messages.customer",
    "clientscope.lifecycle.messages",
    "clientscope.campaigns.messages",
    "clientscope.churn.messages",
    "clientscope.messages.metrics",
    "clientscope.messages.export",
    "clientscope.messages.access",
    "clientscope.messages.actions",
    "clientscope.messages.ask",
    "clientscope.messages.delivery",
    "clientscope.messages.explore",
)
DEFAULT_LANGUAGE: Final = "zh_CN"

MESSAGES: Final[dict[str, dict[str, str]]] = _merge()


def normalise_language(value: object) -> str:
    """Map a URL value such as 'en', 'zh', 'zh-CN' to a supported language; default otherwise."""
    if not isinstance(value, str):
        return DEFAULT_LANGUAGE
    low = value.strip().replace("-", "_").lower()
    if low.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def t(message_id: str, lang: str, /, **values: object) -> str:
    """The string `message_id` in `lang`, with `{placeholders}` filled from `values`."""
    text = MESSAGES[message_id][normalise_language(lang)]
    return text.format(**values) if values else text


_LIST_SEPARATOR: Final[dict[str, str]] = {"zh_CN": "、", "en": ", "}


def join_words(items: Iterable[str], lang: str) -> str:
    """A short list in running text: 华东、华南 in Chinese, East, West in English."""
    return _LIST_SEPARATOR[normalise_language(lang)].join(items)


_MONTH_FORMAT: Final[dict[str, str]] = {"zh_CN": "{year}年{month}月", "en": "{year}-{month:02d}"}


def month_name(month: str, lang: str) -> str:
    """A `YYYY-MM` month in running text: 2026年10月 in Chinese, 2026-10 in English ("" for no month)."""
    if not month:
        return ""
    year, number = month.split("-")[:2]
    return _MONTH_FORMAT[normalise_language(lang)].format(year=int(year), month=int(number))
