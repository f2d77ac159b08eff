"""Answers of the ask box against the semantic compiler run here (uncached, from the table's expected parse), a few
against DuckDB straight over the raw extracts; the messages word for word; the viewer's scope; the page links; the
local-model plug-in point."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from clientscope.ask import answer_question, lexicon_for
from clientscope.ask.plugin import PARSER_ENV, parse
from clientscope.db import FULL_SCOPE, ViewerScope
from clientscope.semantic import MetricRequest, compare_query, format_value, run_compiled, run_metric_query
from clientscope.state import parse_query
from clientscope.view_context import build_page_context
from tests import ask_plugins
from tests.test_ask_parse import TABLE

ANSWERED = [
    pytest.param(lang, item, id=f"{lang}-{i}")
    for lang, items in TABLE.items()
    for i, item in enumerate(items)
    if "issue" not in item
]
EAST = ViewerScope(regions=frozenset({"华东区"}), can_see_personal=True)
FIRST_MONTH = "2025-11"
SHARE_ZH = "「沉睡客户数」没有占比指标：可以问它的数值，或按维度查看（例如「各区域沉睡客户数」）。"
SHARE_EN = (
    "There is no share metric for Assets under management: ask for its value, or break it down (e.g. “Assets under "
    "management by region”)."
)
SQL_ZH = "这里用文字提问，不接受SQL语句。请换一种说法，例如「各分行AUM排名」。"


def context(demo_db, demo_data: Path, lang: str = "zh_CN", scope: ViewerScope = FULL_SCOPE, query=None):
    db, model = demo_db
    return build_page_context(db, model, demo_data, {"lang": lang, **(query or {})}, scope)


def ask(demo_db, demo_data: Path, question: str, lang: str = "zh_CN", scope: ViewerScope = FULL_SCOPE):
    return answer_question(context(demo_db, demo_data, lang, scope), question)


def _shift(month: str, months: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12}-{index % 12 + 1:02d}"


def expected_frame(demo_db, item: dict, scope: ViewerScope = FULL_SCOPE) -> pl.DataFrame:
    """The table's parse run through the compiler, written here without the ask package (and without the cache)."""
    db, model = demo_db
    group = item.get("group_by")
    start, end = str(item["start"]), str(item["end"])
    compare = item.get("compare")
    shift = {"mom": 1, "qoq": 3, "yoy": 12}.get(compare or "", 0)
    if compare and _shift(end, -shift) < FIRST_MONTH:
        compare = None  # the prior period lies before the data: the answer is the value alone
    order = item.get("order")
    request = MetricRequest(
        metrics=(item["metric"],),
        dimensions=(group,) if group and group != "month" else (),
        filters={d: list(v) for d, v in (item.get("filters") or {}).items()},
        grain="month" if group == "month" else "all",
        start=start,
        end=end,
        order_by=((("-" if order == "desc" else "") + item["metric"]),) if order else (),
        limit=item.get("top") if not compare else None,
    )
    if not compare:
        return run_metric_query(db, model, request, scope, cache=None).frame
    frame = run_compiled(db, compare_query(model, request, compare), scope, cache=None).frame
    return frame.head(item["top"]) if item.get("top") else frame


@pytest.mark.parametrize(("lang", "item"), ANSWERED)
def test_answer_equals_the_compilers_result(demo_db, demo_data: Path, lang: str, item: dict) -> None:
    answer = ask(demo_db, demo_data, item["q"], lang)
    assert answer.answered, answer.message
    expected = expected_frame(demo_db, item)
    assert answer.frame.equals(expected)
    _, model = demo_db
    fmt = model.format_of(item["metric"])
    if item.get("group_by"):
        assert answer.table is not None and len(answer.table.rows) == expected.height
        assert [row[1] for row in answer.table.rows] == [format_value(v, fmt, lang) for v in expected[item["metric"]]]
    else:
        assert answer.value == format_value(expected[item["metric"]][0], fmt, lang)
    assert answer.figure is not None and answer.link is not None


