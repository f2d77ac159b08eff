"""Amounts in the extract's declared currency: import.json → formats, tier floors and the marts' cache key.

Hand-checked on the semantic fixture (tests/semantic_fixture.py) with metrics.yaml's floors, and on the imported
Berka bank (CZK) against an independent polars computation from the raw extract.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clientscope import catalog, marts
from clientscope.semantic import ExtractCurrencyError, load_semantic_model, model_for_extracts
from clientscope.settings import PROJECT_ROOT
from tests.conftest import REAL_DATA
from tests.semantic_fixture import month_end, write_fixture
from tests.tiers import tier_expr, tier_floors

MODEL = load_semantic_model(PROJECT_ROOT / "metrics.yaml")


def declare(folder: Path, manifest: object) -> Path:
    (folder / catalog.IMPORT_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


# --- reading the declaration -----------------------------------------------------------------------------------


def test_the_declared_currency_comes_from_import_json(tmp_path: Path) -> None:
    assert catalog.declared_currency(tmp_path) is None  # no import.json: the demo bank, a warehouse drop
    declare(tmp_path, {"source": "x", "rows": {}})
    assert catalog.declared_currency(tmp_path) is None  # an import.json without a currency
    declare(tmp_path, {"source": "berka", "currency": "CZK"})
    assert catalog.declared_currency(tmp_path) == "CZK"
    assert model_for_extracts(MODEL, tmp_path).currency == "CZK"
    (tmp_path / catalog.IMPORT_MANIFEST).unlink()
    assert model_for_extracts(MODEL, tmp_path).currency == "CNY"  # currencies.default


def test_a_bad_declaration_says_what_to_fix(tmp_path: Path) -> None:
    path = tmp_path / catalog.IMPORT_MANIFEST
    path.write_text('{"currency": "CZK",\n', encoding="utf-8")
    with pytest.raises(ExtractCurrencyError) as caught:
        model_for_extracts(MODEL, tmp_path)
    assert str(caught.value) == (
        f"{path}: not valid JSON (line 2: Expecting property name enclosed in double quotes); fix it, or import the "
        "data again"
    )
    declare(tmp_path, {"currency": "czk"})
    with pytest.raises(ExtractCurrencyError) as caught:
        model_for_extracts(MODEL, tmp_path)
    assert str(caught.value) == (
        f'{path}: "currency" must be a three-letter currency code in capitals, e.g. "CZK" (got \'czk\')'
    )
    declare(tmp_path, {"currency": "CKZ"})
    with pytest.raises(ExtractCurrencyError) as caught:
        model_for_extracts(MODEL, tmp_path)
    line = MODEL.lines["currencies.supported"]
    assert str(caught.value) == (
        f"the extracts declare the currency 'CKZ', which {MODEL.file}:{line} does not support (currencies.supported: "
        "CNY, CZK, EUR, USD) (did you mean 'CZK'?). Add CKZ to currencies.supported and a min_aum for it to every "
        "tier in rules.tiers, or correct the currency in the extract folder's import.json."
    )


# --- the marts: tier floors and cache key ----------------------------------------------------------------------


def test_the_currency_picks_the_floors_and_keys_the_marts() -> None:
    czk = MODEL.for_currency("CZK")
    params = marts.mart_params(czk.rules)
    czk_floors = (list(tier_floors("CZK", "standard").values()), list(tier_floors("CZK", "card").values()))
    assert (params["tier_mins"], params["alt_tier_mins"]) == czk_floors
    assert czk_floors[0] != list(tier_floors("CNY").values())  # else the check above could not tell CZK from CNY
    assert marts.mart_params(MODEL.rules)["tier_mins"] == list(tier_floors("CNY").values())
    keys = {marts.fingerprint(MODEL.for_currency(code).rules) for code in MODEL.currencies.supported}
    assert len(keys) == 4
    # the currency is in the key even where two currencies share every floor (EUR and USD here)
    assert marts.mart_params(MODEL.for_currency("EUR").rules)["tier_mins"] == params_for("USD")["tier_mins"]


def params_for(currency: str) -> dict:
    return marts.mart_params(MODEL.for_currency(currency).rules)


@pytest.fixture(scope="module")
def czk_bank(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path):
    from clientscope.startup import prepare

    folder = declare(write_fixture(tmp_path_factory.mktemp("czk") / "bank"), {"source": "test", "currency": "CZK"})
    ctx = prepare(str(folder))
    assert ctx.ok, ctx.problems
    return ctx


def test_a_czk_extract_is_tiered_with_the_czk_floors(czk_bank) -> None:
    # By hand with the CZK floors (private ≥ 90,000, affluent ≥ 50,000; diamond ≥ 60,000, gold ≥ 40,000): C1 holds
    # 600,000+ (private, diamond), C2 50,000 (affluent, gold: it reaches both floors), C6 20,000 and C5 500 (mass,
    # silver).  With the CNY floors C1 would be affluent and C2 mass.
    assert czk_bank.model.currency == "CZK"
    rows = czk_bank.db.con.sql(
        "select customer_id, tier, tier_alt from customer_month_facts where month = $m order by customer_id",
        params={"m": month_end(3)},
    ).fetchall()
    assert rows == [
        ("C1", "private", "diamond"),
        ("C2", "affluent", "gold"),
        ("C3", "private", "diamond"),
        ("C4", "private", "diamond"),
        ("C5", "mass", "silver"),
        ("C6", "mass", "silver"),
        ("C7", "private", "diamond"),
    ]
    assert czk_bank.model.format_of("aum_total").currency == "CZK"


def test_a_czk_extract_shows_czk_on_screen_and_in_excel(czk_bank) -> None:
    from datetime import datetime

    from clientscope.db import FULL_SCOPE
    from clientscope.reports import ReportRequest, builder
    from clientscope.segments.numbers import numbers
    from clientscope.view_context import build_page_context

    pc = build_page_context(czk_bank.db, czk_bank.model, czk_bank.data_dir, {"lang": "en"}, FULL_SCOPE)
    assert numbers(pc).money(1_234_567.0) == "CZK 1.23M"
    spec = builder("segments")(ReportRequest(pc, datetime(2026, 4, 1, 9, 0)))
    mix = next(sheet for sheet in spec.sheets if sheet.name == "Tier mix")
    money = [c for c in mix.columns if c.kind == "currency"]
    assert money and {c.excel_format for c in money} == {'"CZK "#,##0.00'}
    assert all(c.label.endswith(" (CZK)") for c in money)


def test_an_unsupported_currency_is_shown_instead_of_the_pages(tmp_path: Path, cache_dir: Path) -> None:
    from clientscope.startup import prepare

    folder = declare(write_fixture(tmp_path / "bank"), {"source": "test", "currency": "GBP"})
    ctx = prepare(str(folder))
    assert not ctx.ok
    assert ctx.problems == (
        f"the extracts declare the currency 'GBP', which {MODEL.file}:{MODEL.lines['currencies.supported']} does not "
        "support (currencies.supported: CNY, CZK, EUR, USD). Add GBP to currencies.supported and a min_aum for it to "
        "every tier in rules.tiers, or correct the currency in the extract folder's import.json.",
    )


# --- Berka, imported: CZK, and no longer all "mass" --------------------------------------------------------------


@pytest.fixture(scope="module")
def berka(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path):
    if not (REAL_DATA / "berka").is_dir():
        pytest.skip(f"the shared real data is not present at {REAL_DATA / 'berka'}")
    from clientscope.importers import import_berka
    from clientscope.startup import prepare

    out = tmp_path_factory.mktemp("real") / "berka"
    import_berka(REAL_DATA / "berka", out)
    ctx = prepare(str(out))
    assert ctx.ok, ctx.problems
    return ctx


@pytest.mark.real_data
def test_berka_is_tiered_in_czk(berka) -> None:
    assert berka.model.currency == "CZK"
    raw = pl.read_parquet(berka.data_dir / "customer_months.parquet")
    # independent: the CZK floors of metrics.yaml applied in polars, the lowest tier taking everything below
    expected = raw.select(
        "customer_id", pl.col("month").cast(pl.Date), tier_expr(pl.col("aum_total"), "CZK").alias("tier")
    )
    got = berka.db.con.sql("select customer_id, month, tier from customer_month_facts").pl()
    joined = expected.join(got, on=["customer_id", "month"], how="full", coalesce=True, suffix="_mart")
    assert joined.height == raw.height
    assert (joined["tier"] == joined["tier_mart"]).all()
    counts = dict(got.group_by("tier").len().iter_rows())
    assert set(counts) == {"private", "affluent", "mass"}  # no longer every customer-month "mass", and no blank tier
    assert counts["affluent"] + counts["private"] > 0.05 * raw.height
    # Berka's overdrawn month-ends (negative AUM) are in the lowest tier
    negative = raw.filter(pl.col("aum_total") < 0).height
    assert negative == 14
    assert berka.db.con.sql(
        "select count(*) from customer_month_facts where aum_total < 0 and tier = 'mass'"
    ).fetchall() == [(negative,)]


# --- headers and axes that name the currency ---------------------------------------------------------------------


def test_axes_and_headers_name_the_currency() -> None:
    from clientscope.churn.figures import money_axis
    from clientscope.i18n import t
    from clientscope.semantic.formats import currency_unit

    assert money_axis("zh_CN", "EUR") == (1e4, {"title": {"text": "万欧元"}, "tickformat": ",.0f"})
    assert money_axis("zh_CN", "CNY")[1]["title"] == {"text": "万元"}
    assert money_axis("en", "CZK") == (1.0, {"title": {"text": "CZK"}, "tickformat": "~s", "tickprefix": "CZK "})
    assert money_axis("en", "CNY")[1]["tickprefix"] == "¥"
    assert t("lifecycle.col.aum_a", "zh_CN", unit=currency_unit("CZK", "zh_CN")) == "月份A AUM（捷克克朗）"
    assert t("lifecycle.col.latest_aum", "en", unit=currency_unit("USD", "en")) == "Latest AUM (USD)"
    assert t("lifecycle.col.aum_total", "zh_CN", unit=currency_unit("CNY", "zh_CN")) == "AUM（元）"
