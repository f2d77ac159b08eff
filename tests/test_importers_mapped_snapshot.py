"""A snapshot churn file no one here prepared, imported with the mapping exactly as docs/importing.md writes it.

The file is generated (seeded) with the header of the public "bank customer churn" file (Churn_Modelling.csv);
the numbers the app shows (churned customers, churn rate, customers by country) are compared with an independent
polars computation over the CSV.  Variants (a `;` file with decimal commas, other column names, a Yes/No flag)
check that the mapping language is not tailored to one header; bad rows check that every data error of a file is
reported in one run, word for word.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import polars as pl
import pytest

from clientscope.importers import ImportFailed, import_mapped
from clientscope.validation import validate
from tests.conftest import REPO_ROOT

HEADER = [
    "RowNumber", "CustomerId", "Surname", "CreditScore", "Geography", "Gender", "Age", "Tenure", "Balance",
    "NumOfProducts", "HasCrCard", "IsActiveMember", "EstimatedSalary", "Exited",
]  # fmt: skip
FILE = "Churn_Modelling.csv"
SNAPSHOT = date(2019, 12, 31)
SURNAMES = ("Hargrave", "Hill", "Onio", "Boni", "Mitchell", "Chu", "Bartlett", "Obinna", "He", "Scott", "Yen")


def doc_mapping() -> str:
    """The mapping of the churn worked example, read from docs/importing.md (so the page cannot drift)."""
    doc = (REPO_ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    after = doc[doc.index("`churn/mapping.yaml`:") :]
    found = re.search(r"```yaml\n(.*?)```", after, re.DOTALL)
    assert found is not None
    return found.group(1)


def churn_rows(n: int = 600, seed: int = 22) -> pl.DataFrame:
    """Realistic rows of the public file's shape: ~50% France, 25% Germany, 25% Spain, a third with a zero balance,
    churn higher in Germany and with age."""
    rng = np.random.default_rng(seed)
    geography = rng.choice(["France", "Germany", "Spain"], size=n, p=[0.5, 0.25, 0.25])
    age = np.clip(rng.normal(39, 10, n).round(), 18, 92).astype(int)
    balance = np.where(rng.random(n) < 0.36, 0.0, rng.normal(119_000, 30_000, n).round(2).clip(3_000, 250_000))
    churn_odds = 0.12 + 0.15 * (geography == "Germany") + 0.01 * np.clip(age - 40, 0, 30)
    return pl.DataFrame(
        {
            "RowNumber": np.arange(1, n + 1),
            "CustomerId": 15_565_701 + rng.choice(200_000, size=n, replace=False),
            "Surname": rng.choice(SURNAMES, size=n),
            "CreditScore": rng.integers(350, 851, n),
            "Geography": geography,
            "Gender": rng.choice(["Female", "Male"], size=n, p=[0.45, 0.55]),
            "Age": age,
            "Tenure": rng.integers(0, 11, n),
            "Balance": balance,
            "NumOfProducts": rng.choice([1, 2, 3, 4], size=n, p=[0.5, 0.46, 0.03, 0.01]),
            "HasCrCard": (rng.random(n) < 0.7).astype(int),
            "IsActiveMember": (rng.random(n) < 0.52).astype(int),
            "EstimatedSalary": rng.uniform(11.58, 199_992.48, n).round(2),
            "Exited": (rng.random(n) < churn_odds).astype(int),
        }
    ).select(HEADER)


def write_csv(folder: Path, rows: pl.DataFrame, name: str = FILE, separator: str = ",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows.write_csv(folder / name, separator=separator)
    return folder


def import_with(tmp_path: Path, mapping: str, rows: pl.DataFrame | None = None, text: str | None = None) -> Path:
    src = tmp_path / "churn"
    src.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (src / FILE).write_text(text)
    else:
        write_csv(src, churn_rows() if rows is None else rows)
    (src / "mapping.yaml").write_text(mapping)
    out = tmp_path / "imported"
    import_mapped(src, src / "mapping.yaml", out)
    return out


def failure(tmp_path: Path, mapping: str, text: str | None = None) -> list[str]:
    with pytest.raises(ImportFailed) as err:
        import_with(tmp_path, mapping, text=text)
    assert not (tmp_path / "imported").exists()  # nothing half-written
    return err.value.message.splitlines()


def expected(rows: pl.DataFrame, country: str = "Geography", flag: pl.Expr | None = None) -> pl.DataFrame:
    """The independent computation: per country, rows, exited rows and their share."""
    exited = pl.col("Exited") == 1 if flag is None else flag
    return (
        rows.group_by(pl.col(country).alias("region"))
        .agg(customers=pl.len(), churned=exited.sum(), churn_rate=exited.mean())
        .sort("region")
    )


# --- the worked example, end to end ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_with(tmp_path_factory.mktemp("snapshot"), doc_mapping())


@pytest.fixture(scope="module")
def app_numbers(imported: Path, cache_dir: Path) -> pl.DataFrame:
    """Churned, opening and all customers and the churn rate of the snapshot month, by region and in total."""
    from clientscope.db import Database
    from clientscope.marts import build_marts
    from clientscope.semantic import MetricRequest, load_semantic_model, run_metric_query
    from clientscope.semantic.rollups import build_rollups

    model = load_semantic_model(REPO_ROOT / "metrics.yaml")
    db = Database.open(imported)
    build_marts(db, model.rules)
    build_rollups(db, model)
    metrics = ("customers", "opening_customers", "churned_customers", "churn_rate")
    request = MetricRequest(metrics=metrics, dimensions=("region",), start="2019-12", end="2019-12", totals="grand")
    return run_metric_query(db, model, request, cache=None).frame


def test_the_snapshot_imports_and_validates_cleanly(imported: Path) -> None:
    report = validate(imported)
    assert report.problems == ()  # no errors and no warnings: an empty RM table is allowed
    rows = churn_rows()
    customers = pl.read_parquet(imported / "customers.parquet")
    assert customers.height == rows.height
    assert pl.read_parquet(imported / "relationship_managers.parquet").height == 0
    assert customers.get_column("rm_id").null_count() == rows.height
    branches = pl.read_parquet(imported / "branches.parquet")
    assert branches.rows() == [(c, c, c, c) for c in ("France", "Germany", "Spain")]
    months = pl.read_parquet(imported / "customer_months.parquet")
    assert months.group_by("month").len().sort("month").rows() == [
        (date(2019, 11, 30), rows.height),
        (date(2019, 12, 31), rows.height),
    ]


def test_derived_columns_follow_the_documented_rules(imported: Path) -> None:
    """birth year = 2019 - Age; open date = 2019-12-31 - Tenure years; close date = 2019-12-31 where Exited = 1."""
    rows = churn_rows().with_columns(pl.col("CustomerId").cast(pl.String))
    independent = rows.select(
        customer_id="CustomerId",
        birth_year=2019 - pl.col("Age"),
        open_date=pl.date(2019 - pl.col("Tenure"), 12, 31),
        close_date=pl.when(pl.col("Exited") == 1).then(pl.lit(SNAPSHOT)),
        gender=pl.col("Gender").str.slice(0, 1),
        name="Surname",
        branch_id="Geography",
    ).sort("customer_id")
    customers = pl.read_parquet(imported / "customers.parquet").select(independent.columns)
    assert customers.equals(independent)
    balances = pl.read_parquet(imported / "customer_months.parquet").filter(pl.col("month") == SNAPSHOT)
    assert balances.get_column("aum_total").sum() == pytest.approx(rows.get_column("Balance").sum())


def test_churn_and_customers_by_country_match_an_independent_computation(app_numbers: pl.DataFrame) -> None:
    rows = churn_rows()
    by_region = app_numbers.filter(pl.col("region").is_not_null()).sort("region")
    truth = expected(rows)
    assert by_region.get_column("region").to_list() == truth.get_column("region").to_list()
    assert by_region.get_column("customers").to_list() == truth.get_column("customers").to_list()
    # every row of the file is in the opening book of the snapshot month
    assert by_region.get_column("opening_customers").to_list() == truth.get_column("customers").to_list()
    assert by_region.get_column("churned_customers").to_list() == truth.get_column("churned").to_list()
    assert by_region.get_column("churn_rate").to_list() == pytest.approx(truth.get_column("churn_rate").to_list())
    total = app_numbers.filter(pl.col("region").is_null()).row(0, named=True)
    assert total["customers"] == rows.height
    assert total["churned_customers"] == rows.get_column("Exited").sum()
    assert total["churn_rate"] == pytest.approx(rows.get_column("Exited").mean())


@pytest.mark.parametrize("page", ["overview", "segments", "lifecycle", "churn", "campaigns"])
def test_every_page_renders_its_data_on_the_snapshot(imported: Path, tmp_path: Path, page: str) -> None:
    """The pages' data functions (through their workbooks) cope with two months, no RMs and no campaigns."""
    from clientscope.exporting import export_page

    out = export_page(
        page=page,
        data_dir=imported,
        out=tmp_path / f"{page}.xlsx",
        filters=[],
        lang="en",
        metrics_path=REPO_ROOT / "metrics.yaml",
        generated_at=datetime(2026, 12, 6, 7, 0),
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Cover" and book.sheetnames[-1] == "Definitions"


# --- other files of the same shape ---------------------------------------------------------------------------------


def test_a_semicolon_file_with_other_names_decimal_commas_and_yes_no_flags(tmp_path: Path) -> None:
    """The variants docs/importing.md lists: only words of the mapping change, and the numbers still agree."""
    rows = churn_rows(300, seed=5).rename({"Geography": "Country", "Exited": "Churned", "Age": "AgeYears"})
    rows = rows.with_columns(
        pl.when(pl.col("Churned") == 1).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias("Churned"),
        pl.col("Balance").cast(pl.String).str.replace(".", ",", literal=True),
    )
    mapping = (
        doc_mapping()
        .replace("Geography", "Country")
        .replace("minus: Age}", "minus: AgeYears}")
        .replace('flag: Exited, yes: [1], no: [0]', 'flag: Churned, yes: ["yes"], no: ["no"]')
        .replace("snapshot: 2019-12-31", "snapshot: 2021-06-30")
        .replace("    source: Churn_Modelling.csv\n", '    source: Churn_Modelling.csv\n    separator: ";"\n'
                 "    decimal_comma: true\n")
    )  # fmt: skip
    src = write_csv(tmp_path / "churn", rows, separator=";")
    (src / "mapping.yaml").write_text(mapping)
    out = tmp_path / "imported"
    import_mapped(src, src / "mapping.yaml", out)
    assert validate(out).ok
    customers = pl.read_parquet(out / "customers.parquet")
    closed = customers.group_by("branch_id").agg(pl.col("close_date").is_not_null().sum()).sort("branch_id")
    truth = expected(rows, "Country", pl.col("Churned") == "Yes")
    assert closed.rows() == truth.select("region", "churned").rows()
    assert set(customers.get_column("close_date").drop_nulls().to_list()) == {date(2021, 6, 30)}
    months = pl.read_parquet(out / "customer_months.parquet")
    assert sorted(set(months.get_column("month").to_list())) == [date(2021, 5, 31), date(2021, 6, 30)]
    balances = rows.get_column("Balance").str.replace(",", ".", literal=True).cast(pl.Float64)
    assert months.filter(pl.col("month") == date(2021, 6, 30)).get_column("deposits").sum() == pytest.approx(
        balances.sum()
    )


def test_a_parquet_snapshot_with_native_types_and_a_float_flag(tmp_path: Path) -> None:
    """Native Parquet columns: integer ids and ages, float balances and an Exited flag stored as 1.0 / 0.0."""
    rows = churn_rows(200, seed=9).with_columns(pl.col("Exited").cast(pl.Float64))
    src = tmp_path / "churn"
    src.mkdir()
    rows.write_parquet(src / "churn.parquet")
    (src / "mapping.yaml").write_text(doc_mapping().replace("Churn_Modelling.csv", "churn.parquet"))
    out = tmp_path / "imported"
    import_mapped(src, src / "mapping.yaml", out)
    customers = pl.read_parquet(out / "customers.parquet")
    assert customers.get_column("close_date").is_not_null().sum() == rows.get_column("Exited").sum()
    assert customers.get_column("customer_id").sort().to_list() == sorted(str(i) for i in rows["CustomerId"])


def test_a_fixed_date_instead_of_the_snapshot(tmp_path: Path) -> None:
    """date / year_of also take a fixed date, written plain or quoted."""
    mapping = (
        doc_mapping()
        .replace("{year_of: snapshot, minus: Age}", "{year_of: 2020-06-30, minus: Age}")
        .replace("{date: snapshot, minus_years: Tenure}", '{date: "2018-03-31", minus_months: Tenure}')
    )
    rows = churn_rows(50)
    out = import_with(tmp_path, mapping, rows)
    customers = pl.read_parquet(out / "customers.parquet").sort("customer_id")
    independent = rows.with_columns(pl.col("CustomerId").cast(pl.String)).sort("CustomerId")
    assert customers.get_column("birth_year").to_list() == (2020 - independent["Age"]).to_list()
    # 31 March minus m months is the last day of that month (the 31st, or the month's end when shorter)
    expected_open = []
    for m in independent["Tenure"].to_list():
        year, month = divmod(2018 * 12 + 2 - m, 12)
        expected_open.append(date(year, month + 1, calendar.monthrange(year, month + 1)[1]))
    assert customers.get_column("open_date").to_list() == expected_open


def test_defaults_fill_empty_values_only(tmp_path: Path) -> None:
    rows = churn_rows(30).with_columns(
        pl.when(pl.col("RowNumber") <= 3).then(None).otherwise(pl.col("Balance")).alias("Balance"),
        pl.when(pl.col("RowNumber") == 4).then(None).otherwise(pl.col("Gender")).alias("Gender"),
    )
    mapping = (
        doc_mapping()
        .replace(
            "      products_held: NumOfProducts\n",
            "      products_held: NumOfProducts\n    defaults: {aum_total: 0, deposits: 0}\n",
        )
        .replace(
            "      gender: {Female: F, Male: M}\n", "      gender: {Female: F, Male: M}\n    defaults: {gender: U}\n"
        )
    )
    out = import_with(tmp_path, mapping, rows)
    months = pl.read_parquet(out / "customer_months.parquet").filter(pl.col("month") == SNAPSHOT)
    assert months.get_column("aum_total").sum() == pytest.approx(rows.get_column("Balance").fill_null(0).sum())
    customers = pl.read_parquet(out / "customers.parquet")
    assert customers.get_column("gender").value_counts().sort("gender").rows() == (
        rows.select(pl.col("Gender").str.slice(0, 1).fill_null("U").alias("gender")).to_series().value_counts()
        .sort("gender").rows()
    )  # fmt: skip
    bad = doc_mapping().replace("      gender: {Female: F, Male: M}\n", "      gender: {Female: F, Male: M}\n"
                                "    defaults: {open_date: someday, tags: x}\n")  # fmt: skip
    assert mapping_failure(tmp_path / "bad", bad) == [
        "mapping.yaml:24: customers.open_date: the default 'someday' is not a valid date",
        "mapping.yaml:24: customers.tags: defaults needs a source column under rename or derive",
        "mapping.yaml:24: customers.tags: the default must be a list of tags, e.g. [retiree]",
    ]


# --- every data error in one run ---------------------------------------------------------------------------------


def test_every_data_error_of_the_file_is_reported_in_one_run(tmp_path: Path) -> None:
    lines = [",".join(HEADER)]
    lines += [
        "1,15634602,Hargrave,619,France,Female,42,2,0,1,1,1,101348.88,1",
        "2,15647311,Hill,608,Spain,Female,forty,1,83807.86,1,0,1,112542.58,0",  # age not a number
        "3,15619304,Onio,502,France,Female,42,-8,159660.8,3,1,0,113931.57,2",  # negative tenure, flag 2
        '4,15701354,Boni,699,France,Female,39,1,"1.234,5",2,0,0,93826.63,0',  # a decimal comma
        "5,15634602,Mitchell,850,Spain,Female,43,2,125510.82,1,1,1,79084.1,",  # same id as row 1, empty flag
        "6,,Chu,645,Spain,Male,44,,113755.78,2,1,0,149756.71,1",  # no id, no tenure
    ]
    assert failure(tmp_path, doc_mapping(), "\n".join(lines) + "\n") == [
        "customers.customer_id: source column 'CustomerId', data row 6 is empty; the column may not be empty",
        "customers.customer_id: fix: fill in CustomerId on these rows of Churn_Modelling.csv, or give customer_id a "
        "constant",
        "customers.open_date: source column 'Tenure', data row 3: '-8' is negative",
        "customers.open_date: fix: correct these values in Churn_Modelling.csv",
        "customers.open_date: source column 'Tenure', data row 6 is empty; the column may not be empty",
        "customers.open_date: fix: fill in Tenure on these rows of Churn_Modelling.csv, or give open_date a constant",
        "customers.close_date: source column 'Exited', data row 3: '2' is neither a yes value (1) nor a no value (0)",
        "customers.close_date: source column 'Exited', data row 5 is empty, neither a yes value (1) nor a no value (0)",
        "customers.close_date: fix: correct these values in Churn_Modelling.csv, or add them to "
        "derive.close_date.yes or derive.close_date.no",
        "customers.birth_year: source column 'Age', data row 2: 'forty' is not a whole number",
        "customers.birth_year: fix: correct these values in Churn_Modelling.csv, or list the text under null_values "
        "if it means empty",
        "customers: duplicate key (customer_id) = (15634602) in data rows 1 and 5 of Churn_Modelling.csv",
        "customers: fix: keep one row per customer_id in Churn_Modelling.csv",
        "customer_months.customer_id: source column 'CustomerId', data row 6 is empty; the column may not be empty",
        "customer_months.customer_id: fix: fill in CustomerId on these rows of Churn_Modelling.csv, or give "
        "customer_id a constant",
        "customer_months.aum_total: source column 'Balance', data row 4: '1.234,5' is not a number",
        "customer_months.aum_total: fix: correct these values in Churn_Modelling.csv (add decimal_comma: true if it "
        "writes decimals as 1234,56), or list the text under null_values if it means empty",
        "customer_months.deposits: source column 'Balance', data row 4: '1.234,5' is not a number",
        "customer_months.deposits: fix: correct these values in Churn_Modelling.csv (add decimal_comma: true if it "
        "writes decimals as 1234,56), or list the text under null_values if it means empty",
        "customer_months: duplicate key (customer_id, month) = (15634602, 2019-12-31) in data rows 1 and 5 of "
        "Churn_Modelling.csv",
        "customer_months: fix: keep one row per customer_id, month in Churn_Modelling.csv, or add distinct: true if "
        "the file repeats each one on many rows",
    ]


def test_the_command_line_prints_every_problem_as_an_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from clientscope.cli import main

    src = tmp_path / "churn"
    src.mkdir()
    rows = churn_rows(10).with_columns(
        pl.when(pl.col("RowNumber").is_in([2, 9]))
        .then(pl.lit("x"))
        .otherwise(pl.col("Tenure").cast(pl.String))
        .alias("Tenure")
    )
    rows.write_csv(src / FILE)
    (src / "mapping.yaml").write_text(doc_mapping())
    code = main(["import", "mapped", str(src), "--mapping", str(src / "mapping.yaml"), "--out", str(tmp_path / "o")])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: customers.open_date: source column 'Tenure', data row 2: 'x' is not a whole number",
        "error: customers.open_date: source column 'Tenure', data row 9: 'x' is not a whole number",
        "error: customers.open_date: fix: correct these values in Churn_Modelling.csv, or list the text under "
        "null_values if it means empty",
        "nothing was written",
    ]
    assert not (tmp_path / "o").exists()


