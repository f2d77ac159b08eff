"""The campaigns page's serving layer against the detail answer, for every section and every filter key.

The built credit and journey files (clientscope/campaigns/serving.py) answer a view with the default look-back and
half-life by sums; the detail answer is the page's own computation over the view's touches and conversions (the
engine over `touch_facts` / `conversion_facts`, as a non-default setting computes it), read here from a second
database that has the marts but not the built files.  The rule models' credits of a conversion depend on its path
alone, so every rule-model number agrees in every view; the Markov credits and the paths table agree in the default
view (and the paths for the customer attributes that never change), and elsewhere follow docs/attribution.md.
"""

from __future__ import annotations

import polars as pl
import pytest

from clientscope.campaigns import attribution as at
from clientscope.campaigns import customers as cu
from clientscope.campaigns import table as tb
from clientscope.campaigns import view as vw
from clientscope.campaigns.serving import build_campaign_files
from clientscope.db import FULL_SCOPE, Database
from clientscope.marts import build_marts
from clientscope.view_context import build_page_context

RULE_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
STATIC = {"region", "branch", "rm", "channel", "x.gender"}  # customer attributes that do not change by month


@pytest.fixture(scope="module")
def pair(demo_db, demo_data):
    """(built, detail): the session's database with the built files, and one with the marts alone."""
    db, model = demo_db
    build_campaign_files(db, model.rules)
    detail = Database.open(demo_data)
    build_marts(detail, model.rules)
    assert not detail.has("campaign_credits")

    def make(query: dict[str, str]):
        built_pc = build_page_context(db, model, demo_data, query, FULL_SCOPE)
        detail_pc = build_page_context(detail, model, demo_data, query, FULL_SCOPE)
        settings = vw.page_settings(built_pc)
        assert not at.is_recomputed(built_pc, settings) and at.is_recomputed(detail_pc, settings)
        return built_pc, detail_pc, settings

    return make


def _value(db: Database, sql: str) -> str:
    return str(db.con.sql(sql).fetchall()[0][0])


def _cases(db: Database) -> dict[str, str]:
    """Every filter key of the bar and every dimension the page honours as a cross-filter, with a common value."""
    common = "select {c} from touch_facts where {c} is not null group by 1 order by count(*) desc, 1 limit 1"
    return {
        "region": _value(db, common.format(c="region")),
        "branch": _value(db, common.format(c="branch_id")),
        "rm": _value(db, common.format(c="rm_id")),
        "tier": _value(db, common.format(c="tier")),
        "channel": _value(db, common.format(c="acquisition_channel")),
        "campaign": _value(db, common.format(c="campaign_id")),
        "touch_channel": _value(db, common.format(c="channel")),
        "x.tier_alt": _value(db, common.format(c="tier_alt")),
        "x.stage": _value(db, common.format(c="stage")),
        "x.gender": _value(db, common.format(c="gender")),
        "x.age_band": _value(db, common.format(c="age_band")),
        "x.warning_level": _value(db, common.format(c="warning_level")),
        "x.campaign_type": _value(db, common.format(c="campaign_type")),
        "x.product_type": _value(db, common.format(c="product_type")),
    }


KEYS = (
    "region", "branch", "rm", "tier", "channel", "campaign", "touch_channel", "x.tier_alt", "x.stage", "x.gender",
    "x.age_band", "x.warning_level", "x.campaign_type", "x.product_type",
)  # fmt: skip


def _close(a: pl.DataFrame, b: pl.DataFrame, keys: list[str]) -> None:
    a, b = a.sort(keys), b.sort(keys)
    assert a.columns == b.columns
    assert a.select(keys).to_dicts() == b.select(keys).to_dicts()
    for column in a.columns:
        if column in keys:
            continue
        if a.schema[column].is_numeric():
            assert a[column].to_list() == pytest.approx(b[column].to_list(), nan_ok=True), column
        else:
            assert a[column].to_list() == b[column].to_list(), column


