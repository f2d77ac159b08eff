"""The synthetic demo bank: contract conformance, integrity, realism and the write discipline.

Most checks run on the session's shared fixture (2,000 customers × 12 months, seed 7, see conftest);
campaign statistics use a larger bank so control groups are big enough to measure.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import clientscope.demo.generator as generator_module
from clientscope.contract import TABLES, table
from clientscope.demo import DemoSummary, generate
from clientscope.demo.reference import PHONE_PREFIXES
from tests.tiers import tier_expr, tier_floors

SMALL_TABLES = ("branches", "relationship_managers", "products", "campaigns")
PART_TABLES = ("customers", "customer_months", "holdings", "touches", "conversions", "complaints")
# The contract's logical types and the Parquet/polars types that realise them (written independently of the code).
EXPECTED_TYPES: dict[str, tuple[pl.DataType, ...]] = {
    "string": (pl.String(),),
    "integer": (pl.Int32(), pl.Int64()),
    "float": (pl.Float64(),),
    "boolean": (pl.Boolean(),),
    "date": (pl.Date(),),
    "timestamp": (pl.Datetime("us"),),
    "list<string>": (pl.List(pl.String()),),
}
ID_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def read_table(folder: Path, name: str) -> pl.DataFrame:
    if name in SMALL_TABLES:
        return pl.read_parquet(folder / f"{name}.parquet")
    return pl.read_parquet(sorted((folder / name).glob("*.parquet")))


def folder_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def bank(demo_data: Path) -> dict[str, pl.DataFrame]:
    return {t.name: read_table(demo_data, t.name) for t in TABLES}


@pytest.fixture(scope="module")
def campaign_bank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    out = tmp_path_factory.mktemp("campaign_bank") / "bank"
    generate(out, customers=30_000, months=12, seed=11)
    return {name: read_table(out, name) for name in ("customers", "campaigns", "touches", "conversions")}


# --- determinism and layout -------------------------------------------------------------------


def test_same_arguments_give_identical_files(tmp_path: Path) -> None:
    args = {"customers": 500, "months": 6, "seed": 3, "chunk_customers": 200}
    generate(tmp_path / "a", **args)
    generate(tmp_path / "b", **args)
    first, second = folder_digest(tmp_path / "a"), folder_digest(tmp_path / "b")
    assert len(first) == 4 + 6 * 3 + 1  # small tables, three parts per big table, the marker
    assert first == second


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", customers=300, months=6, seed=3)
    generate(tmp_path / "b", customers=300, months=6, seed=4)
    a, b = read_table(tmp_path / "a", "customer_months"), read_table(tmp_path / "b", "customer_months")
    assert not a.equals(b)


def test_layout_parts_per_chunk_and_marker(tmp_path: Path) -> None:
    summary = generate(tmp_path / "bank", customers=500, months=6, seed=3, chunk_customers=200)
    out = tmp_path / "bank"
    for name in SMALL_TABLES:
        assert (out / f"{name}.parquet").is_file()
    for name in PART_TABLES:
        assert sorted(p.name for p in (out / name).iterdir()) == [
            "part-00000.parquet",
            "part-00001.parquet",
            "part-00002.parquet",
        ]
    assert (out / "_demo.json").is_file()
    customers = read_table(out, "customers")
    assert customers["customer_id"].to_list() == [f"C{i:07d}" for i in range(1, 501)]
    assert summary.rows == {t.name: read_table(out, t.name).height for t in TABLES}


def test_summary_describes_the_run(demo_data: Path, bank: dict[str, pl.DataFrame]) -> None:
    summary = generate(demo_data.parent / "again", customers=2_000, months=12, seed=7)
    assert isinstance(summary, DemoSummary)
    assert (summary.seed, summary.customers, summary.months) == (7, 2_000, 12)
    assert (summary.first_month, summary.last_month) == (date(2025, 11, 30), date(2026, 10, 31))
    assert dict(summary.rows) == {name: frame.height for name, frame in bank.items()}
    with pytest.raises(AttributeError):
        summary.seed = 8  # type: ignore[misc]


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(tmp_path / "bank", customers=300, months=3, seed=1, chunk_customers=100, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "demo bank" in captured.err
    assert "3/3" in captured.err


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"end_month": "2026-13"}, "end_month must look like YYYY-MM (e.g. 2026-10), got '2026-13'"),
        ({"end_month": "Oct 2026"}, "end_month must look like YYYY-MM (e.g. 2026-10), got 'Oct 2026'"),
        ({"customers": 0}, "customers must be at least 1, got 0"),
        ({"months": 0}, "months must be at least 1, got 0"),
        ({"seed": -1}, "seed must be a non-negative integer, got -1"),
        ({"chunk_customers": 0}, "chunk_customers must be at least 1, got 0"),
    ],
)
def test_bad_arguments_are_refused_before_writing(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as excinfo:
        generate(tmp_path / "bank", **kwargs)  # type: ignore[arg-type]
    assert str(excinfo.value) == message
    assert list(tmp_path.iterdir()) == []


def test_window_ends_at_end_month(tmp_path: Path) -> None:
    summary = generate(tmp_path / "bank", customers=200, months=3, seed=1, end_month="2024-02")
    months = read_table(tmp_path / "bank", "customer_months")["month"].unique().sort().to_list()
    assert months == [date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29)]
    assert (summary.first_month, summary.last_month) == (date(2023, 12, 31), date(2024, 2, 29))


# --- the contract -----------------------------------------------------------------------------


def test_every_contract_table_and_column_with_its_type(bank: dict[str, pl.DataFrame]) -> None:
    for spec in TABLES:
        frame = bank[spec.name]
        assert frame.columns == list(spec.column_names), spec.name
        for column in spec.columns:
            assert frame.schema[column.name] in EXPECTED_TYPES[column.type.value], (spec.name, column.name)
            if not column.nullable:
                assert frame[column.name].null_count() == 0, (spec.name, column.name)
        assert frame.height > 0, spec.name


def test_primary_keys_are_unique(bank: dict[str, pl.DataFrame]) -> None:
    for spec in TABLES:
        keys = bank[spec.name].select(spec.primary_key)
        assert keys.is_unique().all(), spec.name


def test_foreign_keys_resolve(bank: dict[str, pl.DataFrame]) -> None:
    for spec in TABLES:
        for fk in spec.foreign_keys:
            values = bank[spec.name][fk.column].drop_nulls().unique()
            known = bank[fk.table][fk.ref_column]
            assert values.is_in(known.implode()).all(), (spec.name, fk.column)


def test_ids_are_prefixed_strings(bank: dict[str, pl.DataFrame]) -> None:
    patterns = {
        ("customers", "customer_id"): r"C\d{7}",
        ("branches", "branch_id"): r"B\d{3}",
        ("relationship_managers", "rm_id"): r"RM\d{4}",
        ("campaigns", "campaign_id"): r"CMP\d{3}",
        ("holdings", "holding_id"): r"H\d{9}",
        ("touches", "touch_id"): r"T\d{9}",
        ("conversions", "conversion_id"): r"V\d{9}",
        ("complaints", "complaint_id"): r"Q\d{9}",
    }
    for (name, column), pattern in patterns.items():
        assert bank[name][column].str.contains(f"^{pattern}$").all(), (name, column)


# --- balances and months ----------------------------------------------------------------------


def test_aum_total_is_the_sum_of_its_parts(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"]
    parts = (cm["deposits"] + cm["wealth"] + cm["insurance"]).round(2)
    assert (parts == cm["aum_total"]).all()
    for column in ("deposits", "wealth", "insurance", "loan_balance", "card_spend", "txn_amount"):
        assert (cm[column] >= 0).all(), column
        assert (cm[column] == cm[column].round(2)).all(), column


def test_one_row_per_open_month_and_none_after_close(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"].join(bank["customers"], on="customer_id")
    assert (cm["month"] >= cm["open_date"]).all()
    assert cm.filter(pl.col("close_date").is_not_null() & (pl.col("month") >= pl.col("close_date"))).height == 0
    # Independently: the month-ends from max(first month, opening month) to the one before the close date.
    window = sorted(cm["month"].unique().to_list())
    counts = cm.group_by("customer_id").agg(pl.len().alias("rows"))
    expected = bank["customers"].select(
        "customer_id",
        pl.struct("open_date", "close_date")
        .map_elements(
            lambda r: sum(r["open_date"] <= m and (r["close_date"] is None or m < r["close_date"]) for m in window),
            return_dtype=pl.Int64,
        )
        .alias("expected"),
    )
    joined = expected.join(counts, on="customer_id", how="left")
    assert (joined["rows"] == joined["expected"]).all()
    assert joined["rows"].min() >= 1


def test_tier_mix_is_heavy_tailed(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"]
    last = cm.filter(pl.col("month") == cm["month"].max())
    aum = last["aum_total"]
    floors = tier_floors()
    mass = (aum < floors["affluent"]).mean()
    affluent = ((aum >= floors["affluent"]) & (aum < floors["private"])).mean()
    private = (aum >= floors["private"]).mean()
    assert 0.85 <= mass <= 0.90
    assert 0.08 <= affluent <= 0.14
    assert 0.004 <= private <= 0.015
    assert aum.filter(aum >= floors["affluent"]).sum() / aum.sum() > 0.5


RANKS = {code: rank for rank, code in enumerate(reversed(tier_floors()))}


def test_tiers_migrate_every_month(bank: dict[str, pl.DataFrame]) -> None:
    tiers = bank["customer_months"].select(
        "customer_id",
        "month",
        # the tier's rank, 0 for the lowest
        tier_expr(pl.col("aum_total")).replace_strict(RANKS).alias("tier"),
    )
    moves = (
        tiers.sort("customer_id", "month")
        .with_columns(pl.col("tier").shift(1).over("customer_id").alias("before"))
        .drop_nulls("before")
        .group_by("month")
        .agg(
            (pl.col("tier") > pl.col("before")).sum().alias("up"),
            (pl.col("tier") < pl.col("before")).sum().alias("down"),
        )
    )
    assert moves.height == 11
    assert moves["up"].sum() > 0 and moves["down"].sum() > 0
    assert (moves["up"] + moves["down"] > 0).all()


def test_products_held_counts_open_holdings(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"].select("customer_id", "month", "products_held")
    held = (
        cm.select("customer_id", "month")
        .join(bank["holdings"], on="customer_id")
        .filter(
            (pl.col("open_date") <= pl.col("month"))
            & (pl.col("close_date").is_null() | (pl.col("month") < pl.col("close_date")))
        )
        .group_by("customer_id", "month")
        .agg(pl.col("product_type").n_unique().alias("counted"))
    )
    joined = cm.join(held, on=["customer_id", "month"], how="left").with_columns(pl.col("counted").fill_null(0))
    assert (joined["products_held"] == joined["counted"]).all()


def test_balances_need_the_products_behind_them(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"]
    types = (
        cm.select("customer_id", "month")
        .join(bank["holdings"], on="customer_id")
        .filter(
            (pl.col("open_date") <= pl.col("month"))
            & (pl.col("close_date").is_null() | (pl.col("month") < pl.col("close_date")))
        )
        .group_by("customer_id", "month")
        .agg(pl.col("product_type").unique().alias("types"))
    )
    rows = cm.join(types, on=["customer_id", "month"], how="left")
    for balance, products in (
        ("wealth", ["wealth_mgmt", "fund"]),
        ("insurance", ["insurance"]),
        ("loan_balance", ["mortgage", "consumer_loan"]),
    ):
        positive = rows.filter(pl.col(balance) > 0)
        assert positive.height > 0, balance
        holds = positive["types"].list.eval(pl.element().is_in(products).any()).list.first()
        assert holds.all(), balance


def test_holdings_sit_inside_the_relationship(bank: dict[str, pl.DataFrame]) -> None:
    h = bank["holdings"].join(bank["customers"], on="customer_id", suffix="_customer")
    assert (h["open_date"] >= h["open_date_customer"]).all()
    closed_customer = h.filter(pl.col("close_date_customer").is_not_null())
    assert closed_customer["close_date"].null_count() == 0
    assert (closed_customer["close_date"] <= closed_customer["close_date_customer"]).all()
    assert (
        (h.filter(pl.col("close_date").is_not_null()).select(pl.col("close_date") >= pl.col("open_date")))
        .to_series()
        .all()
    )
    assert set(h["product_type"].unique()) == set(bank["products"]["product_type"])


# --- customers --------------------------------------------------------------------------------


def test_customers_look_like_a_chinese_bank(bank: dict[str, pl.DataFrame]) -> None:
    c = bank["customers"]
    assert c["name"].str.contains(r"^[\u4e00-\u9fff]{2,4}$").all()
    assert c["phone"].str.contains(r"^1\d{10}$").all()
    assert set(c["phone"].str.slice(0, 3).cast(pl.Int64).unique()) <= set(PHONE_PREFIXES)
    assert set(c["gender"].unique()) == {"F", "M"}
    assert c["birth_year"].min() >= 1945 and c["birth_year"].max() <= 2006
    assert set(c["acquisition_channel"].unique()) == {
        "branch",
        "mobile_app",
        "referral",
        "payroll",
        "partner",
        "online",
    }
    assert set(c["risk_profile"].unique()) == {"C1", "C2", "C3", "C4", "C5"}
    regions = bank["branches"].group_by("region").len()
    assert set(regions["region"]) == {"华东区", "华南区", "华北区", "西南区", "华中区", "东北区"}
    assert regions["len"].min() >= 5 and regions["len"].max() <= 8
    assert bank["branches"]["branch_name"].str.ends_with("支行").all()
    per_branch = bank["relationship_managers"].group_by("branch_id").len()["len"]
    assert per_branch.min() >= 3 and per_branch.max() <= 6


def test_id_numbers_are_well_formed(bank: dict[str, pl.DataFrame]) -> None:
    c = bank["customers"]
    for id_number, birth_year, gender in zip(c["id_number"], c["birth_year"], c["gender"], strict=True):
        assert re.fullmatch(r"\d{17}[\dX]", id_number)
        assert int(id_number[6:10]) == birth_year
        assert (int(id_number[16]) % 2 == 1) == (gender == "M")
        total = sum(int(d) * w for d, w in zip(id_number[:17], ID_CHECK_WEIGHTS, strict=True))
        assert id_number[17] == "10X98765432"[total % 11]


def test_tags_agree_with_age(bank: dict[str, pl.DataFrame]) -> None:
    c = bank["customers"].with_columns((2026 - pl.col("birth_year")).alias("age"))
    tagged = c.explode("tags").drop_nulls("tags")
    assert set(tagged["tags"].unique()) == {
        "young_professional",
        "retiree",
        "parent",
        "business_owner",
        "student",
        "high_income",
    }
    assert tagged.filter(pl.col("tags") == "retiree")["age"].min() >= 60
    assert tagged.filter(pl.col("tags") == "student")["age"].max() <= 24
    young = tagged.filter(pl.col("tags") == "young_professional")["age"]
    assert young.min() >= 23 and young.max() <= 35


def test_relationship_managers_serve_the_wealthy(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"]
    first = cm.sort("month").group_by("customer_id").first().select("customer_id", "aum_total")
    c = bank["customers"].join(first, on="customer_id")
    affluent = tier_floors()["affluent"]
    managed_rich = c.filter(pl.col("aum_total") >= affluent)["rm_id"].is_not_null().mean()
    managed_mass = c.filter(pl.col("aum_total") < affluent)["rm_id"].is_not_null().mean()
    assert managed_rich > 0.6
    assert 0.02 < managed_mass < 0.2
    rm_branch = c.drop_nulls("rm_id").join(bank["relationship_managers"], on="rm_id", suffix="_rm")
    assert (rm_branch["branch_id"] == rm_branch["branch_id_rm"]).all()


def test_new_customers_every_month_and_about_one_percent_leave(bank: dict[str, pl.DataFrame]) -> None:
    c = bank["customers"]
    cm = bank["customer_months"]
    months = sorted(cm["month"].unique().to_list())
    opened = c.filter(pl.col("open_date") >= months[0].replace(day=1)).group_by(pl.col("open_date").dt.month_end())
    assert sorted(opened.len()["open_date"].to_list()) == months  # a new cohort in every month of the window
    closed = c.filter(pl.col("close_date").is_not_null()).height
    open_rows = cm.height
    monthly_rate = closed / open_rows
    assert 0.008 <= monthly_rate <= 0.02


# --- churn signal and dormancy ----------------------------------------------------------------


def test_churners_slow_down_before_they_leave(bank: dict[str, pl.DataFrame]) -> None:
    """Per customer: log of activity in the last two rows over rows 5-8 before the end, churners vs stayers."""
    cm = bank["customer_months"].sort("customer_id", "month")
    closed = bank["customers"].filter(pl.col("close_date").is_not_null())["customer_id"]

    def ratios(column: str) -> pl.DataFrame:
        return (
            cm.group_by("customer_id", maintain_order=True)
            .agg(
                pl.col(column).tail(2).mean().alias("late"),
                pl.col(column).tail(8).head(4).mean().alias("early"),
                pl.len(),
            )
            .filter(pl.col("len") >= 8)
            .with_columns(((pl.col("late") + 1) / (pl.col("early") + 1)).log().alias("log_ratio"))
            .with_columns(pl.col("customer_id").is_in(closed.implode()).alias("churner"))
        )

    for column in ("txn_count", "digital_logins"):
        r = ratios(column)
        churners = r.filter(pl.col("churner"))["log_ratio"].to_numpy()
        stayers = r.filter(~pl.col("churner"))["log_ratio"].to_numpy()
        assert len(churners) >= 50
        welch_t = (stayers.mean() - churners.mean()) / np.sqrt(
            stayers.var(ddof=1) / len(stayers) + churners.var(ddof=1) / len(churners)
        )
        assert welch_t > 4, column
        assert churners.mean() < -0.4, column  # about a third less activity, or worse
        assert abs(stayers.mean()) < 0.15, column

    last_two = cm.group_by("customer_id", maintain_order=True).agg(
        pl.col("complaints").tail(3).sum(), pl.col("aum_total").tail(1).first() / pl.col("aum_total").first()
    )
    flagged = last_two.with_columns(pl.col("customer_id").is_in(closed.implode()).alias("churner"))
    by_group = flagged.group_by("churner").agg(pl.col("complaints").mean(), pl.col("aum_total").median())
    churn_row = by_group.filter(pl.col("churner")).row(0, named=True)
    stay_row = by_group.filter(~pl.col("churner")).row(0, named=True)
    assert churn_row["complaints"] > 5 * stay_row["complaints"]
    assert churn_row["aum_total"] < 0.7 * stay_row["aum_total"]


def test_some_customers_go_dormant_and_some_wake_up(bank: dict[str, pl.DataFrame]) -> None:
    cm = bank["customer_months"].sort("customer_id", "month")
    runs = (
        cm.with_columns((pl.col("txn_count") > 0).cum_sum().over("customer_id").alias("run"))
        .filter(pl.col("txn_count") == 0)
        .group_by("customer_id", "run")
        .agg(pl.len().alias("length"), pl.col("month").max().alias("last_zero"))
        .filter(pl.col("length") >= 3)
    )
    last_month = cm["month"].max()
    open_customers = bank["customers"].filter(pl.col("close_date").is_null())["customer_id"]
    still_dormant = runs.filter(
        (pl.col("last_zero") == last_month) & pl.col("customer_id").is_in(open_customers.implode())
    )
    woke_up = (
        runs.filter(pl.col("last_zero") < last_month)
        .join(cm.filter(pl.col("txn_count") > 0), on="customer_id")
        .filter(pl.col("month") > pl.col("last_zero"))
    )
    assert still_dormant["customer_id"].n_unique() >= 20
    assert woke_up["customer_id"].n_unique() >= 20


# --- complaints -------------------------------------------------------------------------------


def test_complaints_match_monthly_counts(bank: dict[str, pl.DataFrame]) -> None:
    rows = (
        bank["complaints"]
        .group_by("customer_id", pl.col("complaint_ts").dt.date().dt.month_end().alias("month"))
        .agg(pl.len().cast(pl.Int64).alias("rows"))
    )
    counts = (
        bank["customer_months"]
        .filter(pl.col("complaints") > 0)
        .select("customer_id", "month", pl.col("complaints").cast(pl.Int64))
    )
    joined = counts.join(rows, on=["customer_id", "month"], how="full", coalesce=True)
    assert joined.height == counts.height == rows.height
    assert (joined["complaints"] == joined["rows"]).all()
    c = bank["complaints"]
    assert set(c["channel"].unique()) <= {"branch", "phone", "app", "online", "regulator"}
    assert set(c["category"].unique()) <= {"fees", "service", "product", "digital", "other"}
    assert 0.6 < c["resolved"].mean() < 1.0


# --- campaigns ---------------------------------------------------------------------------------


def test_campaign_calendar(bank: dict[str, pl.DataFrame]) -> None:
    campaigns = bank["campaigns"]
    assert 10 <= campaigns.height <= 16  # a 12-month window; 24 months give about twice as many
    assert (campaigns["start_date"] <= campaigns["end_date"]).all()
    assert campaigns["start_date"].min() >= date(2025, 11, 1) and campaigns["end_date"].max() <= date(2026, 10, 31)
    assert set(campaigns["channel"]) <= {"sms", "call", "app_push", "email", "visit", "impression"}
    assert campaigns["control_share"].is_between(0.05, 0.2).all()
    assert set(campaigns["product_type"]) <= set(bank["products"]["product_type"])
    assert (campaigns["cost"] > 0).all()


def test_touches_fall_inside_campaigns_and_relationships(campaign_bank: dict[str, pl.DataFrame]) -> None:
    t = campaign_bank["touches"].join(campaign_bank["campaigns"], on="campaign_id", suffix="_campaign")
    t = t.join(campaign_bank["customers"], on="customer_id")
    day = t["touch_ts"].dt.date()
    assert ((day >= t["start_date"]) & (day <= t["end_date"])).all()
    assert (day >= t["open_date"]).all()
    assert (
        t.filter(pl.col("close_date").is_not_null() & (pl.col("touch_ts").dt.date() >= pl.col("close_date"))).height
        == 0
    )
    control = t.filter(pl.col("is_control"))
    assert (control["channel"] == control["channel_campaign"]).all()
    assert control.select("campaign_id", "customer_id").is_unique().all()
    treated = t.filter(~pl.col("is_control"))
    both = (
        treated.select("campaign_id", "customer_id")
        .unique()
        .join(control.select("campaign_id", "customer_id"), on=["campaign_id", "customer_id"])
    )
    assert both.height == 0  # a customer is either contacted or held out
    per_customer = treated.group_by("campaign_id", "customer_id").agg(pl.len(), pl.col("channel").n_unique())
    assert per_customer["len"].max() >= 3 and per_customer["channel"].max() >= 2
    assert set(treated["channel"].unique()) == {"sms", "call", "app_push", "email", "visit", "impression"}


def test_treated_customers_convert_more_than_controls(campaign_bank: dict[str, pl.DataFrame]) -> None:
    campaigns = campaign_bank["campaigns"]
    targeted = campaign_bank["touches"].select("campaign_id", "customer_id", "is_control").unique()
    converted = (
        targeted.join(campaigns, on="campaign_id")
        .join(campaign_bank["conversions"], on=["customer_id", "product_type"])
        .filter(
            (pl.col("conversion_ts").dt.date() >= pl.col("start_date"))
            & (pl.col("conversion_ts").dt.date() <= pl.col("end_date") + pl.duration(days=30))
        )
        .select("campaign_id", "customer_id")
        .unique()
        .with_columns(pl.lit(True).alias("converted"))
    )
    rates = (
        targeted.join(converted, on=["campaign_id", "customer_id"], how="left")
        .with_columns(pl.col("converted").fill_null(False))
        .group_by("is_control")
        .agg(pl.col("converted").mean().alias("rate"), pl.len())
    )
    treated = rates.filter(~pl.col("is_control")).row(0, named=True)
    control = rates.filter(pl.col("is_control")).row(0, named=True)
    assert control["len"] > 1_000
    pooled = (treated["rate"] * treated["len"] + control["rate"] * control["len"]) / (treated["len"] + control["len"])
    z = (treated["rate"] - control["rate"]) / np.sqrt(pooled * (1 - pooled) * (1 / treated["len"] + 1 / control["len"]))
    assert treated["rate"] > 1.5 * control["rate"]
    assert z > 4


def test_conversions_happen_while_open_and_inside_the_window(campaign_bank: dict[str, pl.DataFrame]) -> None:
    v = campaign_bank["conversions"].join(campaign_bank["customers"], on="customer_id")
    day = v["conversion_ts"].dt.date()
    assert (day >= v["open_date"]).all()
    assert (
        v.filter(
            pl.col("close_date").is_not_null() & (pl.col("conversion_ts").dt.date() >= pl.col("close_date"))
        ).height
        == 0
    )
    assert day.max() <= date(2026, 10, 31)
    assert (v["value"] > 0).all()
    by_product = v.group_by("product_type").agg(pl.col("value").median())
    median = dict(zip(by_product["product_type"], by_product["value"], strict=True))
    assert median["insurance"] > median["credit_card"] > median["current_account"]


# --- the write discipline -----------------------------------------------------------------------


def _failing_after_first_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    real = generator_module.build_chunk
    calls = {"n": 0}

    def flaky(*args: object, **kwargs: object) -> dict[str, pl.DataFrame]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator_module, "build_chunk", flaky)


def test_failure_leaves_no_folder_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_after_first_chunk(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        generate(tmp_path / "bank", customers=300, months=3, seed=1, chunk_customers=100)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bank"
    generate(out, customers=300, months=3, seed=1, chunk_customers=100)
    before = folder_digest(out)
    _failing_after_first_chunk(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        generate(out, customers=300, months=3, seed=2, chunk_customers=100)
    assert folder_digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["bank"]


def test_a_new_run_replaces_previous_demo_output(tmp_path: Path) -> None:
    out = tmp_path / "bank"
    generate(out, customers=300, months=3, seed=1)
    first = folder_digest(out)
    generate(out, customers=200, months=3, seed=2)
    assert folder_digest(out) != first
    assert read_table(out, "customers").height == 200
    assert [p.name for p in tmp_path.iterdir()] == ["bank"]


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "extracts"
    out.mkdir()
    (out / "customers.parquet").write_bytes(b"real data")
    with pytest.raises(FileExistsError) as excinfo:
        generate(out, customers=100, months=3)
    assert str(excinfo.value) == (
        f"{out} already holds files that the demo generator did not write; "
        "choose another output folder or empty this one"
    )
    assert (out / "customers.parquet").read_bytes() == b"real data"
    assert [p.name for p in tmp_path.iterdir()] == ["extracts"]


def test_writes_into_an_empty_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "bank"
    out.mkdir()
    generate(out, customers=100, months=3, seed=1)
    assert read_table(out, "customers").height == 100


def test_contract_tables_listed_here_cover_the_contract() -> None:
    assert set(SMALL_TABLES) | set(PART_TABLES) == {t.name for t in TABLES}
    assert table("customers").primary_key == ("customer_id",)