def test_many_bad_rows_are_listed_up_to_twenty_then_counted(tmp_path: Path) -> None:
    rows = churn_rows(30).with_columns(pl.col("Age").cast(pl.String) + "y")
    message = failure(tmp_path, doc_mapping(), rows.write_csv())
    ages = [line for line in message if line.startswith("customers.birth_year")]
    assert ages[0] == f"customers.birth_year: source column 'Age', data row 1: '{rows['Age'][0]}' is not a whole number"
    assert len(ages) == 22  # 20 rows, the count of the rest, the fix
    assert ages[20] == "customers.birth_year: source column 'Age': 10 more data rows with the same problem"


def test_a_reference_table_whose_rows_disagree_is_reported(tmp_path: Path) -> None:
    """distinct keeps identical rows once; the same branch with two names is an error naming both rows."""
    rows = churn_rows(40).with_columns(
        pl.when(pl.col("RowNumber") == 7).then(pl.lit("SH")).otherwise(pl.lit("Shanghai")).alias("City")
    )
    mapping = doc_mapping().replace("city: Geography}", "city: City}")
    first_spain = rows.with_row_index("row", 1).filter(pl.col("Geography") == rows["Geography"][6])["row"][0]
    assert failure(tmp_path, mapping, rows.write_csv()) == [
        f"branches: key (branch_id) = ({rows['Geography'][6]}) has different values in data rows {first_spain:,} and "
        f"7 of Churn_Modelling.csv (city: 'Shanghai', 'SH')",
        "branches: fix: map the other columns of branches from source columns with one value per branch_id, or "
        "correct these rows of Churn_Modelling.csv",
    ]


