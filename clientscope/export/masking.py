"""Masking of personal data in exported cells.

Rules (also in docs/excel-export.md):
- name: the first character and "**" — 张三丰 → 张**, "Alice Wong" → A**. The fixed two stars hide the length.
- phone: blanks, dashes and brackets removed, then the first 3 and last 4 characters kept and the
  rest starred — 13812345678 → 138****5678. Shorter than 8 characters: every character starred.
- id_number: the first 6 (region code) and last 4 kept, the rest starred —
  110101199003071234 → 110101********1234. Up to 10 characters: every character starred.
- auto: an ID number (15 digits, or 17 digits then a digit or X) or a phone number (7 or more
  digits, optional leading +) gets its rule; anything else is treated as a name, the strictest rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from clientscope.export.spec import PersonalKind

_PHONE_NOISE: Final = re.compile(r"[\s\-()]")
_ID_NUMBER: Final = re.compile(r"\d{17}[\dXx]|\d{15}")
_PHONE: Final = re.compile(r"\+?\d{7,}")


def mask_name(value: str) -> str:
    return value[:1] + "**" if value else value


def mask_phone(value: str) -> str:
    compact = _PHONE_NOISE.sub("", value)
    if len(compact) < 8:
        return "*" * len(compact)
    return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]


def mask_id_number(value: str) -> str:
    compact = value.replace(" ", "")
    if len(compact) <= 10:
        return "*" * len(compact)
    return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]


def guess_personal_kind(value: str) -> PersonalKind:
    compact = _PHONE_NOISE.sub("", value)
    if _ID_NUMBER.fullmatch(compact):
        return "id_number"
    if _PHONE.fullmatch(compact):
        return "phone"
    return "name"


def mask_auto(value: str) -> str:
    return _MASKS[guess_personal_kind(value)](value)


_MASKS: Final[Mapping[str, Callable[[str], str]]] = MappingProxyType(
    {
        "name": mask_name,
        "phone": mask_phone,
        "id_number": mask_id_number,
        "auto": mask_auto,
    }
)


def masker(kind: PersonalKind) -> Callable[[str], str]:
    """The masking function for a column's `personal_kind`."""
    return _MASKS[kind]


def mask_value(value: object, kind: PersonalKind = "auto") -> str | None:
    """`value` as masked text; None stays None (an empty cell)."""
    if value is None:
        return None
    return masker(kind)(value if isinstance(value, str) else str(value))