# --- independent DuckDB over the raw extracts ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(demo_data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.read_parquet(str(demo_data / "customers" / "*.parquet")).create_view("customers")
    con.read_parquet(str(demo_data / "customer_months" / "*.parquet")).create_view("months")
    con.read_parquet(str(demo_data / "branches.parquet")).create_view("branches")
    return con


def _month_rows(raw, month_end: str, regions: tuple[str, ...] = ()) -> str:
    del raw, month_end, regions
    return (
        "from months m join customers c using (customer_id) join branches b on b.branch_id = c.branch_id "
        "where m.month = cast($month as date) and (len($regions) = 0 or list_contains($regions, b.region))"
    )


def test_deposits_of_two_regions_match_the_raw_extracts(demo_db, demo_data: Path, raw) -> None:
    answer = ask(demo_db, demo_data, "华东和华南的存款")
    sql = "select sum(m.deposits) " + _month_rows(raw, "", ())
    expected = raw.execute(sql, {"month": "2026-10-31", "regions": ["华东区", "华南区"]}).fetchone()[0]
    assert answer.frame["deposits"][0] == pytest.approx(float(expected), rel=1e-9)
    assert answer.value == "¥2.38亿"
    assert answer.interpretation == "存款余额 · 华东区、华南区 · 2026年10月"


def test_customers_of_a_region_match_the_raw_extracts(demo_db, demo_data: Path, raw) -> None:
    answer = ask(demo_db, demo_data, "how many customers do we have in southwest china", "en")
    sql = "select count(*) " + _month_rows(raw, "", ())
    expected = raw.execute(sql, {"month": "2026-10-31", "regions": ["西南区"]}).fetchone()[0]
    assert answer.frame["customers"][0] == expected
    assert answer.interpretation == "Customers · 西南区 · 2026-10"


def test_top_branches_by_aum_match_the_raw_extracts(demo_db, demo_data: Path, raw) -> None:
    answer = ask(demo_db, demo_data, "AUM最高的5个分行")
    sql = (
        "select c.branch_id, sum(m.aum_total) as aum " + _month_rows(raw, "", ())
        + " group by 1 order by aum desc limit 5"
    )  # fmt: skip
    expected = raw.execute(sql, {"month": "2026-10-31", "regions": []}).fetchall()
    assert answer.frame["branch"].to_list() == [row[0] for row in expected]
    assert answer.frame["aum_total"].to_list() == pytest.approx([float(row[1]) for row in expected], rel=1e-9)


def test_new_customers_of_a_half_year_match_the_raw_extracts(demo_db, demo_data: Path, raw) -> None:
    answer = ask(demo_db, demo_data, "2026年1月至2026年6月新增客户数")
    expected = raw.execute(
        "select count(*) from customers where open_date between date '2026-01-01' and date '2026-06-30'"
    ).fetchone()[0]
    assert answer.frame["new_customers"][0] == expected


