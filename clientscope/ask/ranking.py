"""Ranking and breakdown words: top 10 / 前10 / 最高 / bottom 5, 各 / 按 / by, and month-by-month series."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clientscope.ask.text import ASCII_BOUNDARY, NUMBER, number

_N = NUMBER
_DESC = r"最高|最多|最大|最好|最强|最佳|领先|\bhighest\b|\blargest\b|\bbiggest\b|\bmost\b|\bgreatest\b|\bbest\b"
_ASC = r"最低|最少|最小|最差|垫底|\blowest\b|\bsmallest\b|\bleast\b|\bfewest\b|\bworst\b"
_RANK: list[tuple[str, str | None]] = [
    (r"(?:排名|排行)?\s*前\s*" + _N + r"\s*(?:名|个|家|位|大|强)?(?!\s*个?\s*月)", "desc"),
    (r"(?:排名|排行)?\s*(?:后|倒数)\s*" + _N + r"\s*(?:名|个|家|位)?(?!\s*个?\s*月)", "asc"),
    (r"\btop\s*-?\s*" + _N + r"?\b", "desc"),
    (r"\bbottom\s*-?\s*" + _N + r"?\b", "asc"),
    (r"(?:" + _DESC + r")\s*(?:的)?\s*(?:" + _N + r"\s*(?:个|家|名|位))?", "desc"),
    (r"(?:" + _ASC + r")\s*(?:的)?\s*(?:" + _N + r"\s*(?:个|家|名|位))?", "asc"),
    (r"哪\s*" + _N + r"\s*(?:个|家|位|名)|\bwhich\s+" + _N + r"\b", None),
    (r"排名|排行|排序|从高到低|\branked\b|\branking\b|\brank\b|\bsorted\b|\bleaderboard\b", "desc"),
    (r"从低到高|\bascending\b", "asc"),
]
_RANK_COMPILED = [(re.compile(p.replace(r"\b", ASCII_BOUNDARY), re.IGNORECASE), o) for p, o in _RANK]
_SUPERLATIVE = re.compile((_DESC + "|" + _ASC).replace(r"\b", ASCII_BOUNDARY), re.IGNORECASE)
# A dimension word right after these is a breakdown (各分行, 按区域, by branch, which region).
GROUP_BEFORE = re.compile(
    (
        r"(各个?|按照?|分|每个?|每一个|哪个|哪些|哪家|哪几个|哪几家|哪\s*\d+\s*个|不同|所有|全部|\bby\b|\bper\b|\beach\b|"
        r"\bacross\b|\bwhich\b|\bevery\b|\bfor each\b|\ball\b)\s*(?:\d+\s*)?$"
    ).replace(r"\b", ASCII_BOUNDARY),
    re.IGNORECASE,
)
GROUP_AFTER = re.compile(
    r"^\s*(排名|排行|分布|对比|排序|明细|占比|\bbreakdown\b|\branking\b)".replace(r"\b", ASCII_BOUNDARY), re.IGNORECASE
)
_BY_MONTH = re.compile(
    (
        r"按月|每个月|每一个月|各个月|每月|逐月|各月|分月|月度趋势|走势|趋势|变化趋势|月份|"
        r"\bby month\b|\bmonthly\b|\bmonth by month\b|"
        r"\beach month\b|\bper month\b|\btrend\b|\bover time\b|\bmonth-by-month\b"
    ).replace(r"\b", ASCII_BOUNDARY),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Ranking:
    order: str | None = None  # desc | asc
    top: int | None = None
    words: tuple[str, ...] = ()


def find_ranking(text: str) -> tuple[Ranking, str]:
    """The ranking asked for (order, how many) and the text with its words blanked out."""
    order: str | None = None
    top: int | None = None
    words: list[str] = []
    superlative = False
    for pattern, direction in _RANK_COMPILED:
        for match in list(pattern.finditer(text)):
            if not match.group(0).strip():
                continue
            words.append(match.group(0).strip())
            digits = next((g for g in match.groups() if g), None)
            if digits and number(digits):
                top = top or number(digits)
            if direction and (order is None or _SUPERLATIVE.search(match.group(0))):
                order = direction  # a superlative decides the order: 流失率最低的前10个
            superlative = superlative or bool(_SUPERLATIVE.search(match.group(0)))
            text = text[: match.start()] + " " * len(match.group(0)) + text[match.end() :]
    if superlative and top is None:
        top = 1  # 最高的分行 / the highest branch: one answer
    if top is not None and order is None:
        order = "desc"
    return Ranking(order, top, tuple(words)), text


def find_month_series(text: str) -> tuple[bool, str]:
    match = _BY_MONTH.search(text)
    if not match:
        return False, text
    return True, text[: match.start()] + " " * len(match.group(0)) + text[match.end() :]
