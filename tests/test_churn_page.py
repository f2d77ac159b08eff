"""The /churn page's data on the session's demo bank (2,000 customers × 12 months, seed 7).

Numbers are checked against independent computations in polars over the raw parquet rows; the model card
against a recomputation from the exported evaluation sheet.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import openpyxl
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from clientscope.churn import card_sections, sections
from clientscope.churn import explain as churn_explain
from clientscope.churn import files as churn_files
from clientscope.churn import ids as churn_ids
from clientscope.churn import numbers as churn_numbers
from clientscope.churn import view as churn_view
from clientscope.churn import words as churn_words
from clientscope.churn.lists import ACTIONS_SOURCE, RM_SOURCE
from clientscope.churn.model import train_or_load
from clientscope.churn.rules import why_they_churn
from clientscope.churn.scoring import score_latest
from clientscope.churn.training import TrainedModel
from clientscope.customer_list import GRID, CustomerSegment, list_ids, rows_response
from clientscope.db import FULL_SCOPE, ViewerScope
from clientscope.export import write_workbook
from clientscope.i18n import t
from clientscope.reports import ReportRequest, builder, report_pages
from clientscope.state import ViewState
from clientscope.view_context import PageContext, build_page_context
from tests.figure_support import assert_plain_figure

TODAY = date(2026, 11, 23)
EAST = "华东区"
RESTRICTED = ViewerScope(regions=frozenset({EAST}))


@pytest.fixture(scope="module")
def raw(demo_data: Path) -> dict[str, pl.DataFrame]:
    """The extracts as written by the generator (independent of the app's SQL)."""

    def read(name: str) -> pl.DataFrame:
        single = demo_data / f"{name}.parquet"
        return pl.read_parquet(single if single.is_file() else demo_data / name / "*.parquet")

    return {name: read(name) for name in ("customers", "customer_months", "branches")}


@pytest.fixture(scope="module")
def latest_open(raw: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Customers open at the latest month-end with their region, branch, RM and AUM (raw rows)."""
    months = raw["customer_months"]
    last = months["month"].max()
    rows = months.filter(pl.col("month") == last).select("customer_id", "aum_total")
    customers = raw["customers"].join(raw["branches"].select("branch_id", "region"), on="branch_id", how="left")
    open_ = customers.filter(pl.col("close_date").is_null() | (pl.col("close_date") > last))
    return rows.join(open_.select("customer_id", "region", "branch_id", "rm_id", "name"), on="customer_id")


def grid_rows(pc: PageContext, source: str, request: dict) -> dict:
    """What the customer-list engine's one callback answers for a churn list's getRows request."""
    return rows_response(pc, CustomerSegment(source=source), request, "churn")[0]


def context(demo_db, demo_data: Path, query: dict[str, str] | None = None, scope=FULL_SCOPE) -> PageContext:
    db, model = demo_db
    return build_page_context(db, model, demo_data, query or {}, scope)


@pytest.fixture(scope="module")
def data(demo_db, cache_dir: Path) -> churn_files.ChurnData:
    db, _ = demo_db
    status = churn_files.churn_status(db, TODAY)
    assert status.problem is None, status.problem
    assert status.data is not None
    return status.data


@pytest.fixture(scope="module")
def trained(demo_db, data: churn_files.ChurnData, cache_dir: Path) -> TrainedModel:
    """The fitted model the page files were made from (the page itself never loads it)."""
    db, _ = demo_db
    config = churn_files.model_config(data.months)
    return train_or_load(db, cache_dir, db.version, trained_on=TODAY, rules=data.rules, config=config)


@pytest.fixture(scope="module")
def churn_page_module(dash_app):
    """pages/churn.py as the app's page registry loaded it (importing it again would register it twice)."""
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == "/churn")
    return sys.modules[page["module"]]


def find(component, component_id: str):
    """The first component with `component_id` in a Dash layout tree."""
    for node in walk(component):
        if getattr(node, "id", None) == component_id:
            return node
    raise AssertionError(f"no component {component_id!r}")


def walk(component) -> Iterator:
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from walk(child)
    elif children is not None and not isinstance(children, str | int | float):
        yield from walk(children)


def text_of(component) -> str:
    return "".join(str(node) if isinstance(node, str | int | float) else "" for node in flat(component))


def flat(component) -> Iterator:
    if isinstance(component, str | int | float):
        yield component
        return
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from flat(child)
    elif children is not None:
        yield from flat(children)


# --- the model, trained on first use ---------------------------------------------------------------------------


def test_model_is_trained_once_and_cached_on_disk(demo_db, data: churn_files.ChurnData, cache_dir: Path) -> None:
    db, _ = demo_db
    assert list((cache_dir / "churn").glob("model-*.joblib")), "train_or_load keeps the model on disk"
    assert data.scores_path.is_file() and data.flags_path.is_file()
    assert churn_files.churn_status(db, TODAY).data is data  # one load per data version and day in a process
    # on 12 month-ends the test period is shortened so the 6-month trends exist in the training months
    assert data.months == 12
    assert data.card.periods.test_first == data.card.periods.test_last


def test_model_config_keeps_the_default_on_long_extracts() -> None:
    assert churn_files.model_config(24).test_months == 3
    assert churn_files.model_config(14).test_months == 3
    assert churn_files.model_config(13).test_months == 2
    assert churn_files.model_config(12).test_months == 1
    assert churn_files.model_config(9).test_months == 3  # too short to fit trends at all: the library decides


# --- numbers against independent computations ---------------------------------------------------------------------


def test_every_open_customer_is_in_the_distribution(demo_db, demo_data, data, latest_open) -> None:
    pc = context(demo_db, demo_data)
    totals = churn_numbers.level_totals(churn_numbers.distribution(pc, data))
    assert int(totals["customers"].sum()) == latest_open.height
    assert float(totals["aum_total"].sum()) == pytest.approx(float(latest_open["aum_total"].sum()))
    scores = pl.read_parquet(data.scores_path)
    expected = scores.group_by("risk_level").len()
    for level in churn_view.RISK_LEVELS:
        want = expected.filter(pl.col("risk_level") == level)["len"].sum()
        assert totals.filter(pl.col("risk_level") == level)["customers"][0] == want


def test_at_risk_by_region_matches_polars_over_the_raw_rows(demo_db, demo_data, data, trained, latest_open) -> None:
    db, _ = demo_db
    pc = context(demo_db, demo_data)
    scores = score_latest(db, trained).select("customer_id", "risk_level")
    joined = latest_open.join(scores, on="customer_id")
    expected = (
        joined.group_by("region")
        .agg(
            pl.len().alias("customers"),
            (pl.col("risk_level") == "high").sum().alias("at_risk_customers"),
            pl.col("aum_total").filter(pl.col("risk_level") == "high").sum().alias("at_risk_aum"),
        )
        .sort("region")
    )
    got = churn_numbers.at_risk_by(pc, data, "region").sort("code")
    assert got["code"].to_list() == expected["region"].to_list()
    assert got["customers"].to_list() == expected["customers"].to_list()
    assert got["at_risk_customers"].to_list() == expected["at_risk_customers"].to_list()
    assert got["at_risk_aum"].to_list() == pytest.approx(expected["at_risk_aum"].to_list())


def test_drill_path_and_clicked_level_narrow_the_numbers(demo_db, demo_data, data, trained, latest_open) -> None:
    db, _ = demo_db
    region = latest_open["region"].drop_nulls().sort()[0]
    scores = score_latest(db, trained).select("customer_id", "risk_level")
    joined = latest_open.join(scores, on="customer_id").filter(pl.col("region") == region)
    pc = context(demo_db, demo_data, {"drill": f"region:{region}", "x.risk_level": "medium"})
    assert churn_view.selected_levels(pc.state) == ("medium",)
    by_branch = churn_numbers.at_risk_by(pc, data, "branch")
    assert set(by_branch["code"].to_list()) == set(joined["branch_id"].unique().to_list())
    assert int(by_branch["at_risk_customers"].sum()) == joined.filter(pl.col("risk_level") == "medium").height
    page = churn_numbers.action_list(pc, data, limit=5_000)
    assert page.total == joined.filter(pl.col("risk_level") == "medium").height
    assert set(page.rows["region"].to_list()) <= {region}


def test_signal_shares_count_open_customers_each_month(demo_db, demo_data, data, raw) -> None:
    pc = context(demo_db, demo_data)
    wide = churn_numbers.signal_shares(pc, data)
    months = raw["customer_months"].join(raw["customers"].select("customer_id", "close_date"), on="customer_id")
    open_rows = months.filter(pl.col("close_date").is_null() | (pl.col("close_date") > pl.col("month")))
    expected = open_rows.group_by("month").len().sort("month")
    assert wide["month"].to_list() == expected["month"].to_list()
    assert wide["customers"].to_list() == expected["len"].to_list()
    flags = pl.read_parquet(data.flags_path)
    last = flags.filter(pl.col("month") == flags["month"].max())
    assert wide["inactive"][-1] == int(last["inactive_flag"].sum())
    assert wide["inactive_share"][-1] == pytest.approx(last["inactive_flag"].mean())


@pytest.mark.parametrize(
    ("query", "chosen"),
    [
        ({"p.signal": "aum_drop"}, pl.col("aum_drop_flag")),
        ({"x.risk_level": "high"}, pl.col("risk_level") == "high"),
        (
            {"x.risk_level": "medium", "p.signal": "inactive"},
            (pl.col("risk_level") == "medium") & pl.col("inactive_flag"),
        ),
    ],
)
def test_signal_shares_follow_the_customers_chosen_at_the_scoring_month(demo_db, demo_data, data, query, chosen):
    pc = context(demo_db, demo_data, query)
    wide = churn_numbers.signal_shares(pc, data)
    ids = pl.read_parquet(data.scores_path).filter(chosen)["customer_id"]
    flags = pl.read_parquet(data.flags_path).filter(pl.col("customer_id").is_in(ids.implode()))
    start = wide["month"].min()
    expected = (
        flags.filter(pl.col("month") >= start)
        .group_by("month")
        .agg(pl.len().alias("customers"), pl.col("txn_drop_flag").sum().alias("txn_drop"))
        .sort("month")
    )
    assert ids.len() > 0 and wide.height == expected.height
    assert wide["customers"].to_list() == expected["customers"].to_list()
    assert wide["txn_drop"].to_list() == expected["txn_drop"].to_list()
    assert wide["customers"][-1] == ids.len()  # every chosen customer is open at the scoring month


def test_model_card_charts_draw_each_scores_deciles(data) -> None:
    """The gains and calibration charts (plain dicts, as plotly's objects sent them) plot each score's deciles as
    the card holds them: cumulative capture from (0, 0) to all churners at 100 % of customers, and mean predicted
    against observed rate with each decile's number and size for the hover."""
    from clientscope.churn import figures
    from clientscope.churn.explain import decile_frame

    deciles = decile_frame(data.card)
    gains = figures.gains_chart(deciles, lang="en", theme="light", best_name="Logistic")
    calibration = figures.calibration_chart(deciles, lang="zh_CN", theme="dark", best_name=None)
    for chart in (gains, calibration):
        assert_plain_figure(chart)
    model = deciles.filter(pl.col("score") == "model").sort("decile")
    assert gains["data"][0]["name"] == t("churn.card.random", "en")
    model_gains = next(trace for trace in gains["data"] if trace["name"] == t("churn.card.model", "en"))
    assert model_gains["x"] == [0.0, *(d / 10 for d in range(1, 11))]
    assert model_gains["y"] == [0.0, *model["cumulative_capture"].to_list()]
    assert model_gains["y"][-1] == pytest.approx(1.0)  # ten deciles hold every churner
    assert gains["layout"]["yaxis"]["title"] == {"text": t("churn.card.gains_y", "en")}
    model_calibration = next(trace for trace in calibration["data"] if trace["name"] == t("churn.card.model", "zh_CN"))
    assert model_calibration["x"] == model["mean_predicted"].to_list()
    assert model_calibration["y"] == model["observed_rate"].to_list()
    assert model_calibration["customdata"] == [[d, n] for d, n in zip(model["decile"], model["rows"], strict=True)]
    top = max([*deciles["mean_predicted"].to_list(), *deciles["observed_rate"].to_list(), 0.01])
    assert calibration["data"][0]["x"] == [0, top] == calibration["data"][0]["y"]


def tiers_codes(pc, data) -> set[str]:
    return set(churn_numbers.at_risk_by(pc, data, "tier")["code"].to_list())


def test_churn_charts_are_valid_plotly_figures_carrying_their_codes(demo_db, demo_data, data) -> None:
    from clientscope.churn import figures
    from clientscope.churn.words import signal_labels

    pc = context(demo_db, demo_data, {"p.signal": "inactive"})
    long = churn_numbers.signal_shares_long(churn_numbers.signal_shares(pc, data))
    labels = signal_labels("en")
    lines = figures.signal_lines(long, signal_labels=labels, selected="inactive", lang="en", theme="dark")
    bars = figures.reason_bars(
        churn_numbers.reason_mix(pc, data),
        signal_labels=labels,
        selected="inactive",
        title="t",
        lang="en",
        theme="light",
    )
    histogram = figures.risk_histogram(
        churn_numbers.distribution(pc, data),
        churn_files.histogram_edges(data.card),
        level_labels={"low": "Low", "medium": "Medium", "high": "High"},
        selected="high",
        cutoffs={"medium": data.card.medium_cutoff, "high": data.card.high_cutoff},
        format_money=str,
        lang="en",
        theme="light",
    )
    tiers = figures.tier_bars(
        churn_numbers.at_risk_by(pc, data, "tier"),
        tier_labels=pc.model.tier_labels("en"),
        selected="mass",
        format_money=str,
        lang="en",
        theme="dark",
    )
    by_branch = churn_numbers.at_risk_by(pc, data, "branch")
    drill = figures.at_risk_bars(
        by_branch, level="branch", labels={}, format_money=str, lang="zh_CN", theme="light", currency="EUR"
    )
    for plain in (lines, bars, histogram, tiers, drill):
        assert_plain_figure(plain)
    # two panels side by side: counts on the left, amounts (in 万欧元) on the right, one bar per branch each
    assert [trace["xaxis"] for trace in drill["data"]] == ["x", "x2"]
    assert drill["layout"]["xaxis"]["domain"] == [0.0, 0.48] and drill["layout"]["xaxis2"]["domain"] == [0.52, 1.0]
    assert drill["layout"]["xaxis2"]["title"]["text"] == "万欧元"
    assert sorted(drill["data"][0]["x"]) == sorted(by_branch["at_risk_customers"].to_list())
    assert [row[0] for row in drill["data"][1]["customdata"]] == drill["data"][0]["y"]
    assert {trace["customdata"][0][0] for trace in histogram["data"]} <= {"low", "medium", "high"}
    assert [trace["opacity"] for trace in histogram["data"] if trace["customdata"][0][0] == "high"] == [1.0]
    assert [row[0] for row in tiers["data"][0]["customdata"]] == [
        code for code in pc.model.tier_labels("en") if code in tiers_codes(pc, data)
    ]
    assert [trace["customdata"][0][0] for trace in lines["data"]] == [
        code for code in labels if code in set(long["signal"])
    ]
    assert [trace["line"]["width"] for trace in lines["data"] if trace["customdata"][0][0] == "inactive"] == [3]
    assert {row[0] for row in bars["data"][0]["customdata"]} <= set(labels)
    assert lines["layout"]["template"]["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"


def test_signal_option_keeps_customers_with_that_signal(demo_db, demo_data, data) -> None:
    pc = context(demo_db, demo_data, {"p.signal": "aum_drop"})
    page = churn_numbers.action_list(pc, data, limit=5_000, levels=None)
    scores = pl.read_parquet(data.scores_path)
    assert page.total == int(scores["aum_drop_flag"].sum())
    assert page.rows["aum_drop_flag"].all()
    mix = churn_numbers.reason_mix(pc, data)
    assert mix.filter(pl.col("signal") == "aum_drop")["share"][0] == pytest.approx(1.0)


def test_action_list_is_riskiest_first_with_reasons_and_actions(demo_db, demo_data, data) -> None:
    pc = context(demo_db, demo_data, {"lang": "en"})
    page = churn_numbers.action_list(pc, data, limit=50)
    probabilities = page.rows["churn_probability"].to_list()
    assert probabilities == sorted(probabilities, reverse=True)
    assert set(page.rows["risk_level"].to_list()) == {"high"}
    first = page.rows.row(0, named=True)
    assert first["reasons"] and first["action"]
    assert first["reason_1"] in first["reasons"]
    by_aum = churn_numbers.action_list(pc, data, limit=50, sort_key="aum_total", descending=False)
    values = by_aum.rows["aum_total"].to_list()
    assert values == sorted(values)
    past_end = churn_numbers.action_list(pc, data, offset=page.total + 10, limit=10)
    assert past_end.rows.height == 0 and past_end.total == page.total


# --- row-level security -----------------------------------------------------------------------------------------


def test_action_list_respects_a_restricted_viewer_scope(demo_db, demo_data, data, latest_open) -> None:
    pc = context(demo_db, demo_data, scope=RESTRICTED)
    east = set(latest_open.filter(pl.col("region") == EAST)["customer_id"].to_list())
    everyone = churn_numbers.action_list(pc, data, limit=10_000, levels=None)
    assert everyone.total == len(east)
    assert set(everyone.rows["customer_id"].to_list()) == east
    assert set(everyone.rows["region"].to_list()) == {EAST}
    at_risk = churn_numbers.action_list(pc, data, limit=10_000)
    assert at_risk.total > 0
    assert set(at_risk.rows["customer_id"].to_list()) <= east
    # personal data is masked for a viewer who may not see it
    names = dict(zip(latest_open["customer_id"], latest_open["name"], strict=True))
    for row in at_risk.rows.head(20).iter_rows(named=True):
        assert row["name"] == names[row["customer_id"]][:1] + "**"
    # the grid rows the page sends to the browser are the same customers
    records = grid_rows(pc, ACTIONS_SOURCE, {"startRow": 0, "endRow": 10_000})
    assert {r["id"] for r in records["rowData"]} <= east
    assert records["rowCount"] == at_risk.total
    # the drill chart and the exported list see the same region only
    assert churn_numbers.at_risk_by(pc, data, "region")["code"].to_list() == [EAST]


def test_workbook_of_a_restricted_viewer_holds_only_their_customers(
    demo_db, demo_data, data, latest_open, raw, tmp_path: Path
) -> None:
    pc = context(demo_db, demo_data, scope=RESTRICTED)
    path = write_workbook(builder("churn")(ReportRequest(pc, datetime(2026, 11, 23, 9, 0))), tmp_path / "churn.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    actions = sheet_frame(book[t("churn.sheet.actions", "zh_CN")])
    east = set(latest_open.filter(pl.col("region") == EAST)["customer_id"].to_list())
    assert actions.height > 0
    assert set(actions[t("churn.col.customer", "zh_CN")].to_list()) <= east
    assert all(name.endswith("**") for name in actions[t("churn.col.name", "zh_CN")].to_list())
    evaluation = sheet_frame(book[t("churn.sheet.evaluation", "zh_CN")])
    ids = evaluation[t("churn.col.customer", "zh_CN")]
    east_branches = raw["branches"].filter(pl.col("region") == EAST)["branch_id"]
    east_ever = set(raw["customers"].filter(pl.col("branch_id").is_in(east_branches.implode()))["customer_id"])
    # Only the viewer's own customers' rows: no row of another region, not even without its id
    # (docs/churn-model.md); the card itself stays the bank-wide model's.
    assert ids.null_count() == 0 and set(ids.to_list()) <= east_ever
    assert 0 < evaluation.height < data.card.test_rows


# --- model card ---------------------------------------------------------------------------------------------------


def sheet_frame(sheet) -> pl.DataFrame:
    """A data sheet (title, note, header on row 3, then rows) as a frame, stopping at the first empty row."""
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    header = [h for h in rows[0] if h is not None]
    body = []
    for row in rows[1:]:
        if row[0] is None and all(v is None for v in row[1 : len(header)]):
            break
        body.append(dict(zip(header, row[: len(header)], strict=True)))
    return pl.DataFrame(body, infer_schema_length=None)


def hand_top_decile_lift(churned: np.ndarray, score: np.ndarray, aum: list, ids: list, months: list) -> float:
    """Rows ranked by score, highest first; equal scores by AUM (highest first), customer id, month (the card's
    documented tie rule); the first ceil(n / 10) rows are decile 1."""
    order = sorted(range(len(score)), key=lambda i: (-score[i], -aum[i], ids[i], months[i]))
    top = order[: math.ceil(len(order) / 10)]
    return (sum(churned[i] for i in top) / len(top)) / (churned.sum() / len(churned))


def test_model_card_on_the_page_equals_a_recomputation_from_the_export(
    demo_db, demo_data, data, churn_page_module, tmp_path: Path
) -> None:
    pc = context(demo_db, demo_data)
    spec = builder("churn")(ReportRequest(pc, datetime(2026, 11, 23, 9, 0)))
    book = openpyxl.load_workbook(write_workbook(spec, tmp_path / "churn.xlsx"), read_only=True)
    rows = sheet_frame(book[t("churn.sheet.evaluation", "zh_CN")])
    churned = rows[t("churn.col.churned_3m", "zh_CN")].to_numpy()
    model = rows[t("churn.col.model_score", "zh_CN")].to_numpy()
    points = rows[t("churn.col.warning_score", "zh_CN")].to_numpy().astype(float)
    aum = rows[t("churn.col.aum_total", "zh_CN")].to_list()
    ids = rows[t("churn.col.customer", "zh_CN")].to_list()
    months = rows[t("churn.month", "zh_CN")].to_list()
    auc, rule_auc = roc_auc_score(churned, model), roc_auc_score(churned, points)
    lift = hand_top_decile_lift(churned, model, aum, ids, months)
    rule_lift = hand_top_decile_lift(churned, points, aum, ids, months)
    card = data.card
    assert rows.height == card.test_rows and int(churned.sum()) == card.test_churners
    assert auc == pytest.approx(card.model.roc_auc, abs=1e-12)
    assert rule_auc == pytest.approx(card.rule_baseline.roc_auc, abs=1e-12)
    assert lift == pytest.approx(card.model.top_decile_lift, abs=1e-12)
    assert rule_lift == pytest.approx(card.rule_baseline.top_decile_lift, abs=1e-12)
    # the strongest simple baseline, recomputed from its probability column, is the best AUC of the three
    baseline_auc = {
        code: roc_auc_score(
            churned,
            rows[
                t("churn.col.baseline_probability", "zh_CN", name=churn_words.baseline_name(code, "zh_CN"))
            ].to_numpy(),
        )
        for code in ("signals_logit",)
    }
    aum_change = rows[t("churn.col.aum_trend", "zh_CN")].fill_null(0.0).to_numpy()
    baseline_auc["aum_change"] = roc_auc_score(churned, -aum_change)
    baseline_auc["warning_score"] = rule_auc
    best = max(baseline_auc, key=lambda code: baseline_auc[code])
    assert card.best_baseline.code == best
    assert card.best_baseline.evaluation.roc_auc == pytest.approx(baseline_auc[best], abs=1e-12)
    # what the page shows
    section = card_sections.card_section(pc, data)
    assert find(section, "churn-card-auc-model").children == f"{auc:.3f}"
    assert find(section, "churn-card-auc-rule").children == f"{rule_auc:.3f}"
    assert find(section, "churn-card-auc-best").children == f"{baseline_auc[best]:.3f}"
    assert churn_words.baseline_name(best, "zh_CN") in find(section, "churn-card-best-name").children
    assert find(section, "churn-card-lift-model").children == f"{lift:.2f}×"
    assert find(section, "churn-card-lift-rule").children == f"{rule_lift:.2f}×"
    assert card.periods.test_first.isoformat() in find(section, "churn-card-test-period").children
    assert f"{card.test_rows:,}" in find(section, "churn-card-test-rows").children
    assert f"{card.train_rows:,}" in find(section, "churn-card-train-rows").children
    assert find(section, "churn-card-trained-on").children == card.trained_on.isoformat()
    # the model card sheet carries the same numbers, typed
    card_rows = sheet_frame(book[t("churn.sheet.card", "zh_CN")])
    auc_row = card_rows.filter(pl.col(t("churn.col.item", "zh_CN")) == t("churn.card.auc", "zh_CN"))
    assert auc_row[t("churn.card.model", "zh_CN")][0] == pytest.approx(auc)
    best_label = t("churn.card.best", "zh_CN", name=churn_words.baseline_name(best, "zh_CN"))
    assert auc_row[best_label][0] == pytest.approx(baseline_auc[best])


def test_workbook_has_a_sheet_per_chart_and_table(demo_db, demo_data, data, tmp_path: Path) -> None:
    assert "churn" in report_pages()
    pc = context(demo_db, demo_data, {"lang": "en", "p.signal": "inactive"})
    spec = builder("churn")(ReportRequest(pc, datetime(2026, 11, 23, 9, 0)))
    names = [sheet.name for sheet in spec.sheets]
    keys = ("levels", "distribution", "drill", "tiers", "signals", "reasons", "actions", "card", "deciles")
    expected = [t(f"churn.sheet.{key}", "en") for key in (*keys, "evaluation")]
    retention = [t(f"actions.sheet.{key}", "en") for key in ("queue", "coverage", "outcomes")]  # clientscope/actions
    assert names == [*expected, *retention, t("churn.sheet.rules", "en")]
    assert (t("churn.filter.signal", "en"), t("churn.signal.inactive", "en")) in spec.filters
    book = openpyxl.load_workbook(write_workbook(spec, tmp_path / "churn-en.xlsx"), read_only=True)
    actions = sheet_frame(book[t("churn.sheet.actions", "en")])
    assert actions.height > 0
    reasons = actions[t("churn.col.reason", "en", n=1)].drop_nulls().to_list()
    assert reasons and not any(re.search(r"[\u4e00-\u9fff]", text) for text in reasons)  # worded in English
    assert set(actions[t("churn.col.risk_level", "en")].to_list()) == {"High"}


# --- why they churn -----------------------------------------------------------------------------------------------


def test_decision_tree_rules_render_as_text_with_rates(demo_db, demo_data, churn_page_module) -> None:
    db, _ = demo_db
    expected = why_they_churn(db)
    assert expected
    for lang in ("zh_CN", "en"):
        pc = context(demo_db, demo_data, {"lang": lang} if lang == "en" else {})
        section = card_sections.rules_section(pc)
        table_rows = [node for node in walk(section) if type(node).__name__ == "Tr"][1:]
        assert len(table_rows) == len(expected)
        for row, rule in zip(table_rows, expected, strict=True):
            cells = row.children
            assert cells[0].children == rule.text(lang)
            assert cells[1].children == f"{rule.rows:,}"
            assert f"{rule.churn_rate * 100:.1f}%" in text_of(cells[2])
            assert f"{rule.base_rate * 100:.1f}%" in text_of(cells[2])
            assert cells[3].children == f"{rule.lift:.2f}×"
    # leaf sizes add up to the sample the tree was fitted on, and the rates to its churners
    view = churn_explain.churn_rules_view(db, FULL_SCOPE)
    total = sum(rule.rows for rule in view.rules)
    churners = sum(rule.churners for rule in view.rules)
    assert churners / total == pytest.approx(view.rules[0].base_rate)


# --- drill path and breadcrumb ------------------------------------------------------------------------------------


def test_drill_clicks_write_the_next_level_into_the_url(demo_db, demo_data) -> None:
    pc = context(demo_db, demo_data, {"lang": "en", "tier": "mass", "x.risk_level": "high", "p.signal": "inactive"})
    hierarchy = pc.choices.hierarchy.drop_nulls("rm_id").row(0, named=True)
    region, branch, rm = hierarchy["region"], hierarchy["branch_id"], hierarchy["rm_id"]
    state = pc.state
    assert churn_view.drill_level(state) == "region"
    query = churn_view.drill_search(state, {"points": [{"customdata": [region, "region", "¥1", 3]}]})
    args = parse_qs(query.lstrip("?"))
    assert args["drill"] == [f"region:{region}"]
    assert args["tier"] == ["mass"] and args["lang"] == ["en"]  # the filters travel with the drill
    assert args["x.risk_level"] == ["high"] and args["p.signal"] == ["inactive"]
    state = context(demo_db, demo_data, {"drill": f"region:{region}"}).state
    assert churn_view.drill_level(state) == "branch"
    assert churn_view.drill_search(state, {"points": [{"customdata": [region, "region"]}]}) is None  # wrong level
    assert churn_view.drill_search(state, {"points": [{"customdata": [None, "branch"]}]}) is None  # no RM: no drill
    query = churn_view.drill_search(state, {"points": [{"customdata": [branch, "branch"]}]})
    state = context(demo_db, demo_data, parse_qs_last(query)).state
    assert state.drill == (("region", region), ("branch", branch))
    query = churn_view.drill_search(state, {"points": [{"customdata": [rm, "rm"]}]})
    state = context(demo_db, demo_data, parse_qs_last(query)).state
    assert churn_view.drill_level(state) is None  # after the RM: the customer list


def parse_qs_last(query: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(query.lstrip("?")).items()}


def test_breadcrumb_links_every_level(demo_db, demo_data, churn_page_module) -> None:
    base = context(demo_db, demo_data)
    row = base.choices.hierarchy.drop_nulls("rm_id").row(0, named=True)
    drill = f"region:{row['region']}/branch:{row['branch_id']}/rm:{row['rm_id']}"
    pc = context(demo_db, demo_data, {"drill": drill, "tier": "mass", "lang": "en"})
    nav = sections.breadcrumb(pc)
    links = [node for node in walk(nav) if type(node).__name__ == "Link"]
    hrefs = [urlparse(link.href) for link in links]
    assert [h.path for h in hrefs] == ["/churn"] * 4
    drills = [parse_qs(h.query).get("drill", [""])[0] for h in hrefs]
    assert drills == [
        "",
        f"region:{row['region']}",
        f"region:{row['region']}/branch:{row['branch_id']}",
        drill,
    ]
    assert all(parse_qs(h.query)["tier"] == ["mass"] and parse_qs(h.query)["lang"] == ["en"] for h in hrefs)
    labels = [link.children for link in links]
    assert labels == [
        t("churn.drill.all", "en"),
        row["region"],
        pc.value_labels()["branch"][row["branch_id"]],
        pc.value_labels()["rm"][row["rm_id"]],
    ]
    assert t("churn.drill.customers", "en") in text_of(nav)  # the last level is the customer list


def test_customer_links_carry_the_view_to_the_360_page(demo_db, demo_data, data) -> None:
    row = context(demo_db, demo_data).choices.hierarchy.row(0, named=True)
    pc = context(demo_db, demo_data, {"drill": f"region:{row['region']}", "tier": "mass", "lang": "en"})
    answer = grid_rows(pc, RM_SOURCE, {"startRow": 0, "endRow": 5})
    first = answer["rowData"][0]
    href = first["customer_id"].split("](", 1)[1].rstrip(")")
    parsed = urlparse(href)
    assert parsed.path == f"/customers/{first['id']}"
    args = parse_qs(parsed.query)
    assert args["drill"] == [f"region:{row['region']}"] and args["tier"] == ["mass"] and args["lang"] == ["en"]
    assert args["p.back"] == ["churn"]


def test_state_helpers() -> None:
    state = ViewState()
    assert churn_view.selected_levels(state) == ("high",)
    assert churn_view.selected_signal(state.with_option("signal", "bogus")) is None
    query = churn_view.signal_search(state, "complaints")
    assert parse_qs(query.lstrip("?"))["p.signal"] == ["complaints"]
    assert churn_view.signal_search(state.with_option("signal", "complaints"), "complaints") == ""


def test_the_last_drill_level_shows_the_rms_customer_list(demo_db, demo_data, data, churn_page_module) -> None:
    base = context(demo_db, demo_data)
    row = base.choices.hierarchy.drop_nulls("rm_id").row(0, named=True)
    pc = context(demo_db, demo_data, {"drill": f"region:{row['region']}/branch:{row['branch_id']}/rm:{row['rm_id']}"})
    card = sections.drill_section(pc, data)
    ids = [getattr(node, "id", None) for node in walk(card)]
    assert list_ids("churn", churn_ids.RM_LIST)[GRID] in ids
    assert churn_ids.Ids.DRILL_GRAPH not in ids
    # the list holds every scored customer of the RM, riskiest first
    answer = grid_rows(pc, RM_SOURCE, {"startRow": 0, "endRow": 500})
    scores = pl.read_parquet(data.scores_path).filter(pl.col("rm_id") == row["rm_id"])
    assert answer["rowCount"] == scores.height
    assert [r["id"] for r in answer["rowData"]] == scores.sort(
        ["churn_probability", "customer_id"], descending=[True, False]
    )["customer_id"].to_list()


def test_short_extracts_explain_why_there_is_no_model(tmp_path: Path, cache_dir: Path, churn_page_module) -> None:
    from clientscope.db import Database
    from clientscope.demo import generate
    from clientscope.marts import build_marts
    from clientscope.semantic import load_semantic_model
    from tests.conftest import REPO_ROOT

    folder = tmp_path / "short"
    generate(folder, customers=200, months=6, seed=3)
    model = load_semantic_model(REPO_ROOT / "metrics.yaml")
    db = Database.open(folder)
    build_marts(db, model.rules)
    status = churn_files.churn_status(db, TODAY)
    assert status.data is None and status.problem is not None
    assert status.problem.months == 6 and "at least" in str(status.problem)
    pc = build_page_context(db, model, folder, {"lang": "en"}, FULL_SCOPE)
    section = card_sections.rules_section(pc)  # the rules need no model: they still render
    rules = churn_explain.churn_rules_view(db, FULL_SCOPE).rules
    assert rules and rules[0].text("en") in text_of(section)
    spec = builder("churn")(ReportRequest(pc, datetime(2026, 11, 23, 9, 0)))
    assert [sheet.name for sheet in spec.sheets] == [t("churn.sheet.rules", "en")]
    assert any(label == t("churn.filter.model", "en") for label, _ in spec.filters)