# --- messages, word for word ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "lang", "message"),
    [
        ("", "zh_CN", "请输入一个问题，例如「上个月华东区的流失率」。"),
        ("   ", "en", "Type a question, for example “churn rate in East China last month”."),
        ("AUM" * 100, "zh_CN", "问题太长（300 个字符）：请控制在 200 个字符以内。"),
        ("AUM" * 100, "en", "The question is too long (300 characters): ask in at most 200 characters."),
        (
            "select * from customers; drop table customers",
            "zh_CN",
            "这里用文字提问，不接受SQL语句。请换一种说法，例如「各分行AUM排名」。",
        ),
        ("AUM' or '1'='1", "en", "Ask in words here, not in SQL. Try, for example, “top 10 branches by AUM”."),
        ("流式率", "zh_CN", "没有在问题中找到指标。"),
        ("chrun rate", "en", "I could not find a metric in the question."),
        ("北京支行的存款", "zh_CN", "「北京支行」可能指北京国贸支行、北京中关村支行、北京金融街支行：请说明是哪一个。"),
        ("AUM of 北京支行", "en", "“北京支行” could be 北京国贸支行, 北京中关村支行, 北京金融街支行: say which one."),
        ("2027年1月的AUM", "zh_CN", "2027年1月不在数据范围内（数据覆盖2025年11月至2026年10月）。"),
        ("deposits in March 2027", "en", "2027-03 is outside the data, which covers 2025-11 to 2026-10."),
        ("本月新增客户", "zh_CN", "2026年11月不在数据范围内（数据覆盖2025年11月至2026年10月）。"),
        ("浦东支行的AUM", "zh_CN", "数据中没有「浦东支行」（网点）。"),
        ("AUM for the Pudong branch", "en", "The data has no Branch “pudong branch”."),
        ("流失率和AUM", "zh_CN", "一次只能问一个指标：问题里有流失率、管理资产规模（AUM）。"),
        ("top 10 by AUM", "en", "A ranking needs something to rank, e.g. “by branch” or “by region”."),
        ("营销成本按客户分层", "zh_CN", "「营销成本」不能按客户分层查看。"),
        ("campaign cost by tier", "en", "Campaign cost cannot be filtered or broken down by Tier."),
        ("近6个月流失率环比", "zh_CN", "环比只适用于一个月、一个季度或一年；2026年5月至2026年10月请改用同比。"),
        ("沉睡客户占比", "zh_CN", SHARE_ZH),
        ("share of AUM in East China", "en", SHARE_EN),
    ],
)
def test_questions_without_an_answer_say_why(demo_db, demo_data: Path, question: str, lang: str, message: str) -> None:
    answer = ask(demo_db, demo_data, question, lang)
    assert not answer.answered
    assert answer.message == message
    assert answer.value is None and answer.table is None and answer.link is None


@pytest.mark.parametrize(("question", "lang"), [("流式率", "zh_CN"), ("chrun rate", "en"), ("户均资本", "zh_CN")])
def test_an_unknown_metric_offers_the_closest_metrics(demo_db, demo_data: Path, question: str, lang: str) -> None:
    answer = ask(demo_db, demo_data, question, lang)
    closest = {"流式率": "churn_rate", "chrun rate": "churn_rate", "户均资本": "aum_per_customer"}[question]
    assert answer.suggestions[0] == closest
    assert 1 <= len(answer.suggestions) <= 3


def test_what_was_understood_is_kept_when_asking_back(demo_db, demo_data: Path) -> None:
    answer = ask(demo_db, demo_data, "上个月华东区")
    assert answer.message == "没有在问题中找到指标。"
    assert [(u.kind, u.name, u.codes) for u in answer.parse.understood] == [
        ("filter", "region", ("华东区",)),
        ("period", "", ()),
    ]
    answer = ask(demo_db, demo_data, "北京支行上个月的存款")
    assert [(u.kind, u.name) for u in answer.parse.understood] == [("metric", "deposits")]


def test_notes_say_the_default_period_and_a_missing_prior_period(demo_db, demo_data: Path) -> None:
    answer = ask(demo_db, demo_data, "私行客户数同比")
    assert answer.notes == (
        "问题未指定期间，按2026年10月回答。",
        "对比期2025年10月没有数据（数据从2025年11月开始）。",
    )
    assert answer.comparison is None and answer.interpretation == "在册客户数 · 私人银行客户 · 2026年10月"
    english = ask(demo_db, demo_data, "AUM per customer last month vs previous month", "en")
    assert english.interpretation == "AUM per customer · 2026-10 vs 2026-09"
    assert english.comparison is not None and english.comparison.startswith("2026-09: ¥")
    assert english.notes == ()


# --- the viewer's scope ----------------------------------------------------------------------------------------------


