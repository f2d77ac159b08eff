"""Time expressions and comparison words, in Chinese and English, resolved against the months of data.

The reference is the data, never the wall clock (answers must not change with the day they are asked): the
*current* month is the month after the latest month of data — month-end extracts arrive after the month closes —
so 上个月 / last month is the latest month of data, 本月 / this month has no data yet, 今年以来 / YTD runs from
January of the current month's year to the latest month.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from clientscope.ask.text import ASCII_BOUNDARY, NUMBER, number
from clientscope.semantic.periods import add_months, month_label, month_start

_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")  # fmt: skip
_MONTH_EN = r"(" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS_EN) + r")\.?"
_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}
_VS_ZH = r"(?:较|比|相比|对比|相较于?|与|和|跟)"
_VS_EN = r"(?:vs\.?|versus|compared (?:with|to)|against|than|relative to|over)"


@dataclass(frozen=True)
class Period:
    start: date  # first month
    end: date  # last month (inclusive)
    text: str  # the words it came from

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def shifted(self, months: int) -> Period:
        return Period(add_months(self.start, months), add_months(self.end, months), self.text)


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    period: Period | None = None
    compare: str | None = None  # mom | qoq | yoy | prev (the period before, as long as the asked one)


@dataclass(frozen=True)
class Calendar:
    months: tuple[str, ...]  # of data, YYYY-MM, sorted

    @property
    def latest(self) -> date:
        return month_start(self.months[-1])

    @property
    def current(self) -> date:
        return add_months(self.latest, 1)

    def recent(self, month: int) -> date:
        """The latest occurrence of calendar month `month` at or before the latest month of data."""
        year = self.latest.year if month <= self.latest.month else self.latest.year - 1
        return date(year, month, 1)


Resolver = Callable[[re.Match[str], Calendar], Found]


def _month(y: int, m: int) -> tuple[date, date]:
    day = date(y, m, 1)
    return day, day


def _quarter(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), date(y, 3 * q, 1)


def _quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _p(m: re.Match[str], bounds: tuple[date, date]) -> Found:
    return Found(m.start(), m.end(), m.group(0), period=Period(bounds[0], bounds[1], m.group(0).strip()))


def _c(m: re.Match[str], compare: str) -> Found:
    return Found(m.start(), m.end(), m.group(0), compare=compare)


def _last_n(m: re.Match[str], cal: Calendar, n: int | None) -> Found:
    n = max(1, min(n or 1, 120))
    return _p(m, (add_months(cal.latest, 1 - n), cal.latest))


def _year_of(word: str, cal: Calendar) -> int:
    return int(word) if word else cal.current.year


def _recent_quarter(q: int, cal: Calendar) -> int:
    """The year of the latest quarter `q` that has begun by the latest month of data."""
    return cal.latest.year if 3 * q - 2 <= cal.latest.month else cal.latest.year - 1


_N = NUMBER
# (pattern, resolver): tried in this order, each on the text left by the earlier ones.
RULES: list[tuple[str, Resolver]] = [
    # --- comparisons (before periods: they contain period words) ---
    (r"去年同期|上年同期|同比|" + _VS_ZH + r"\s*(?:去年|上年)(?:同期|同月)?", lambda m, c: _c(m, "yoy")),
    (r"环比|" + _VS_ZH + r"\s*(?:上期|上一期|前一期)", lambda m, c: _c(m, "prev")),
    (_VS_ZH + r"\s*(?:上月|上个月|上一个月|前一个月)", lambda m, c: _c(m, "mom")),
    (_VS_ZH + r"\s*(?:上季度?|上个季度|上一季度|上一个季度)", lambda m, c: _c(m, "qoq")),
    (
        r"\b(?:" + _VS_EN + r"\s+(?:a year (?:ago|before|earlier)|last year|the (?:same )?(?:period|month|quarter) "
        r"(?:a year ago|last year)|(?:the )?same period last year|(?:the )?(?:prior|previous) year)|year[- ]on[- ]year|"
        r"year[- ]over[- ]year|yoy|y/y)\b",
        lambda m, c: _c(m, "yoy"),
    ),
    (
        r"\b(?:" + _VS_EN + r"\s+(?:the )?(?:previous|prior|last|preceding) period|period[- ]on[- ]period|"
        r"period[- ]over[- ]period)\b",
        lambda m, c: _c(m, "prev"),
    ),
    (
        r"\b(?:" + _VS_EN + r"\s+(?:the )?(?:previous|prior|last|preceding) month|month[- ]on[- ]month|"
        r"month[- ]over[- ]month|mom|m/m)\b",
        lambda m, c: _c(m, "mom"),
    ),
    (
        r"\b(?:" + _VS_EN + r"\s+(?:the )?(?:previous|prior|last|preceding) quarter|quarter[- ]on[- ]quarter|"
        r"quarter[- ]over[- ]quarter|qoq|q/q)\b",
        lambda m, c: _c(m, "qoq"),
    ),
    # --- explicit ranges and months ---
    (
        r"(\d{4})\s*年\s*(\d{1,2})\s*月份?\s*(?:到|至|-|~|—|－)\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月份?",
        lambda m, c: _p(m, (date(int(m[1]), int(m[2]), 1), date(int(m[3] or m[1]), int(m[4]), 1))),
    ),
    (r"(\d{4})\s*年\s*(\d{1,2})\s*月份?", lambda m, c: _p(m, _month(int(m[1]), int(m[2])))),
    (r"\b(\d{4})[-/.](0?[1-9]|1[0-2])\b(?![-/.]\d)", lambda m, c: _p(m, _month(int(m[1]), int(m[2])))),
    (r"\b" + _MONTH_EN + r"\s*,?\s*(\d{4})\b", lambda m, c: _p(m, _month(int(m[2]), _en_month(m[1])))),
    # --- quarters ---
    (r"(\d{4})\s*年?\s*(?:第\s*)?([一二三四1-4])\s*季度", lambda m, c: _p(m, _quarter(int(m[1]), _q(m[2])))),
    (
        r"\b(?:(\d{4})\s*年?\s*q([1-4])|q([1-4])\s*(?:of\s+)?(\d{4}))\b",
        lambda m, c: _p(m, _quarter(int(m[1] or m[4]), int(m[2] or m[3]))),
    ),
    (
        r"\b(?:the\s+)?(first|second|third|fourth)\s+quarter(?:\s+of)?\s+(\d{4})\b",
        lambda m, c: _p(m, _quarter(int(m[2]), _q(m[1]))),
    ),
    (r"(?:第\s*)?([一二三四1-4])\s*季度", lambda m, c: _p(m, _quarter(_recent_quarter(_q(m[1]), c), _q(m[1])))),
    (r"\bq([1-4])\b", lambda m, c: _p(m, _quarter(_recent_quarter(int(m[1]), c), int(m[1])))),
    (
        r"本季度|本季|这个季度|这季度|当季|\b(?:this|current) quarter\b|\bquarter[- ]to[- ]date\b|\bqtd\b",
        lambda m, c: _p(m, _quarter(c.current.year, _quarter_of(c.current))),
    ),
    (
        r"上季度|上个季度|上一季度|上一个季度|上季|\b(?:last|previous|past|prior) quarter\b",
        lambda m, c: _p(m, _quarter(*_previous_quarter(c.current))),
    ),
    # --- halves ---
    (
        r"(?:(今年|本年|去年|上年)|(\d{4})\s*年)?\s*(上|下)半年",
        lambda m, c: _p(m, _half(_half_year(m[1], m[2], c), 1 if m[3] == "上" else 2)),
    ),
    (
        r"\b(?:the\s+)?(first|second)\s+half(?:\s+of)?(?:\s+(\d{4}))?\b|\bh([12])\s*(\d{4})?\b",
        lambda m, c: _p(
            m, _half(int(m[2] or m[4] or c.current.year), 1 if (m[1] or "") == "first" or m[3] == "1" else 2)
        ),
    ),
    # --- rolling windows ---
    (r"(?:近|最近|过去|前)\s*" + _N + r"\s*个?\s*月", lambda m, c: _last_n(m, c, number(m[1]))),
    (r"(?:近|最近|过去)\s*半年", lambda m, c: _last_n(m, c, 6)),
    (r"(?:近|最近|过去)\s*(?:一|1)\s*个?\s*年", lambda m, c: _last_n(m, c, 12)),
    (r"(?:近|最近|过去)\s*(?:一个|1个|1)\s*季度?", lambda m, c: _last_n(m, c, 3)),
    (
        r"\b(?:in\s+|over\s+|for\s+)?(?:the\s+)?(?:last|past|previous|trailing|recent)\s+" + _N + r"\s+months?\b",
        lambda m, c: _last_n(m, c, number(m[1])),
    ),
    (
        r"\b(?:the\s+)?(?:last|past|trailing)\s+(?:twelve|12)\s+months\b|\bttm\b|\b(?:the\s+)?past year\b",
        lambda m, c: _last_n(m, c, 12),
    ),
    # --- years ---
    (
        r"(去年|上年|今年|本年|前年)\s*(\d{1,2})\s*月份?",
        lambda m, c: _p(m, _month(c.current.year - {"去年": 1, "上年": 1, "前年": 2}.get(m[1], 0), int(m[2]))),
    ),
    (
        r"今年以来|今年至今|本年以来|年初至今|年初以来|本年累计|今年累计|今年|本年度?|\bytd\b|\byear[- ]to[- ]date\b|"
        r"\bthis year\b|\bso far this year\b|\bcurrent year\b",
        lambda m, c: _p(m, (date(c.current.year, 1, 1), add_months(c.current, -1))),
    ),
    (
        r"去年(?:全年)?|上年度?|\b(?:last|previous|prior) year\b",
        lambda m, c: _p(m, (date(c.current.year - 1, 1, 1), date(c.current.year - 1, 12, 1))),
    ),
    (
        r"(\d{4})\s*年(?:全年|度)?|\b(?:in|for|during)\s+(\d{4})\b",
        lambda m, c: _p(m, (date(int(m[1] or m[2]), 1, 1), date(int(m[1] or m[2]), 12, 1))),
    ),
    # --- single months relative to the data ---
    (
        r"本月|这个月|当月|\b(?:this|current) month\b|\bmonth[- ]to[- ]date\b|\bmtd\b",
        lambda m, c: _p(m, (c.current, c.current)),
    ),
    (r"上上个?月", lambda m, c: _p(m, _month_of(add_months(c.latest, -1)))),
    (r"上月|上个月|上一个月|\b(?:last|previous|prior|past) month\b", lambda m, c: _p(m, (c.latest, c.latest))),
    (r"(?<![\d年])(\d{1,2})\s*月份?(?!\s*份?\s*[到至])", lambda m, c: _p(m, _month_of(c.recent(int(m[1]))))),
    (
        r"\b(?:in\s+)?(" + "|".join(m for m in _MONTHS_EN if m != "may") + r")\b(?!\s*\d)|\bin\s+(may)\b(?!\s*\d)",
        lambda m, c: _p(m, _month_of(c.recent(_en_month(m[1] or m[2])))),
    ),
]
_COMPILED = [(re.compile(p.replace(r"\b", ASCII_BOUNDARY), re.IGNORECASE), r) for p, r in RULES]


def _half(year: int, half: int) -> tuple[date, date]:
    return date(year, 6 * half - 5, 1), date(year, 6 * half, 1)


def _half_year(relative: str | None, year: str | None, cal: Calendar) -> int:
    if year:
        return int(year)
    return cal.current.year - (1 if relative in ("去年", "上年") else 0)


def _month_of(day: date) -> tuple[date, date]:
    return day, day


def _q(word: str) -> int:
    return int(word) if word.isdigit() else _QUARTER_WORDS[word.lower()]


def _en_month(word: str) -> int:
    return next(i for i, m in enumerate(_MONTHS_EN, 1) if m.startswith(word.lower().rstrip(".")[:3]))


def _previous_quarter(day: date) -> tuple[int, int]:
    q = _quarter_of(day)
    return (day.year, q - 1) if q > 1 else (day.year - 1, 4)


def find_times(text: str, calendar: Calendar) -> tuple[list[Found], str]:
    """Every time and comparison expression, and the text with them blanked out (same length, so positions hold)."""
    found: list[Found] = []
    for pattern, resolve in _COMPILED:
        for match in list(pattern.finditer(text)):
            if not match.group(0).strip():
                continue
            item = resolve(match, calendar)
            if item.period is not None and item.period.start > item.period.end:
                item = Found(item.start, item.end, item.text, Period(item.period.end, item.period.start, item.text))
            found.append(item)
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    found.sort(key=lambda f: f.start)
    return found, text


def period_label(period: Period) -> str:
    first, last = month_label(period.start), month_label(period.end)
    return first if first == last else f"{first}..{last}"
