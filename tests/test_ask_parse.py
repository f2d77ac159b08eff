"""The ask box's parser against the question table (tests/data/ask_questions.yaml: more than 60 questions in each
language, with the parse each must give on the session's demo bank), and the parser's building blocks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from clientscope.ask import lexicon_for, parse_question
from clientscope.ask.text import number
from clientscope.ask.timewords import Calendar, find_times, period_label

TABLE_FILE = Path(__file__).parent / "data" / "ask_questions.yaml"
TABLE: dict[str, list[dict]] = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
CASES = [pytest.param(lang, item, id=f"{lang}-{i}") for lang, items in TABLE.items() for i, item in enumerate(items)]
PARSE_KEYS = ("metric", "filters", "group_by", "start", "end", "compare", "top", "order")
# The test bank's months (conftest.demo_data: 12 months to 2026-10)
MONTHS = tuple(f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12), *((2026, i) for i in range(1, 11))])


@pytest.fixture(scope="module")
def lexicon(demo_db):
    db, model = demo_db
    return lexicon_for(db, model)


def test_the_table_has_at_least_60_questions_in_each_language() -> None:
    assert set(TABLE) == {"zh_CN", "en"}
    for lang, items in TABLE.items():
        answered = [i for i in items if "issue" not in i]
        assert len(items) >= 60 and len(answered) >= 60, lang
        assert len({i["q"] for i in items}) == len(items), f"a question is listed twice in {lang}"


@pytest.mark.parametrize(("lang", "item"), CASES)
def test_question_parses_as_the_table_says(demo_db, lexicon, lang: str, item: dict) -> None:
    _, model = demo_db
    parsed = parse_question(item["q"], lexicon, model)
    if "issue" in item:
        assert parsed.request is None
        assert parsed.issue is not None and parsed.issue.code == item["issue"]
        return
    assert parsed.issue is None, parsed.issue
    request = parsed.request
    assert request is not None
    got = {
        "metric": request.metric,
        "filters": {d: list(codes) for d, codes in request.filters.items()},
        "group_by": request.group_by,
        "start": request.start,
        "end": request.end,
        "compare": request.compare,
        "top": request.top,
        "order": request.order,
    }
    expected = {key: item.get(key) for key in PARSE_KEYS}
    expected["filters"] = {d: list(v) for d, v in (item.get("filters") or {}).items()}
    expected["start"], expected["end"] = str(item["start"]), str(item["end"])
    assert got == expected


def test_the_parse_does_not_depend_on_case_width_or_spaces(demo_db, lexicon) -> None:
    _, model = demo_db
    plain = parse_question("上个月华东区的AUM", lexicon, model).request
    assert plain is not None
    for variant in ("上个月 华东区 的 aum", "上个月华东区的ＡＵＭ", "  上个月华东区的Aum  "):
        assert parse_question(variant, lexicon, model).request == plain


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("上个月", "2026-10"),
        ("上上个月", "2026-09"),
        ("本季度", "2026-10..2026-12"),  # cut to the data by the intent step
        ("上季度", "2026-07..2026-09"),
        ("今年以来", "2026-01..2026-10"),
        ("年初至今", "2026-01..2026-10"),
        ("近6个月", "2026-05..2026-10"),
        ("最近三个月", "2026-08..2026-10"),
        ("近半年", "2026-05..2026-10"),
        ("去年", "2025-01..2025-12"),
        ("去年12月", "2025-12"),
        ("2026年10月", "2026-10"),
        ("2026年1月至2026年3月", "2026-01..2026-03"),
        ("2026年第三季度", "2026-07..2026-09"),
        ("2026年Q2", "2026-04..2026-06"),
        ("三季度", "2026-07..2026-09"),
        ("12月", "2025-12"),
        ("last month", "2026-10"),
        ("last quarter", "2026-07..2026-09"),
        ("YTD", "2026-01..2026-10"),
        ("Q3 2026", "2026-07..2026-09"),
        ("q4", "2026-10..2026-12"),  # the latest Q4 that has begun (cut to 2026-10 by the intent step)
        ("last 6 months", "2026-05..2026-10"),
        ("the past twelve months", "2025-11..2026-10"),
        ("October 2026", "2026-10"),
        ("in March", "2026-03"),
        ("2026-09", "2026-09"),
        ("the third quarter of 2026", "2026-07..2026-09"),
        ("上半年", "2026-01..2026-06"),
        ("去年下半年", "2025-07..2025-12"),
        ("first half of 2026", "2026-01..2026-06"),
        ("h2 2025", "2025-07..2025-12"),
    ],
)
def test_time_expressions(words: str, expected: str) -> None:
    found, rest = find_times(words.lower(), Calendar(MONTHS))
    periods = [f.period for f in found if f.period is not None]
    assert [period_label(p) for p in periods] == [expected]
    assert rest.strip() == ""


@pytest.mark.parametrize(
    ("words", "compare"),
    [
        ("同比", "yoy"),
        ("去年同期", "yoy"),
        ("较去年", "yoy"),
        ("环比", "prev"),
        ("较上月", "mom"),
        ("比上季度", "qoq"),
        ("vs a year ago", "yoy"),
        ("year over year", "yoy"),
        ("compared with last month", "mom"),
        ("month on month", "mom"),
        ("quarter-on-quarter", "qoq"),
        ("vs the previous period", "prev"),
    ],
)
def test_comparison_words(words: str, compare: str) -> None:
    found, _ = find_times(words.lower(), Calendar(MONTHS))
    assert [f.compare for f in found] == [compare]


def test_the_reference_month_is_the_month_after_the_data_never_the_clock() -> None:
    calendar = Calendar(MONTHS)
    assert calendar.latest == date(2026, 10, 1)
    assert calendar.current == date(2026, 11, 1)
    older = Calendar(("2024-01", "2024-02", "2024-03"))
    found, _ = find_times("上个月", older)
    assert period_label(found[0].period) == "2024-03"


@pytest.mark.parametrize(
    ("word", "value"), [("10", 10), ("十", 10), ("五", 5), ("二十", 20), ("二十五", 25), ("ten", 10), ("两", 2)]
)
def test_numbers_in_words(word: str, value: int) -> None:
    assert number(word) == value


def test_a_shorter_phrase_pair_beats_a_longer_phrase_that_leaves_a_character(demo_db, lexicon) -> None:
    # 私行客户 (a tier) + 数 would leave 数 unread; 私行 + 客户数 reads every character
    phrases = [m.phrase for m in lexicon.scan("私行客户数")]
    assert phrases == ["私行", "客户数"]


def test_english_phrases_match_whole_words_only(demo_db, lexicon) -> None:
    assert [m.phrase for m in lexicon.scan("eastern assets")] == ["assets"]  # not "east" inside "eastern"
