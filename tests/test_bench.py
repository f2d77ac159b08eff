"""`clientscope bench`: the Dash protocol driver, statistics, report merging, the pandas twin's numbers
against the app's, and one whole run of the harness at the tiny XS scale (no timing is asserted)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from clientscope.bench import dashproto, report
from clientscope.bench.stats import percentile, summarize
from clientscope.bench.twins import baseline_module, differences, overview_app_numbers, overview_query

FILTER_CALLBACK = {
    "output": "url.search@4b8f",
    "inputs": [
        {"id": "filter-start", "property": "value"},
        {"id": '{"key":["ALL"],"type":"filter"}', "property": "value"},
    ],
    "state": [{"id": "url", "property": "search"}],
    "prevent_initial_call": True,
    "clientside_function": None,
}
ROUTER = {
    "output": ".._pages_content.children..._pages_store.data..",
    "inputs": [{"id": "_pages_location", "property": "pathname"}, {"id": "_pages_location", "property": "search"}],
    "state": [],
    "prevent_initial_call": True,
}


def _component(kind: str, **props: object) -> dict:
    return {"type": kind, "namespace": "dash_core_components", "props": props}


def _layout() -> dict:
    return _component(
        "Div",
        children=[
            _component("Location", id="url", search="?region=A"),
            _component("Dropdown", id="filter-start", value="2026-01"),
            _component("Div", children=[_component("Dropdown", id={"type": "filter", "key": "region"}, value=["A"])]),
            _component("Dropdown", id={"type": "filter", "key": "tier"}),
        ],
    )


def test_parse_output_splits_multi_outputs_and_keeps_the_duplicate_hash():
    deps = dashproto.parse_output(ROUTER["output"])
    assert [(d.id, d.prop) for d in deps] == [("_pages_content", "children"), ("_pages_store", "data")]
    (single,) = dashproto.parse_output('{"dim":["ALL"],"type":"xf-graph"}.clickData')
    assert single.id == {"dim": ["ALL"], "type": "xf-graph"} and single.multi and single.is_pattern
    (dup,) = dashproto.parse_output("url.search@4b8f")
    assert dup.prop == "search@4b8f" and dup.clean_prop == "search"


def test_payload_is_what_the_renderer_sends():
    (callback,) = dashproto.parse_dependencies([FILTER_CALLBACK])
    index = dashproto.LayoutIndex(_layout())
    changed = [dashproto.prop_key({"type": "filter", "key": "region"}, "value")]
    body = dashproto.build_payload(index, callback, changed)
    assert body == {
        "output": "url.search@4b8f",
        "outputs": {"id": "url", "property": "search@4b8f"},
        "inputs": [
            {"id": "filter-start", "property": "value", "value": "2026-01"},
            [
                {"id": {"type": "filter", "key": "region"}, "property": "value", "value": ["A"]},
                {"id": {"type": "filter", "key": "tier"}, "property": "value"},  # undefined: no "value" key
            ],
        ],
        "changedPropIds": ['{"key":"region","type":"filter"}.value'],
        "state": [{"id": "url", "property": "search", "value": "?region=A"}],
    }


def test_payload_is_none_when_an_input_is_not_on_screen():
    (router,) = dashproto.parse_dependencies([ROUTER])
    assert dashproto.build_payload(dashproto.LayoutIndex(_layout()), router, []) is None


def test_response_updates_read_response_and_side_updates():
    body = {"multi": True, "response": {"url": {"search": "?x=1"}}, "sideUpdate": {'{"a":"b"}': {"value": 2}}}
    assert dashproto.response_updates(body) == [("url", "search", "?x=1"), ({"a": "b"}, "value", 2)]
    assert dashproto.response_updates(None) == []


def test_nearest_rank_percentiles():
    values = list(range(1, 21))  # 1..20
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert summarize(values).max == 20
    assert summarize([]).n == 0


def test_merge_replaces_only_its_own_scale_section():
    first = report.merge(None, "<!-- bench:S:start -->\nold S\n<!-- bench:S:end -->\n", "S")
    with_notes = first + "\n## Method\nwritten by hand\n"
    with_m = report.merge(with_notes, "<!-- bench:M:start -->\nM\n<!-- bench:M:end -->\n", "M")
    again = report.merge(with_m, "<!-- bench:S:start -->\nnew S\n<!-- bench:S:end -->\n", "S")
    assert again.startswith(report.HEADER)
    assert "new S" in again and "old S" not in again
    assert "written by hand" in again and "\nM\n" in again


def test_differences_use_a_relative_tolerance_and_name_the_place():
    assert differences({"a": {"v": 1.0}}, {"a": {"v": 1.0 + 1e-12}}) == []
    assert differences({"a": {"v": 1.0}}, {"a": {"v": 1.1}}) == ["/a/v: app 1.0 vs pandas 1.1"]
    assert differences({"a": None}, {"a": 0.0}) == ["/a: app None vs pandas 0.0"]
    assert differences({"a": 1}, {}) == ["/a: only in app"]


VIEWS = (
    {},
    {"region": "华东区"},
    {"compare": "yoy", "tier": "affluent,mass"},
    {"start": "2026-03", "end": "2026-06", "compare": "qoq", "channel": "mobile_app"},
    {"x.tier": "mass", "region": "华南区,华北区"},
)


@pytest.mark.parametrize("query", VIEWS, ids=[json.dumps(v, ensure_ascii=False) for v in VIEWS])
def test_pandas_twin_computes_the_overview_numbers_the_app_shows(demo_db, demo_data, query):
    from clientscope.db import FULL_SCOPE
    from clientscope.marts import marts_dir
    from clientscope.view_context import build_page_context

    db, model = demo_db
    pc = build_page_context(db, model, demo_data, query, FULL_SCOPE)
    assert not pc.notices
    numbers, _ = baseline_module().PAGES["overview"]
    twin = numbers(marts_dir(db, model.rules), overview_query(pc))
    app = overview_app_numbers(pc)
    assert differences(app, twin) == []
    assert set(app["kpi"]) == {"customers", "aum_total", "active_rate", "churn_rate", "campaign_conversion_rate",
                               "alert_aum"}  # fmt: skip


def test_pandas_twin_customers_match_a_direct_count(demo_db, demo_data):
    """The twin's headline customer count is the number of customer-month rows of the last month, counted here
    with polars straight from the mart file (an independent third computation)."""
    from clientscope.db import FULL_SCOPE
    from clientscope.marts import marts_dir
    from clientscope.view_context import build_page_context

    db, model = demo_db
    pc = build_page_context(db, model, demo_data, {"region": "华东区"}, FULL_SCOPE)
    query = overview_query(pc)
    folder = marts_dir(db, model.rules)
    twin = baseline_module().PAGES["overview"][0](folder, query)
    facts = pl.read_parquet(folder / "customer_month_facts.parquet", columns=["month", "region", "aum_total"])
    last = facts.filter((pl.col("month").dt.strftime("%Y-%m") == query["end"]) & (pl.col("region") == "华东区"))
    assert twin["kpi"]["customers"]["value"] == last.height
    # aum_total is DECIMAL(18,2) in the mart (docs/metrics.md, "Money"): polars sums it exactly, as a Decimal
    assert twin["kpi"]["aum_total"]["value"] == pytest.approx(float(last["aum_total"].sum()), rel=1e-12)


@pytest.mark.slow  # a whole benchmark run with a browser: ~160 s alone
def test_a_tiny_run_writes_every_section_and_the_twin_agrees(tmp_path: Path):
    from clientscope.bench import run_bench

    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nMethod written by hand.\n", encoding="utf-8")
    result = run_bench(
        "XS", out, work_dir=tmp_path / "work", states=3, progress=False, started_at=datetime(2026, 11, 23, 12, 0)
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nMethod written by hand.\n")
    assert "## Scale XS — 1,000 customers × 12 months" in text
    for section in report.SECTIONS:
        assert section in text
    assert "- Run: 2026-11-23T12:00" in text
    assert "`clientscope bench --scale XS --states 3 --out " in text
    metrics = [t.metric for t in result.targets]
    assert any(m.startswith("Filter-change callback p95") for m in metrics)
    assert any(m.startswith("App ÷ raw DuckDB") for m in metrics)
    assert any(m.startswith("Cold start") for m in metrics)
    assert any(m.startswith("Excel export") for m in metrics)
    names = [p.name for p in result.pages]
    assert "overview" in names
    overview = next(p for p in result.pages if p.name == "overview")
    assert overview.interactions == 3
    assert overview.twin is not None and overview.twin.views == 4  # the page opened plus 3 filter changes
    assert overview.twin.differences == ()
    assert result.twins_equal
    assert result.export["rows"] > 0
    assert {c.page for c in result.callbacks} >= {"overview"}


def test_the_slowest_callback_note_weighs_the_p95_against_the_sql_p95() -> None:
    """Most calls of a section hit the cache (SQL p50 0 ms); the p95 call is a miss, so it is the SQL's p95 that
    says whether the tail is the database or Python."""
    from clientscope.bench.notes import slow_callback_note
    from clientscope.bench.results import CallbackStats

    def stats(raw: list[float]) -> CallbackStats:
        http = [10.0] * 18 + [180.0, 200.0]
        return CallbackStats("overview", "out", "kpis", summarize(http), summarize(http), summarize(raw), 0.8)

    missed_cache = stats([0.0] * 18 + [150.0, 160.0])
    assert slow_callback_note(missed_cache) == (
        "Slowest: `kpis` on overview (p50 10.0 ms, p95 180.0 ms); its 0.8 SQL statements per call take p50 0.0 ms, "
        "p95 150.0 ms on bare DuckDB, one after another; at p95 that is 83% of the callback: most of the slow calls' "
        "time is their SQL (the filter changes that miss the cache)."
    )
    python_bound = stats([0.0] * 18 + [20.0, 30.0])
    assert slow_callback_note(python_bound).endswith(
        "at p95 that is 11% of the callback: most of it is Python outside DuckDB (page context, figures, layout "
        "serialisation)."
    )


def test_xlsxwriter_alone_writes_every_cell_of_the_frame(tmp_path: Path) -> None:
    """The export's floor is only a floor if xlsxwriter really wrote the same cells: read them back."""
    from datetime import date

    from openpyxl import load_workbook

    from clientscope.bench.export_probe import xlsxwriter_alone

    frame = pl.DataFrame(
        {
            "customer_id": ["C1", "C2", None],
            "month": [date(2026, 9, 1), date(2026, 10, 1), date(2026, 10, 1)],
            "txn_count": [3, None, 7],
            "txn_amount": [1.5, 2.25, None],
        }
    )
    for constant_memory in (False, True):
        out = tmp_path / f"alone-{constant_memory}.xlsx"
        seconds = xlsxwriter_alone(frame, out, constant_memory=constant_memory)
        assert seconds > 0
        rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
        assert rows[0] == ("customer_id", "month", "txn_count", "txn_amount")
        assert [(r[0], r[1].date() if r[1] else None, r[2], r[3]) for r in rows[1:]] == [
            ("C1", date(2026, 9, 1), 3, 1.5),
            ("C2", date(2026, 10, 1), None, 2.25),
            (None, date(2026, 10, 1), 7, None),
        ]


def test_the_export_note_names_the_writer_mode_and_the_floor() -> None:
    from clientscope.bench.notes import export_note

    export = {"rows": 100_000, "query_s": 0.5, "write_s": 5.0, "xlsxwriter_alone_s": 4.25, "constant_memory": 0.0,
              "file_mb": 3.4}  # fmt: skip
    assert export_note(export) == (
        "Query 0.50 s, workbook 5.00 s (20,000 rows/s through xlsxwriter's in-memory writer), file 3.4 MB. "
        "xlsxwriter alone (no Clientscope code, the same cells and mode) took 4.25 s: the workbook cannot take less "
        "on this machine with xlsxwriter."
    )
    streamed = {**export, "constant_memory": 1.0}
    del streamed["xlsxwriter_alone_s"]
    assert export_note(streamed) == (
        "Query 0.50 s, workbook 5.00 s (20,000 rows/s through xlsxwriter's constant-memory writer), file 3.4 MB."
    )