# --- the mapping language's own checks (line-numbered) -------------------------------------------------------------


def mapping_failure(tmp_path: Path, mapping: str) -> list[str]:
    return failure(tmp_path, mapping, churn_rows(5).write_csv())


def test_derive_without_a_snapshot_date(tmp_path: Path) -> None:
    mapping = doc_mapping().replace("snapshot: 2019-12-31 ", "")
    assert mapping_failure(tmp_path, mapping) == [
        "mapping.yaml:25: customers.birth_year: derive uses the snapshot date, but the mapping has none (add "
        "snapshot: YYYY-MM-DD at the top)",
        "mapping.yaml:26: customers.open_date: derive uses the snapshot date, but the mapping has none (add "
        "snapshot: YYYY-MM-DD at the top)",
        "mapping.yaml:27: customers.close_date: derive uses the snapshot date, but the mapping has none (add "
        "snapshot: YYYY-MM-DD at the top)",
        "mapping.yaml:31: tables.customer_months.snapshot_months: needs the snapshot date (snapshot: YYYY-MM-DD at "
        "the top of the mapping)",
    ]


def test_derivation_mistakes_are_named_with_their_lines(tmp_path: Path) -> None:
    mapping = (
        doc_mapping()
        .replace("{year_of: snapshot, minus: Age}", "{year_of: snapshot, minus_years: Age}")
        .replace("flag: Exited, yes: [1], no: [0]", "flag: Exited, no: [0]")
        .replace("{date: snapshot, minus_years: Tenure}", "{date: snapshto, minus_yeras: Tenure}")
    )
    assert mapping_failure(tmp_path, mapping) == [
        "mapping.yaml:26: tables.customers.derive.open_date.minus_yeras: unknown key (did you mean 'minus_years'?)",
    ]
    mapping = mapping.replace("minus_yeras", "minus_years")
    assert mapping_failure(tmp_path, mapping) == [
        "mapping.yaml:25: customers.birth_year: year_of needs minus: the source column of whole years to subtract",
        "mapping.yaml:25: customers.birth_year: minus_years goes with date; with year_of use minus",
        "mapping.yaml:26: customers.open_date: 'snapshto' is neither snapshot nor a date written YYYY-MM-DD",
        "mapping.yaml:27: customers.close_date: flag needs yes: the flag values that mean yes, e.g. yes: [1]",
    ]