def test_a_region_outside_the_viewers_scope_is_named_as_such(demo_db, demo_data: Path) -> None:
    assert ask(demo_db, demo_data, "上个月华南区的流失率", scope=EAST).message == "「华南区」不在您的数据权限范围内。"
    english = ask(demo_db, demo_data, "deposits in 深圳福田支行", "en", scope=EAST)
    assert english.message == "“深圳福田支行” is outside your data scope."


def test_answers_run_with_the_viewers_scope(demo_db, demo_data: Path, raw) -> None:
    answer = ask(demo_db, demo_data, "各区域AUM", scope=EAST)
    assert answer.frame["region"].to_list() == ["华东区"]
    item = {"metric": "aum_total", "group_by": "region", "start": "2026-10", "end": "2026-10"}
    assert answer.frame.equals(expected_frame(demo_db, item, EAST))
    sql = "select sum(m.aum_total) " + _month_rows(raw, "", ())
    expected = raw.execute(sql, {"month": "2026-10-31", "regions": ["华东区"]}).fetchone()[0]
    assert answer.frame["aum_total"][0] == pytest.approx(float(expected), rel=1e-9)
    whole_bank = ask(demo_db, demo_data, "AUM", scope=EAST)
    assert whole_bank.frame["aum_total"][0] == pytest.approx(float(expected), rel=1e-9)


# --- the link to the page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "lang", "path"),
    [
        ("上个月华东区的流失率", "zh_CN", "/churn"),
        ("今年以来各分行AUM同比", "zh_CN", "/segments"),
        ("churn rate of private banking customers last quarter vs a year ago", "en", "/churn"),
        ("top 10 branches by at-risk AUM", "en", "/churn"),
        ("短信渠道的营销转化率", "zh_CN", "/campaigns"),
        ("女性客户的AUM", "zh_CN", "/segments"),
        ("customers in East China", "en", "/"),
    ],
)
def test_the_link_opens_the_page_with_exactly_the_answers_filters(
    demo_db, demo_data: Path, question: str, lang: str, path: str
) -> None:
    answer = ask(demo_db, demo_data, question, lang)
    request = answer.request
    assert answer.link is not None and request is not None
    link_path, href = answer.link
    assert link_path == path and href.startswith(path)
    query = parse_query(href.partition("?")[2])
    pc = context(demo_db, demo_data, lang, query=query)
    assert pc.notices == ()
    assert pc.metric_filters() == {d: list(v) for d, v in request.filters.items()}
    assert (pc.state.start, pc.state.end) == (request.start, request.end)
    assert pc.state.compare == (request.compare or "mom")
    assert pc.state.dim == (request.group_by if request.group_by != "month" else None)
    assert pc.lang == lang


# --- the local-model plug-in point ---------------------------------------------------------------------------------


@pytest.fixture
def plugin_calls():
    ask_plugins.CALLS.clear()
    yield ask_plugins.CALLS
    ask_plugins.CALLS.clear()


def _parse(demo_db, question: str, spec: str):
    db, model = demo_db
    return parse(question, "zh_CN", lexicon_for(db, model), model, spec)


def test_the_plugin_answers_what_the_rules_cannot_once_checked(demo_db, plugin_calls) -> None:
    parsed = _parse(demo_db, "华东那边的家底有多厚", "tests.ask_plugins:east_china_aum")
    assert parsed.source == "plugin" and parsed.issue is None
    assert parsed.request is not None and parsed.request.filters == {"region": ("华东区",)}
    assert plugin_calls == ["华东那边的家底有多厚"]


def test_the_rules_answer_first_and_bad_input_never_reaches_the_plugin(demo_db, plugin_calls) -> None:
    for question in ("上个月华东区的流失率", "select * from customers", "", "x" * 500):
        _parse(demo_db, question, "tests.ask_plugins:broken")
    assert plugin_calls == []


