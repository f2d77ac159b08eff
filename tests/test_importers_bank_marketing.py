"""The Bank Marketing importer: both releases, year inference, and the real bank-full.csv."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from clientscope.importers import ImportFailed, import_bank_marketing

REAL = Path(__file__).parents[2] / "shared" / "data" / "real"
BANK_FULL = REAL / "bank_marketing" / "bank-full.csv"
FULL_HEADER = (
    '"age";"job";"marital";"education";"default";"balance";"housing";"loan";"contact";"day";"month";"duration";'
    '"campaign";"pdays";"previous";"poutcome";"y"'
)
# May 2008's values of the indicators in the other release (constant within a month there).
INDICATORS = {"emp.var.rate": "1.1", "cons.price.idx": "93.994", "cons.conf.idx": "-36.4", "euribor3m": "4.857"}
INDICATORS["nr.employed"] = "5191"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def read(out: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(out / f"{name}.parquet")


def write_full(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([FULL_HEADER, *rows]) + "\n")
    return path


def row(month: str, day: int, *, balance: int = 100, y: str = "no", campaign: int = 1, duration: int = 60) -> str:
    return (
        f'40;"admin.";"married";"unknown";"no";{balance};"yes";"no";"cellular";{day};"{month}";{duration};'
        f'{campaign};-1;0;"unknown";"{y}"'
    )


def test_year_is_inferred_from_row_order(tmp_path: Path) -> None:
    src = write_full(
        tmp_path / "bank.csv",
        [row("may", 5), row("dec", 30, y="yes", duration=0), row("jan", 2), row("nov", 17, balance=-50)],
    )
    out = tmp_path / "out"
    summary = import_bank_marketing(src, out)
    assert summary.rows["customers"] == 4
    assert read(out, "customers").select("customer_id", "open_date", "birth_year").rows() == [
        ("BM0000001", date(2008, 5, 5), 1968),
        ("BM0000002", date(2008, 12, 30), 1968),
        ("BM0000003", date(2009, 1, 2), 1969),
        ("BM0000004", date(2009, 11, 17), 1969),
    ]
    assert read(out, "campaigns").get_column("campaign_id").to_list() == [
        "BM-2008-05",
        "BM-2008-12",
        "BM-2009-01",
        "BM-2009-11",
    ]
    # A zero-second call still converts one second after the touch.
    assert read(out, "conversions").rows() == [
        ("BMC0000002", "BM0000002", datetime(2008, 12, 30, 0, 0, 1), "time_deposit", 100.0)
    ]
    # A negative average balance is an overdraft: a loan balance, not negative deposits.
    months = read(out, "customer_months").filter(pl.col("customer_id") == "BM0000004")
    assert months.select("month", "deposits", "aum_total", "loan_balance", "products_held").rows() == [
        (date(2009, 11, 30), 0.0, 0.0, 50.0, 2)
    ]
    assert read(out, "customers").get_column("tags")[0].to_list() == ["job:admin.", "marital:married"]
    # housing = yes, loan = no: the current account and a mortgage, opened (as far as we know) on the contact date.
    assert read(out, "holdings").filter(pl.col("customer_id") == "BM0000001").rows() == [
        ("BM0000001-current_account", "BM0000001", "current_account", date(2008, 5, 5), None),
        ("BM0000001-mortgage", "BM0000001", "mortgage", date(2008, 5, 5), None),
    ]


def test_campaign_cost_counts_every_call(tmp_path: Path) -> None:
    src = write_full(tmp_path / "bank.csv", [row("may", 5, campaign=3), row("may", 7, campaign=2)])
    out = tmp_path / "out"
    import_bank_marketing(src, out)
    campaigns = read(out, "campaigns")
    assert campaigns.select("start_date", "end_date", "cost", "channel", "control_share").rows() == [
        (date(2008, 5, 5), date(2008, 5, 7), 25.0, "call", 0.0)
    ]
    assert read(out, "touches").height == 2  # one touch per contact row
    assert set(read(out, "touches").get_column("is_control").to_list()) == {False}


def test_rows_out_of_date_order_are_refused(tmp_path: Path) -> None:
    src = write_full(tmp_path / "bank.csv", [row(m, 1) for m in ("may", "jan", "may", "jan", "may", "jan")])
    with pytest.raises(ImportFailed) as err:
        import_bank_marketing(src, tmp_path / "out")
    assert err.value.message == (
        f"{tmp_path.name}/bank.csv: column 'month': the contact dates inferred from row order run from 2008-05-01 "
        "to 2011-01-01, outside May 2008 - November 2010; the rows must be in date order (as in bank-full.csv, "
        "not the shuffled bank.csv sample)"
    )
    assert not (tmp_path / "out").exists()


def test_unknown_header_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "bank.csv"
    src.write_text('"age";"job"\n30;"admin."\n')
    with pytest.raises(ImportFailed) as err:
        import_bank_marketing(src, tmp_path / "out")
    assert err.value.message == (
        f"{tmp_path.name}/bank.csv: neither column 'day' (bank-full.csv) nor 'day_of_week' "
        "(bank-additional-full.csv) found"
    )


# --- the real data set -----------------------------------------------------------------------------------------


def require_real() -> None:
    if not BANK_FULL.is_file():
        pytest.skip(f"real data not available: {BANK_FULL} is absent")


@pytest.fixture(scope="module")
def real_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_real()
    out = tmp_path_factory.mktemp("bank_marketing") / "out"
    import_bank_marketing(BANK_FULL, out)
    return out


@pytest.mark.real_data
def test_real_bank_full_counts(real_out: Path) -> None:
    assert read(real_out, "customers").height == 45_211
    assert read(real_out, "touches").height == 45_211
    assert read(real_out, "conversions").height == 5_289
    assert read(real_out, "customer_months").height == 45_211


@pytest.mark.real_data
def test_real_bank_full_runs_may_2008_to_november_2010(real_out: Path) -> None:
    dates = read(real_out, "customers").get_column("open_date")
    assert (dates.min(), dates.max()) == (date(2008, 5, 5), date(2010, 11, 17))
    assert dates.is_sorted()
    campaigns = read(real_out, "campaigns")
    assert campaigns.height == 30  # contact months: no contacts in September 2008
    expected_cost = pl.read_csv(BANK_FULL, separator=";").get_column("campaign").sum() * 5.0
    assert campaigns.get_column("cost").sum() == expected_cost


@pytest.mark.real_data
def test_real_bank_full_meets_the_contract(real_out: Path) -> None:
    from clientscope.validation import validate

    report = validate(real_out)
    assert report.ok, [str(p) for p in report.errors]


def to_additional_release(full: pl.DataFrame, year: int) -> pl.DataFrame:
    """bank-full rows in the other release's layout: day_of_week, pdays 999, poutcome nonexistent, indicators."""
    months = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), start=1)}
    weekday = [
        WEEKDAYS[date(year, months[m], d).weekday()]
        for m, d in zip(full.get_column("month"), full.get_column("day"), strict=True)
    ]
    return full.with_columns(
        day_of_week=pl.Series(weekday),
        pdays=pl.when(pl.col("pdays") == -1).then(999).otherwise(pl.col("pdays")),
        poutcome=pl.when(pl.col("poutcome") == "unknown").then(pl.lit("nonexistent")).otherwise(pl.col("poutcome")),
        **{name: pl.lit(value) for name, value in INDICATORS.items()},
    ).select(
        "age",
        "job",
        "marital",
        "education",
        "default",
        "housing",
        "loan",
        "contact",
        "month",
        "day_of_week",
        "duration",
        "campaign",
        "pdays",
        "previous",
        "poutcome",
        *INDICATORS,
        "y",
    )