def test_only_the_rm_table_may_be_empty(tmp_path: Path) -> None:
    mapping = doc_mapping().replace(
        "  branches:                         # one branch per country, built from the customer file\n",
        "  branches:\n    empty: true\n  unused:\n",
    )
    assert mapping_failure(tmp_path, mapping)[0] == (
        "mapping.yaml:8: tables.branches.empty: the contract table branches may not be empty; map it from a file"
    )
    mapping = doc_mapping().replace("    empty: true ", "    empty: true\n    source: staff.csv ")
    assert mapping_failure(tmp_path, mapping) == [
        "mapping.yaml:14: tables.relationship_managers: a table with empty: true is written without rows, so it "
        "takes no source",
    ]


def test_an_empty_rm_table_with_customers_naming_rms_fails_validation(tmp_path: Path) -> None:
    """empty: true is for banks without RMs: a customer naming one is an orphan `clientscope validate` reports."""
    rows = churn_rows(20).with_columns(pl.lit("RM7").alias("RM"))
    mapping = doc_mapping().replace("      branch_id: Geography\n", "      branch_id: Geography\n      rm_id: RM\n")
    out = import_with(tmp_path, mapping, rows)
    report = validate(out)
    assert [str(p) for p in report.errors] == [
        "ERROR customers.parquet: column 'rm_id' has 1 value not found in relationship_managers.rm_id (20 rows, e.g. "
        "'RM7'). Fix: add the missing rows to relationship_managers, or correct these rm_id values (leave rm_id "
        "empty where there is none)"
    ]


def test_a_repeated_key_and_a_yaml_syntax_error_name_their_lines(tmp_path: Path) -> None:
    repeated = doc_mapping().replace("      name: Surname\n", "      name: Surname\n      name: Surname\n")
    assert mapping_failure(tmp_path, repeated) == [
        "mapping.yaml:20: 'name' is given twice (first on line 19); remove one"
    ]
    broken = doc_mapping().replace("    distinct: true\n", "    distinct: true\n   rename: [\n")
    message = mapping_failure(tmp_path / "broken", broken)
    assert len(message) == 1 and message[0].startswith("mapping.yaml:10: not valid YAML: ")