@pytest.mark.parametrize(
    ("plugin", "note"),
    [
        ("unknown_metric", "plugin_rejected"),
        ("unknown_region", "plugin_rejected"),
        ("extra_key", "plugin_rejected"),
        ("broken", "plugin_failed"),
    ],
)
def test_a_plugin_parse_that_fails_the_allow_lists_is_not_used(demo_db, plugin_calls, plugin: str, note: str) -> None:
    parsed = _parse(demo_db, "华东那边的家底有多厚", f"tests.ask_plugins:{plugin}")
    assert parsed.request is None and parsed.issue is not None and parsed.issue.code == "no_metric"
    assert [n.code for n in parsed.notes] == [note]
    assert plugin_calls == ["华东那边的家底有多厚"]


def test_the_plugin_is_named_by_the_setting(demo_db, demo_data: Path, plugin_calls, monkeypatch) -> None:
    monkeypatch.setenv(PARSER_ENV, "tests.ask_plugins:east_china_aum")
    answer = ask(demo_db, demo_data, "华东那边的家底有多厚")
    assert answer.interpretation == "管理资产规模（AUM） · 华东区 · 2026年10月"
    assert answer.notes == ("此问题由本地语言模型解析，并已按指标、维度与数据清单校验。",)
    monkeypatch.setenv(PARSER_ENV, "tests.ask_plugins:no_answer")
    assert ask(demo_db, demo_data, "华东那边的家底有多厚").message == "没有在问题中找到指标。"
    monkeypatch.delenv(PARSER_ENV)
    assert ask(demo_db, demo_data, "华东那边的家底有多厚").message == "没有在问题中找到指标。"
    assert plugin_calls == ["华东那边的家底有多厚", "华东那边的家底有多厚"]


# --- the navbar box ------------------------------------------------------------------------------------------------


def _ids(component) -> set[str]:
    return {c.id for c in _walk(component) if isinstance(getattr(c, "id", None), str)}


@pytest.mark.parametrize(
    ("role", "shown"),
    [("head_office", True), ("region_manager", True), ("relationship_manager", True), ("marketing", False)],
)
def test_the_navbar_box_is_shown_to_the_roles_that_may_open_ask(dash_app, role: str, shown: bool) -> None:
    from clientscope.access.roles import Role
    from clientscope.access.viewer import Viewer
    from clientscope.shell import navbar

    viewer = Viewer("someone", Role(role), regions=frozenset({"华东区"}), rm="RM0004")
    with dash_app.server.test_request_context("/"):
        ids = _ids(navbar("/churn", "?lang=en&region=华东区", viewer))
    assert ("ask-box" in ids) is shown


def test_the_navbar_box_carries_the_language_and_keeps_the_question_on_ask(dash_app) -> None:
    from clientscope.access.viewer import OPEN_VIEWER
    from clientscope.shell import carried_query, navbar

    with dash_app.server.test_request_context("/"):
        bar = navbar("/ask", "?q=上个月的AUM&lang=en", OPEN_VIEWER)
    form = next(c for c in _walk(bar) if getattr(c, "action", None) == "/ask")
    inputs = {getattr(c, "name", None): getattr(c, "value", None) for c in _walk(form)}
    assert inputs == {"q": "上个月的AUM", "lang": "en", None: None}
    assert carried_query("?q=上个月的AUM&lang=en&region=华东区") == "?lang=en&region=%E5%8D%8E%E4%B8%9C%E5%8C%BA"


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def test_a_request_the_compiler_refuses_is_said_not_raised(demo_db, demo_data: Path) -> None:
    db, model = demo_db
    quarterly = model.metrics["deposits"].model_copy(update={"time_grains": ("quarter", "year")})
    strict = model.model_copy(update={"metrics": {**model.metrics, "deposits": quarterly}})
    pc = build_page_context(db, strict, demo_data, {}, FULL_SCOPE)
    answer = answer_question(pc, "近6个月存款走势")  # by month: not a grain this metric allows
    assert answer.message == "这个问题暂时无法计算（已记录）。请换一种问法，或在对应页面查看。"
    assert answer.value is None and answer.table is None
