"""Names Excel accepts: sheet tab names and the download file name."""

from __future__ import annotations

import re
from collections.abc import Set
from datetime import date
from typing import Final

MAX_SHEET_NAME: Final = 31  # Excel counts UTF-16 code units
FALLBACK_SHEET_NAME: Final = "Sheet"
# Excel refuses "History" (it belongs to the change-tracking feature), whatever the case.
_RESERVED: Final = frozenset({"history"})
_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_SLUG_OTHER: Final = re.compile(r"[^a-z0-9]+")


def safe_sheet_name(name: str, taken: Set[str]) -> str:
    """A valid, unused sheet name close to `name`; the caller adds the result to `taken`.

    Forbidden characters `[]:*?/\\` become "_", control characters are dropped, surrounding
    blanks and apostrophes are stripped, the name is cut to 31 characters (Chinese is kept) and a
    clash with `taken` (compared without case, as Excel does) gets a suffix " (2)", " (3)", ...
    """
    base = _trim(_FORBIDDEN.sub("_", "".join(ch for ch in name if ch.isprintable())))
    base = _trim(_cut_utf16(base, MAX_SHEET_NAME)) or FALLBACK_SHEET_NAME
    used = {existing.casefold() for existing in taken} | _RESERVED
    if base.casefold() not in used:
        return base
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = _trim(_cut_utf16(base, MAX_SHEET_NAME - len(suffix))) + suffix
        if candidate.casefold() not in used:
            return candidate
        number += 1


def export_filename(page: str, period_end: date | None, language: str = "zh_CN") -> str:
    """The download name, e.g. "segments_2026-09.xlsx"; English exports end in "_en".

    ASCII only, because browsers, mail gateways and shell scripts all handle it the same way.
    """
    slug = _SLUG_OTHER.sub("-", page.strip().lower()).strip("-") or "export"
    parts = [slug]
    if period_end is not None:
        parts.append(f"{period_end:%Y-%m}")
    if language == "en":
        parts.append("en")
    return "_".join(parts) + ".xlsx"


def _trim(text: str) -> str:
    # Excel rejects a leading or trailing apostrophe; blanks at either end are invisible on a tab.
    while True:
        trimmed = text.strip().strip("'")
        if trimmed == text:
            return text
        text = trimmed


def _cut_utf16(text: str, limit: int) -> str:
    # Characters outside the BMP (emoji) take two UTF-16 units; never split one.
    kept: list[str] = []
    used = 0
    for ch in text:
        units = 2 if ord(ch) > 0xFFFF else 1
        if used + units > limit:
            break
        kept.append(ch)
        used += units
    return "".join(kept)