def first_weekday_of_month(year: int, month: int, weekday: str) -> date:
    start = date(year, month, 1)
    return start + timedelta(days=(WEEKDAYS.index(weekday) - start.weekday()) % 7)


@pytest.mark.real_data
def test_the_other_release_from_the_first_rows_of_bank_full(tmp_path: Path) -> None:
    require_real()
    full = pl.read_csv(BANK_FULL, separator=";", n_rows=3_000)
    additional = to_additional_release(full, 2008)
    src = tmp_path / "bank-additional-full.csv"
    additional.write_csv(src, separator=";", quote_style="non_numeric")
    out = tmp_path / "out"
    summary = import_bank_marketing(src, out)
    assert summary.rows["customers"] == 3_000
    assert summary.rows["conversions"] == full.filter(pl.col("y") == "yes").height
    # The day is the first such weekday of the month: 5, 6, 7 May 2008 are the first Mon, Tue, Wed.
    expected = [first_weekday_of_month(2008, 5, w) for w in additional.get_column("day_of_week")]
    assert read(out, "customers").get_column("open_date").to_list() == expected
    assert set(read(out, "customer_months").get_column("deposits").to_list()) == {0.0}  # no balance here
    assert any(note.startswith("customer_months: one row in the contact month; this release") for note in summary.notes)

    from clientscope.validation import validate

    assert validate(out).ok
