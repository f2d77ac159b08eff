"""The mapped importer: the worked example of docs/importing.md, other file formats, and exact error messages."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from clientscope.importers import ImportFailed, import_mapped
from clientscope.validation import validate

EXAMPLE = Path(__file__).parent / "data" / "mapped"
MAPPING = (EXAMPLE / "mapping.yaml").read_text()


def read(out: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(out / f"{name}.parquet")


def example_copy(tmp_path: Path, mapping: str = MAPPING, files: dict[str, str] | None = None) -> Path:
    """A copy of the example folder, with the mapping and any source file replaced."""
    src = tmp_path / "bank"
    shutil.copytree(EXAMPLE, src)
    (src / "mapping.yaml").write_text(mapping)
    for name, text in (files or {}).items():
        (src / name).write_text(text)
    return src


def failure(tmp_path: Path, mapping: str = MAPPING, files: dict[str, str] | None = None) -> str:
    src = example_copy(tmp_path, mapping, files)
    out = tmp_path / "out"
    with pytest.raises(ImportFailed) as err:
        import_mapped(src, src / "mapping.yaml", out)
    assert not out.exists()  # nothing half-written
    return err.value.message


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mapped") / "out"
    import_mapped(EXAMPLE, EXAMPLE / "mapping.yaml", out)
    return out


def test_the_worked_example_imports(example_out: Path) -> None:
    assert validate(example_out).ok
    customers = read(example_out, "customers")
    assert customers.rows() == [
        ("C001", date(2019, 3, 15), None, 1985, "F", "Shanghai", "SH01", "RM001", "branch", "C3",
         ["young_professional", "parent"]),
        ("C002", date(2020, 11, 2), None, 1958, "M", "Shanghai", "SH02", "RM002", "app", "C1", ["retiree"]),
        ("C003", date(2018, 6, 20), date(2024, 8, 31), 1990, "F", "Beijing", "BJ01", None, "app", "C2", None),
        ("C004", date(2024, 1, 9), None, 1979, None, "Beijing", "BJ01", "RM003", "branch", None, ["parent"]),
    ]  # fmt: skip


def test_constants_and_generated_ids(example_out: Path) -> None:
    months = read(example_out, "customer_months")
    assert months.height == 8
    assert set(months.get_column("digital_logins").to_list()) == {0}
    assert months.row(0) == ("C001", date(2024, 7, 31), 520000.0, 320000.0, 150000.0, 50000.0, 0.0, 8200.5, 34,
                             41000.0, 0, 3, 0)  # fmt: skip
    holdings = read(example_out, "holdings")
    assert holdings.get_column("holding_id").to_list() == [f"H{n:04d}" for n in range(1, 10)]
    assert holdings.row(6) == ("H0007", "C003", "mortgage", date(2018, 7, 1), date(2024, 8, 15))


def test_the_summary_lists_unmapped_columns(tmp_path: Path) -> None:
    mapping = MAPPING.replace("      acquisition_channel: Channel\n", "").replace(
        "      acquisition_channel: {Branch: branch, App: app}\n", ""
    )
    src = example_copy(tmp_path, mapping)
    summary = import_mapped(src, src / "mapping.yaml", tmp_path / "out")
    assert "customers: from customers.csv; not mapped, left empty: acquisition_channel." in summary.notes
    assert summary.currency == "CNY"
    assert read(tmp_path / "out", "customers").get_column("acquisition_channel").null_count() == 4


def test_excel_and_parquet_sources_give_the_same_tables(tmp_path: Path, example_out: Path) -> None:
    src = example_copy(tmp_path)
    # customers as a workbook whose dates are real Excel dates (the text format stays in the mapping).
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Customers"
    csv = pl.read_csv(src / "customers.csv", infer_schema=False)
    sheet.append(csv.columns)
    for record in csv.iter_rows():
        cells = list(record)
        cells[1] = datetime.strptime(cells[1], "%d/%m/%Y")
        sheet.append(cells)
    book.save(src / "customers.xlsx")
    # balances as Parquet with native types.
    balances = pl.read_csv(src / "balances.csv", try_parse_dates=True)
    balances.write_parquet(src / "balances.parquet")
    mapping = MAPPING.replace("source: customers.csv", "source: customers.xlsx\n    sheet: Customers").replace(
        "source: balances.csv", "source: balances.parquet"
    )
    (src / "mapping.yaml").write_text(mapping)
    out = tmp_path / "out"
    import_mapped(src, src / "mapping.yaml", out)
    for name in ("customers", "customer_months"):
        assert read(out, name).equals(read(example_out, name)), name


def test_source_files_are_left_unchanged(tmp_path: Path) -> None:
    src = example_copy(tmp_path)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    import_mapped(src, src / "mapping.yaml", tmp_path / "out")
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before


# --- exact error messages --------------------------------------------------------------------------------------


def test_missing_source_column_suggests_the_nearest(tmp_path: Path) -> None:
    assert failure(tmp_path, MAPPING.replace("open_date: OpenDate", "open_date: OpenDt")) == (
        "customers.open_date: source column 'OpenDt' not found in customers.csv (did you mean 'OpenDate'?)"
    )


def test_unparseable_date_names_column_row_value_and_format(tmp_path: Path) -> None:
    customers = (EXAMPLE / "customers.csv").read_text().replace("02/11/2020", "2020-11-02")
    # Every data problem now ends with its fix (issue 22, item 9).
    assert failure(tmp_path, files={"customers.csv": customers}).splitlines() == [
        "customers.open_date: source column 'OpenDate', data row 2: '2020-11-02' does not match the date format "
        "'%d/%m/%Y'",
        "customers.open_date: fix: write these values as '%d/%m/%Y' in customers.csv, or set dates.open_date to the "
        "format the file uses",
    ]


def test_unparseable_number(tmp_path: Path) -> None:
    customers = (EXAMPLE / "customers.csv").read_text().replace(",1979,", ",19x9,")
    assert failure(tmp_path, files={"customers.csv": customers}).splitlines() == [
        "customers.birth_year: source column 'YOB', data row 4: '19x9' is not an integer",
        "customers.birth_year: fix: correct these values in customers.csv, or list the text under null_values if it "
        "means empty",
    ]


def test_empty_value_in_a_required_column(tmp_path: Path) -> None:
    holdings = (EXAMPLE / "holdings.csv").read_text().replace("C002,wealth,20201115,", "C002,wealth,,")
    assert failure(tmp_path, files={"holdings.csv": holdings}).splitlines() == [
        "holdings.open_date: source column 'Opened', data row 5 is empty; the column may not be empty",
        "holdings.open_date: fix: fill in Opened on these rows of holdings.csv, or give open_date a constant",
    ]


def test_duplicate_key(tmp_path: Path) -> None:
    customers = (EXAMPLE / "customers.csv").read_text().replace("C004,09", "C003,09")
    assert failure(tmp_path, files={"customers.csv": customers}).splitlines() == [
        "customers: duplicate key (customer_id) = (C003) in data rows 3 and 4 of customers.csv",
        "customers: fix: keep one row per customer_id in customers.csv",
    ]


def test_unknown_mapping_key(tmp_path: Path) -> None:
    # Mapping problems start with the file and line, as metrics.yaml problems do.
    assert failure(tmp_path, MAPPING.replace("rename: {branch_id", "renames: {branch_id")) == (
        "mapping.yaml:8: tables.branches.renames: unknown key (did you mean 'rename'?)"
    )


def test_not_a_contract_column(tmp_path: Path) -> None:
    assert failure(tmp_path, MAPPING.replace("      gender: Sex\n", "      gender: Sex\n      colour: Sex\n")) == (
        "mapping.yaml:22: customers.colour: not a column of the contract table customers (under rename)"
    )


def test_missing_source_file(tmp_path: Path) -> None:
    """A missing file is reported with the data problems of the other files of the same run."""
    customers = (EXAMPLE / "customers.csv").read_text().replace(",1979,", ",19x9,")
    message = failure(tmp_path, MAPPING.replace("source: staff.csv", "source: staf.csv"), {"customers.csv": customers})
    assert message.splitlines() == [
        f"relationship_managers.source: file 'staf.csv' not found in {tmp_path / 'bank'} (did you mean 'staff.csv'?)",
        "customers.birth_year: source column 'YOB', data row 4: '19x9' is not an integer",
        "customers.birth_year: fix: correct these values in customers.csv, or list the text under null_values if it "
        "means empty",
    ]


def test_every_mapping_problem_is_listed(tmp_path: Path) -> None:
    mapping = MAPPING.replace("      open_date: OpenDate\n", "").replace(
        "digital_logins: 0", "digital_logins: none yet"
    )
    assert failure(tmp_path, mapping).splitlines() == [
        "mapping.yaml:14: customers.open_date: required column is not mapped (give it a source under rename, or use "
        "constants, ids or derive)",
        "mapping.yaml:52: customer_months.digital_logins: the constant 'none yet' is not a valid integer",
    ]


def test_missing_and_needed_tables_name_their_lines(tmp_path: Path) -> None:
    without_branches = MAPPING.replace(
        "  branches:\n    source: branches.csv\n"
        "    rename: {branch_id: BranchCode, branch_name: BranchName, region: Region, city: City}\n",
        "",
    )
    assert (
        failure(tmp_path, without_branches) == "mapping.yaml:5: tables.branches: required table is not in the mapping"
    )
    touches = (
        "  touches:\n    source: touches.csv\n    rename: {customer_id: CustNo, campaign_id: Code, touch_ts: At}\n"
        "    constants: {channel: sms, touch_type: sms, is_control: false}\n    ids: {touch_id: {prefix: T}}\n"
    )
    assert failure(tmp_path / "touches", MAPPING + touches) == (
        "mapping.yaml:66: tables.touches: needs the table campaigns in the mapping as well"
    )


def test_bad_currency(tmp_path: Path) -> None:
    assert failure(tmp_path, MAPPING.replace("currency: CNY", "currency: rmb")) == (
        "mapping.yaml:4: currency: must be a three-letter currency code in capitals, e.g. CNY"
    )


def test_yaml_booleans_are_only_true_and_false(tmp_path: Path) -> None:
    """Value-map keys like yes/no/Y/N stay text (YAML 1.1 would read yes/no as booleans)."""
    customers = (EXAMPLE / "customers.csv").read_text().replace("Female", "yes").replace("Male", "no")
    mapping = MAPPING.replace("gender: {Female: F, Male: M}", "gender: {yes: F, no: M}")
    src = example_copy(tmp_path, mapping, {"customers.csv": customers})
    import_mapped(src, src / "mapping.yaml", tmp_path / "out")
    assert read(tmp_path / "out", "customers").get_column("gender").to_list() == ["F", "M", "F", None]


def test_campaign_tables_gbk_text_casts_and_booleans(tmp_path: Path) -> None:
    """Optional tables, a GBK-encoded file with Chinese values, a timestamp format, a float cast and Y/N flags."""
    src = example_copy(tmp_path)
    (src / "campaigns.csv").write_text(
        "Code,Name,Start,End,Budget\nCP1,开门红,2024-07-01,2024-07-31,12000.0\n", encoding="utf-8"
    )
    (src / "touches.csv").write_bytes(
        "客户,活动,时间,对照\nC001,CP1,2024/07/02 09:30,N\nC002,CP1,2024/07/03 14:00,Y\n".encode("gbk")
    )
    mapping = MAPPING + (
        "  campaigns:\n"
        "    source: campaigns.csv\n"
        "    rename: {campaign_id: Code, campaign_name: Name, start_date: Start, end_date: End, cost: Budget}\n"
        "    constants: {campaign_type: cross_sell, channel: call, control_share: 0.1}\n"
        "  touches:\n"
        "    source: touches.csv\n"
        "    encoding: gbk\n"
        "    rename: {customer_id: 客户, campaign_id: 活动, touch_ts: 时间, is_control: 对照}\n"
        '    dates: {touch_ts: "%Y/%m/%d %H:%M"}\n'
        "    values: {is_control: {Y: true, N: false}}\n"
        "    constants: {channel: call, touch_type: call}\n"
        "    ids: {touch_id: {prefix: T}}\n"
    )
    mapping = mapping.replace(
        "      products_held: Products\n", "      products_held: Products\n    casts: {txn_count: float}\n"
    )
    (src / "mapping.yaml").write_text(mapping)
    out = tmp_path / "out"
    summary = import_mapped(src, src / "mapping.yaml", out)
    assert summary.rows["touches"] == 2
    assert read(out, "touches").rows() == [
        ("T1", "C001", "CP1", "call", datetime(2024, 7, 2, 9, 30), "call", False),
        ("T2", "C002", "CP1", "call", datetime(2024, 7, 3, 14, 0), "call", True),
    ]
    assert read(out, "campaigns").row(0) == (
        "CP1", "开门红", "cross_sell", "call", date(2024, 7, 1), date(2024, 7, 31), 12000.0, None, None, 0.1
    )  # fmt: skip
    assert read(out, "customer_months").get_column("txn_count").to_list()[:2] == [34, 31]
    assert validate(out).ok