def _compare(built_pc, detail_pc, settings, *, markov: bool, paths: bool) -> None:
    models = (*RULE_MODELS, "markov") if markov else RULE_MODELS
    keep = pl.col("model").is_in(models)
    _close(at.by_model(built_pc, settings).filter(keep), at.by_model(detail_pc, settings).filter(keep),
           ["model", "channel", "campaign"])  # fmt: skip
    _close(at.monthly(built_pc, settings).filter(keep), at.monthly(detail_pc, settings).filter(keep),
           ["model", "month", "campaign_id"])  # fmt: skip
    built, detail = at.totals(built_pc, settings), at.totals(detail_pc, settings)
    for field in ("conversions", "attributed", "unattributed", "credited"):
        assert getattr(built, field) == getattr(detail, field), field
    assert built.revenue == pytest.approx(detail.revenue) and built.conversions > 0
    assert built.unattributed_revenue == pytest.approx(detail.unattributed_revenue)
    for model in models:
        chosen = vw.Settings(model, settings.lookback_days, settings.half_life_days)
        table, expected = tb.campaign_table(built_pc, chosen), tb.campaign_table(detail_pc, chosen)
        _close(table.rows, expected.rows, ["campaign_id"])
        assert table.total == pytest.approx(expected.total)
        _close(tb.campaign_trend(built_pc, chosen), tb.campaign_trend(detail_pc, chosen), ["month", "campaign_id"])
        channels = tb.channel_comparison(built_pc, chosen).filter(keep)
        _close(channels, tb.channel_comparison(detail_pc, chosen).filter(keep), ["model", "channel"])
        _close(cu.converted_customers(built_pc, chosen), cu.converted_customers(detail_pc, chosen), ["customer_id"])
    if paths:
        assert at.top_paths(built_pc, settings).to_dicts() == at.top_paths(detail_pc, settings).to_dicts()


def test_default_view_every_section_and_model(pair) -> None:
    built_pc, detail_pc, settings = pair({"lang": "en"})
    _compare(built_pc, detail_pc, settings, markov=True, paths=True)


@pytest.mark.parametrize("key", KEYS)
def test_each_filter_key(pair, demo_db, key: str) -> None:
    value = _cases(demo_db[0])[key]
    built_pc, detail_pc, settings = pair({key: value})
    assert built_pc.filters.dimensions, key
    selects = vw.view_of(built_pc).selects
    _compare(built_pc, detail_pc, settings, markov=False, paths=key in STATIC and not selects)
    if selects:  # the built paths keep every journey of the customers in view, and the page says so
        assert at.paths_ignore_selection(built_pc, settings) and not at.paths_ignore_selection(detail_pc, settings)


def test_a_period_and_two_filters(pair, demo_db, demo_data) -> None:
    cases = _cases(demo_db[0])
    months = sorted(pl.read_parquet(demo_data / "customer_months" / "*.parquet", columns=["month"])["month"].unique())
    start = months[3].strftime("%Y-%m")
    built_pc, detail_pc, settings = pair({"start": start, "region": cases["region"], "tier": cases["tier"]})
    assert not vw.view_of(built_pc).default_period
    _compare(built_pc, detail_pc, settings, markov=False, paths=False)


def test_markov_is_the_default_views_chain_in_every_view(pair, demo_db) -> None:
    """Every view sums the same per-conversion Markov credits: a region's credit is its part of the whole."""
    db, _ = demo_db
    regions = [r[0] for r in db.con.sql("select distinct region from conversion_facts order by 1").fetchall()]
    whole_pc, _, settings = pair({})
    whole = at.by_model(whole_pc, settings).filter(pl.col("model") == "markov")["attributed_conversions"].sum()
    parts = sum(
        at.by_model(pair({"region": region})[0], settings)
        .filter(pl.col("model") == "markov")["attributed_conversions"]
        .sum()
        for region in regions
    )
    assert parts == pytest.approx(whole) and whole > 0


def test_files_built_a_part_of_the_customers_at_a_time_are_the_one_pass_files(
    demo_db, demo_data, tmp_path, monkeypatch, caplog
) -> None:
    """The build computes the credits and journeys in parts of the customers (bounded memory at a bank's scale)
    and fits one Markov chain from the parts' summed step counts: the files are those of one pass, row for row."""
    from clientscope.campaigns import serving

    _, model = demo_db
    detail = Database.open(demo_data)
    build_marts(detail, model.rules)  # from the session's cache, before the cache moves below

    def built(name: str, per_part: int) -> dict[str, pl.DataFrame]:
        monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / name))
        monkeypatch.setattr(serving, "TOUCHES_PER_PART", per_part)
        serving.build_campaign_files(detail, model.rules)
        return {table: detail.con.sql(f"select * from {table}").pl() for table in serving.TABLES}

    caplog.set_level("INFO", logger="clientscope.campaigns.serving")
    touches = int(detail.con.sql("select count(*) from touch_facts where not is_control").fetchall()[0][0])
    one = built("one", touches)
    assert "campaign credits built in 1 customer parts" in caplog.text
    three = built("three", -(-touches // 3))
    assert "campaign credits built in 3 customer parts" in caplog.text
    assert not (serving.serving_dir(detail, model.rules) / "parts").exists()  # the parts' files are removed
    for table in serving.TABLES:
        assert one[table].height > 0, table
        assert one[table].to_dicts() == three[table].to_dicts(), table
