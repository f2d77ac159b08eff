"""Text handling shared by the parser: normalisation, numbers in words, input limits and SQL-looking input."""

from __future__ import annotations

import re

from clientscope.semantic.synonym_checks import normalised

__all__ = ["MAX_LENGTH", "is_ascii_word", "looks_like_sql", "normalised", "number"]

# `\b` of Python's re treats Chinese characters as word characters (2026年q2的 has no boundary after q2): the ask
# box's word boundaries are between an ASCII letter or digit and anything else.
ASCII_BOUNDARY = r"(?:(?<![a-z0-9])(?=[a-z0-9])|(?<=[a-z0-9])(?![a-z0-9]))"
MAX_LENGTH = 200  # characters: a question, not a document (longer input is refused with a message)

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
}  # fmt: skip
# A number as the patterns capture it: digits, Chinese numerals up to 99, or an English word.
NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3}|" + "|".join(_EN_NUMBERS) + r")"

# Statements and comment or terminator tokens of SQL: the box answers words, and says so instead of guessing.
_SQL = re.compile(
    r"\b(select\b.+\bfrom|drop\s+(table|view|database)|insert\s+into|delete\s+from|update\s+\w+\s+set|"
    r"union\s+(all\s+)?select|alter\s+table|create\s+(table|view)|truncate\s+table|exec(ute)?\s*\()"
    r"|--|/\*|;\s*\w|\bor\s+1\s*=\s*1\b|'\s*or\s*'",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_sql(text: str) -> bool:
    return bool(_SQL.search(text))


def number(word: str) -> int | None:
    """`10`, `十`, `二十五`, `ten` → the integer (None when the word is not a number up to 999)."""
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    if word in _EN_NUMBERS:
        return _EN_NUMBERS[word]
    if not word or any(ch not in _ZH_DIGITS and ch != "十" for ch in word):
        return None
    if "十" not in word:
        return _ZH_DIGITS[word] if len(word) == 1 else None
    tens, _, ones = word.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def is_ascii_word(ch: str) -> bool:
    """Letters and digits of Latin script: an English phrase must not start or end inside such a word."""
    return ch.isascii() and ch.isalnum()
