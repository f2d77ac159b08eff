"""The metric catalog: every visible metric, in both languages, with runnable SQL; and the page in a browser."""

from __future__ import annotations

import pytest

from clientscope.db import FULL_SCOPE, run_query
from clientscope.metric_catalog import catalog_frame, formula_in_words
from clientscope.semantic import MetricRequest, compile_query, load_semantic_model
from tests.browser_support import assert_clean
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def model():
    return load_semantic_model(REPO_ROOT / "metrics.yaml")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_visible_metric_is_listed_with_its_labels(model, lang: str) -> None:
    frame = catalog_frame(model, lang)
    visible = [m.name for m in model.visible_metrics()]
    assert frame["name"].to_list() == visible
    assert frame["label"].to_list() == [model.label(m, lang) for m in visible]
    assert all(frame["description"].to_list()) and all(frame["owner"].to_list())


def test_money_formats_name_the_currency_of_the_data(model) -> None:
    formats = dict(catalog_frame(model.for_currency("CZK"), "en").select("name", "format").iter_rows())
    assert (formats["aum_total"], formats["cost_per_acquisition"]) == ("cny_auto (CZK)", "cny (CZK)")
    assert (formats["customers"], formats["churn_rate"]) == ("count", "percent_2")
    assert dict(catalog_frame(model, "en").select("name", "format").iter_rows())["aum_total"] == "cny_auto (CNY)"


def test_formulas_in_words(model) -> None:
    assert formula_in_words(model, "active_rate", "en") == (
        "Active customers ÷ Customers served (at every level: total numerator ÷ total denominator)"
    )
    assert (
        formula_in_words(model, "active_rate", "zh_CN")
        == "活跃客户数 ÷ 期内服务客户数（任何汇总层级均为分子合计 ÷ 分母合计）"
    )
    assert formula_in_words(model, "aum_total", "en") == (
        "Sum of aum_total over customer_month_facts (a balance: quarters and years take the last month, never the sum)"
    )


def test_catalog_sql_runs_on_the_demo_bank(model, demo_db) -> None:
    db, _ = demo_db
    frame = catalog_frame(model, "en")
    for name, sql in zip(frame["name"].to_list(), frame["sql"].to_list(), strict=True):
        compiled = compile_query(model, MetricRequest(metrics=(name,), grain="month"))
        assert sql == compiled.sql.strip(), name
        assert run_query(db, compiled.sql, compiled.params, scope=FULL_SCOPE, label=name).frame.height > 0


@pytest.mark.browser
def test_metrics_page_lists_and_searches(dash_duo, dash_app, model) -> None:
    dash_duo.start_server(dash_app)
    dash_duo.wait_for_page(url=dash_duo.server_url + "/metrics?lang=en")
    # the first row is always rendered (AG Grid virtualises rows further down)
    dash_duo.wait_for_element('#catalog-grid .ag-row[row-id="customers"]', timeout=30)
    assert model.label("customers", "en") in dash_duo.find_element("#catalog-grid").text
    dash_duo.find_element("#catalog-search").send_keys("uplift")
    dash_duo.wait_for_no_elements('#catalog-grid .ag-row[row-id="customers"]', timeout=15)
    dash_duo.wait_for_element('#catalog-grid .ag-row[row-id="uplift"]', timeout=15)
    assert_clean(dash_duo)
