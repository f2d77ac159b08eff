"""`clientscope validate`: every contract check on copies of the tiny valid extract folder, messages word for word."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clientscope import contract
from clientscope.cli import main as cli_main
from clientscope.db import QueryError
from clientscope.validation import (
    DATE_PAIRS,
    FUTURE_CHECKED,
    Problem,
    Severity,
    ValidationReport,
    format_report,
    row_checks,
    validate,
)
from tests.tiny_extracts import tiny_frames, write_frames, write_parts, write_table, write_tiny_extracts

Frames = dict[str, pl.DataFrame]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "extracts"
    write_tiny_extracts(path)
    return path


@pytest.fixture
def data(tiny_dir: Path, tmp_path: Path) -> Path:
    """A fresh copy of the tiny valid folder that a test may break."""
    return Path(shutil.copytree(tiny_dir, tmp_path / "extracts"))


def frames_dir(tmp_path: Path, change: Callable[[Frames], None]) -> Path:
    """Write the tiny frames after `change` has edited them."""
    frames = tiny_frames()
    change(frames)
    path = tmp_path / "edited"
    write_frames(path, frames)
    return path


def lines(report: ValidationReport) -> list[str]:
    return [str(problem) for problem in report.problems]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with a hash of its bytes ("dir" for folders)."""
    return {
        path.relative_to(folder).as_posix(): "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
    }


# --- a valid folder -------------------------------------------------------------------------------------------


def test_tiny_folder_is_valid_without_any_problem(tiny_dir: Path) -> None:
    report = validate(tiny_dir)
    assert report.ok
    assert report.problems == ()
    assert format_report(report) == f"0 errors, 0 warnings in {tiny_dir}"


def test_the_row_checks_run_within_the_builds_memory_limit(tiny_dir: Path, monkeypatch) -> None:
    """Without a limit DuckDB takes up to 80 % of the machine: 8.4 GB checking 10M customers' extracts."""
    import duckdb

    from clientscope.validation import rows

    limits: list[str] = []
    connect = duckdb.connect

    def remembered(*args, config=None, **kwargs):
        con = connect(*args, config=config, **kwargs)
        limits.append(con.execute("select current_setting('memory_limit')").fetchone()[0])
        return con

    monkeypatch.setenv("CLIENTSCOPE_DUCKDB_BUILD_MEMORY", "700MB")
    monkeypatch.setattr(rows.duckdb, "connect", remembered)
    assert validate(tiny_dir).ok
    assert limits == ["667.5 MiB"]  # DuckDB's own words for 700 MB


def test_required_tables_alone_are_valid(tmp_path: Path) -> None:
    write_tiny_extracts(tmp_path / "required", include_optional=False)
    assert sorted(p.name for p in (tmp_path / "required").iterdir()) == [
        "branches.parquet",
        "customer_months",
        "customers.parquet",
        "relationship_managers.parquet",
    ]
    assert validate(tmp_path / "required").problems == ()


def test_every_type_of_a_family_is_accepted(tmp_path: Path) -> None:
    def widen(frames: Frames) -> None:
        frames["customers"] = frames["customers"].with_columns(
            pl.col("birth_year").cast(pl.Int16),  # integer: any width
            pl.col("branch_id").cast(pl.Categorical),  # string: dictionary of strings
        )
        frames["customer_months"] = frames["customer_months"].with_columns(
            pl.col("txn_count").cast(pl.UInt32),  # integer: unsigned too
            pl.col("loan_balance").cast(pl.Int64),  # float: integers accepted
            pl.col("deposits").cast(pl.Decimal(18, 2)),  # float: decimal accepted
            pl.col("card_spend").cast(pl.Float32),
        )
        frames["touches"] = frames["touches"].with_columns(
            pl.col("touch_ts").cast(pl.Datetime("ms", "Asia/Shanghai"))  # timestamp: any unit, with a zone
        )

    report = validate(frames_dir(tmp_path, widen))
    assert report.problems == ()


# --- the folder and its tables --------------------------------------------------------------------------------


def test_missing_data_folder_is_one_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert lines(validate(missing)) == [
        f"ERROR: the data folder {missing} does not exist. "
        "Fix: check the path, or pass the folder that holds the .parquet extracts"
    ]


def test_a_file_instead_of_a_folder_is_one_error(tiny_dir: Path) -> None:
    report = validate(tiny_dir / "customers.parquet")
    assert [p.message for p in report.problems] == [
        f"the data path {tiny_dir / 'customers.parquet'} is a file, not a folder"
    ]


def test_missing_required_table(data: Path) -> None:
    (data / "customers.parquet").unlink()
    # Only the absence is reported: tables referring to customers are not checked against nothing.
    assert lines(validate(data)) == [
        "ERROR customers: required table is missing: expected customers.parquet or a folder customers/ of .parquet "
        "part files. Fix: export the customers table as customers.parquet (or as part files in customers/); "
        "see docs/data-contract.md"
    ]


def test_missing_table_suggests_the_lookalike_file(data: Path) -> None:
    (data / "customers.parquet").rename(data / "Customers.parquet")
    (data / "relationship_managers.parquet").unlink()
    (data / "relationship_manager.csv").write_text("rm_id,rm_name,branch_id\n")
    (data / "branches.parquet").rename(data / "branch.parquet")
    assert [p.fix for p in validate(data).errors] == [
        "rename branch.parquet to branches.parquet",
        "convert relationship_manager.csv to Parquet and save it as relationship_managers.parquet",
        "rename Customers.parquet to customers.parquet",
    ]


def test_missing_optional_tables_are_fine_but_an_empty_folder_is_noted(data: Path) -> None:
    for name in ("products", "holdings", "conversions", "complaints"):
        (data / f"{name}.parquet").unlink()
    (data / "holdings").mkdir()
    assert lines(validate(data)) == [
        "WARNING holdings/: the folder holds no .parquet files, so this optional table is treated as absent. "
        "Fix: put the holdings part files (*.parquet) in it, or remove the empty folder"
    ]


def test_touches_without_campaigns(data: Path) -> None:
    (data / "campaigns.parquet").unlink()
    assert lines(validate(data)) == [
        "ERROR touches.parquet: touches is present but campaigns is missing; touches refers to campaigns. "
        "Fix: add campaigns.parquet (or a folder campaigns/ of part files), or remove touches"
    ]


# --- files ----------------------------------------------------------------------------------------------------


def test_truncated_file(data: Path) -> None:
    path = data / "customers.parquet"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    assert lines(validate(data)) == [
        "ERROR customers.parquet: the file is truncated: it does not end with the Parquet footer, so it was "
        "probably cut off while being written or copied. "
        "Fix: copy or export the file again and check that its size matches the original"
    ]


def test_damaged_data_pages_are_found_even_with_a_valid_footer(data: Path) -> None:
    path = data / "holdings.parquet"
    content = bytearray(path.read_bytes())
    content[8:40] = bytes(32)  # the first page header; the footer at the end stays intact
    path.write_bytes(bytes(content))
    [problem] = validate(data).problems
    assert (problem.severity, problem.table, problem.file) == (Severity.ERROR, "holdings", "holdings.parquet")
    assert problem.message.startswith("the file is damaged: its data cannot be read (")
    assert problem.fix == "export the file again and copy it completely"


def test_garbage_file(data: Path) -> None:
    (data / "branches.parquet").write_text("branch_id,branch_name\nB01,静安\n", encoding="utf-8")
    assert lines(validate(data)) == [
        "ERROR branches.parquet: the file is not a Parquet file (it does not start with the Parquet marker 'PAR1'). "
        "Fix: export the table as Parquet; CSV, Excel and other formats are not read"
    ]


def test_zero_byte_file(data: Path) -> None:
    (data / "customer_months" / "part-00001.parquet").write_bytes(b"")
    assert lines(validate(data)) == [
        "ERROR customer_months/part-00001.parquet: the file is empty (0 bytes). "
        "Fix: export the table again; the export or the copy wrote nothing"
    ]


def test_empty_required_table(tmp_path: Path) -> None:
    def empty_branches(frames: Frames) -> None:
        frames["branches"] = frames["branches"].head(0)

    # The foreign keys into branches are not checked against an empty table (no cascade of orphans).
    assert lines(validate(frames_dir(tmp_path, empty_branches))) == [
        "ERROR branches.parquet: required table has no rows. "
        "Fix: export the table with its data; an empty extract usually means the export query selected nothing"
    ]


def test_part_with_a_different_schema_is_named_and_rows_are_not_checked(data: Path) -> None:
    months = tiny_frames()["customer_months"]
    odd = months.head(2).with_columns(pl.col("aum_total").cast(pl.String)).rename({"wealth": "wealth_amt"})
    write_parts(data, "customer_months", [months.head(4), months.tail(3), odd])
    # The odd part repeats two keys of part 0; row checks of a table whose schema failed are skipped.
    assert lines(validate(data)) == [
        "ERROR customer_months/part-00002.parquet: this part file's schema differs from "
        "customer_months/part-00000.parquet: column 'wealth' is missing; column 'aum_total' has type string here but "
        "double there; it has an extra column 'wealth_amt'. "
        "Fix: write every part of customer_months with the same columns and types"
    ]


def test_with_two_parts_the_first_sets_the_schema(data: Path) -> None:
    months = tiny_frames()["customer_months"]
    write_parts(data, "customer_months", [months.head(4), months.tail(3).with_columns(pl.col("txn_count") * 1.0)])
    [problem] = validate(data).problems
    assert problem.file == "customer_months/part-00001.parquet"
    assert problem.message.endswith("column 'txn_count' has type double here but int64 there")


def test_parts_may_differ_in_physical_variants_of_one_type(data: Path) -> None:
    months = tiny_frames()["customer_months"].tail(3).to_arrow()
    small_strings = months.cast(months.schema.set(0, pa.field("customer_id", pa.string())))
    pq.write_table(small_strings, data / "customer_months" / "part-00001.parquet")  # large_string in part 0
    assert validate(data).problems == ()


# --- columns --------------------------------------------------------------------------------------------------


def test_dropped_column(tmp_path: Path) -> None:
    folder = frames_dir(tmp_path, lambda f: f.update(customers=f["customers"].drop("branch_id")))
    assert lines(validate(folder)) == [
        "ERROR customers.parquet: required column 'branch_id' (type string) is missing. "
        "Fix: add a string column 'branch_id' (Home branch; see docs/data-contract.md)"
    ]


def test_dropped_optional_column_is_fine(tmp_path: Path) -> None:
    folder = frames_dir(tmp_path, lambda f: f.update(customers=f["customers"].drop("name", "phone", "id_number")))
    assert validate(folder).problems == ()


def test_misspelt_column_gets_a_rename_hint_and_no_extra_column_warning(tmp_path: Path) -> None:
    folder = frames_dir(tmp_path, lambda f: f.update(customers=f["customers"].rename({"open_date": "OpenDate"})))
    [problem] = validate(folder).problems
    assert (problem.column, problem.fix) == ("open_date", "rename column 'OpenDate' to 'open_date'")


def test_wrong_column_type(tmp_path: Path) -> None:
    def as_text(frames: Frames) -> None:
        frames["customers"] = frames["customers"].with_columns(pl.col("open_date").dt.to_string())

    assert lines(validate(frames_dir(tmp_path, as_text))) == [
        "ERROR customers.parquet: column 'open_date' has type string, expected date. "
        "Fix: write it as a Parquet DATE (e.g. polars `pl.col('open_date').str.to_date()`)"
    ]


def test_timestamp_where_a_date_is_expected_says_cast_to_date(tmp_path: Path) -> None:
    def as_timestamp(frames: Frames) -> None:
        frames["holdings"] = frames["holdings"].with_columns(pl.col("open_date").cast(pl.Datetime("us")))

    [problem] = validate(frames_dir(tmp_path, as_timestamp)).problems
    assert problem.message == "column 'open_date' has type timestamp, expected date"
    assert problem.fix == "cast it to a date before writing (e.g. polars `pl.col('open_date').dt.date()`)"


@pytest.mark.parametrize(
    ("table", "column", "dtype", "message", "fix"),
    [
        (
            "touches",
            "touch_ts",
            pl.Date,
            "column 'touch_ts' has type date, expected timestamp",
            "write it as a Parquet TIMESTAMP (e.g. polars `pl.col('touch_ts').cast(pl.Datetime)`)",
        ),
        (
            "customer_months",
            "txn_count",
            pl.Float64,
            "column 'txn_count' has type double, expected integer",
            "write it as a Parquet integer (e.g. polars `pl.col('txn_count').cast(pl.Int64)`)",
        ),
        (
            "complaints",
            "resolved",
            pl.String,
            "column 'resolved' has type string, expected boolean",
            "write it as a Parquet BOOLEAN (e.g. polars `pl.col('resolved').cast(pl.Boolean)`)",
        ),
        (
            "customers",
            "tags",
            pl.String,
            "column 'tags' has type string, expected list<string>",
            "write it as a list of strings (e.g. polars `pl.col('tags').str.split(',')`)",
        ),
    ],
)
def test_wrong_type_messages(
    tmp_path: Path, table: str, column: str, dtype: pl.DataType, message: str, fix: str
) -> None:
    def retype(frames: Frames) -> None:
        source = pl.col(column).list.join(",") if column == "tags" else pl.col(column)
        frames[table] = frames[table].with_columns(source.cast(dtype))

    [problem] = validate(frames_dir(tmp_path, retype)).problems
    assert (problem.table, problem.column, problem.message, problem.fix) == (table, column, message, fix)


def test_integer_ids_are_a_wrong_type(tmp_path: Path) -> None:
    def numeric_ids(frames: Frames) -> None:
        frames["branches"] = frames["branches"].with_columns(pl.Series("branch_id", [1, 2]))

    [problem] = validate(frames_dir(tmp_path, numeric_ids)).errors
    assert str(problem) == (
        "ERROR branches.parquet: column 'branch_id' has type int64, expected string. Fix: write it as a Parquet "
        "string; ids are strings even when they look like numbers (e.g. polars `pl.col('branch_id').cast(pl.String)`)"
    )


def test_unknown_column_is_a_warning(tmp_path: Path) -> None:
    folder = frames_dir(tmp_path, lambda f: f.update(branches=f["branches"].with_columns(pl.lit("x").alias("note"))))
    report = validate(folder)
    assert report.ok
    assert lines(report) == [
        "WARNING branches.parquet: column 'note' is not in the data contract and is ignored. Fix: nothing to do if "
        "it is intended; otherwise remove it (the columns of branches are listed in docs/data-contract.md)"
    ]


# --- rows -----------------------------------------------------------------------------------------------------


def test_null_in_a_non_nullable_column(tmp_path: Path) -> None:
    def blank(frames: Frames) -> None:
        customers = frames["customers"]
        frames["customers"] = customers.with_columns(
            pl.when(pl.col("customer_id") == "C002").then(None).otherwise(pl.col("open_date")).alias("open_date")
        )

    assert lines(validate(frames_dir(tmp_path, blank))) == [
        "ERROR customers.parquet: column 'open_date' is empty (NULL) on 1 row, but it must always have a value. "
        "Fix: fill in 'open_date' on every row, or leave out the rows that have none"
    ]


def test_duplicate_composite_key(tmp_path: Path) -> None:
    def repeat(frames: Frames) -> None:
        months = frames["customer_months"]
        frames["customer_months"] = pl.concat([months, months.filter(pl.col("customer_id") == "C002")])

    assert lines(validate(frames_dir(tmp_path, repeat))) == [
        "ERROR customer_months/: primary key (customer_id, month) is not unique: 2 keys occur on more than one row "
        "(e.g. customer_id='C002', month=2025-01-31 is on 2 rows). "
        "Fix: keep one row per (customer_id, month): remove the duplicate rows, or fix the export's join that "
        "repeats them"
    ]


def test_duplicate_single_key(tmp_path: Path) -> None:
    def repeat(frames: Frames) -> None:
        frames["branches"] = pl.concat([frames["branches"], frames["branches"].tail(1)])

    [problem] = validate(frames_dir(tmp_path, repeat)).problems
    assert problem.message == (
        "primary key branch_id is not unique: 1 key occurs on more than one row (e.g. branch_id='B02' is on 2 rows)"
    )


def test_orphan_foreign_key(tmp_path: Path) -> None:
    def unknown_rm(frames: Frames) -> None:
        customers = frames["customers"]
        frames["customers"] = customers.with_columns(
            pl.when(pl.col("customer_id").is_in(["C003", "C004"])).then(pl.lit("R99")).otherwise("rm_id").alias("rm_id")
        )

    assert lines(validate(frames_dir(tmp_path, unknown_rm))) == [
        "ERROR customers.parquet: column 'rm_id' has 1 value not found in relationship_managers.rm_id "
        "(2 rows, e.g. 'R99'). Fix: add the missing rows to relationship_managers, or correct these rm_id values "
        "(leave rm_id empty where there is none)"
    ]


def test_orphans_across_part_files(tmp_path: Path) -> None:
    def unknown_customer(frames: Frames) -> None:
        months = frames["customer_months"]
        frames["customer_months"] = months.with_columns(pl.col("customer_id").replace({"C004": "C404"}))

    [problem] = validate(frames_dir(tmp_path, unknown_customer)).problems
    assert (problem.file, problem.column) == ("customer_months/", "customer_id")
    assert (
        problem.message == "column 'customer_id' has 1 value not found in customers.customer_id (2 rows, e.g. 'C404')"
    )
    assert problem.fix == "add the missing rows to customers, or correct these customer_id values"


def test_month_that_is_not_a_month_end(tmp_path: Path) -> None:
    def mid_month(frames: Frames) -> None:
        months = frames["customer_months"]
        frames["customer_months"] = months.with_columns(
            pl.when(pl.col("customer_id") == "C004").then(pl.col("month").dt.offset_by("-3d")).otherwise("month")
        )

    assert lines(validate(frames_dir(tmp_path, mid_month))) == [
        "ERROR customer_months/: column 'month' is not a month-end date on 2 rows (e.g. 2025-01-28). "
        "Fix: store the last day of each month (e.g. polars `pl.col('month').dt.month_end()`)"
    ]


# --- warnings -------------------------------------------------------------------------------------------------


def test_future_dates_are_relative_to_the_latest_month_end(tmp_path: Path) -> None:
    def late(frames: Frames) -> None:
        touches = frames["touches"]
        frames["touches"] = touches.with_columns(
            pl.Series("touch_ts", [datetime(2025, 2, 28, 23, 59), datetime(2025, 3, 1, 0, 0), datetime(2025, 4, 2, 9)])
        )
        frames["campaigns"] = frames["campaigns"].with_columns(pl.lit(date(2025, 6, 30)).alias("end_date"))

    report = validate(frames_dir(tmp_path, late))
    assert report.ok
    # 2025-02-28 23:59 is still inside the last month; campaign dates may lie in the future.
    assert lines(report) == [
        "WARNING touches.parquet: column 'touch_ts' is after 2025-02-28, the latest month-end in customer_months, "
        "on 2 rows (latest: 2025-04-02 09:00:00). "
        "Fix: check the extract dates: customer_months should run up to the same month as touches"
    ]


def test_negative_balance(tmp_path: Path) -> None:
    def negative(frames: Frames) -> None:
        months = frames["customer_months"]
        frames["customer_months"] = months.with_columns(
            pl.when(pl.col("customer_id") == "C002").then(-1_500.0).otherwise("loan_balance").alias("loan_balance")
        )

    report = validate(frames_dir(tmp_path, negative))
    assert report.ok
    assert lines(report) == [
        "WARNING customer_months/: column 'loan_balance' is negative on 2 rows (e.g. -1,500.00 for customer 'C002' "
        "in 2025-01-31). Fix: loan_balance is a balance and should not be below 0; check the sign convention of "
        "the export"
    ]


def test_aum_parts_beyond_one_cny(tmp_path: Path) -> None:
    def off(frames: Frames) -> None:
        months = frames["customer_months"]
        extra = pl.when(pl.col("customer_id") == "C001").then(1.5).otherwise(0.5)  # 0.5 CNY is within tolerance
        frames["customer_months"] = months.with_columns(pl.col("aum_total") + extra)

    [problem] = validate(frames_dir(tmp_path, off)).problems
    assert problem.severity is Severity.WARNING
    assert problem.message == (
        "column 'aum_total' differs from deposits + wealth + insurance by more than 1.00 CNY on 2 rows "
        "(e.g. customer 'C001' in 2025-01-31: aum_total 650,001.50, parts 650,000.00)"
    )


def test_close_date_before_open_date(tmp_path: Path) -> None:
    def reversed_dates(frames: Frames) -> None:
        holdings = frames["holdings"]
        frames["holdings"] = holdings.with_columns(
            pl.when(pl.col("holding_id") == "H004").then(date(2010, 1, 1)).otherwise("close_date").alias("close_date")
        )

    assert lines(validate(frames_dir(tmp_path, reversed_dates))) == [
        "WARNING holdings.parquet: column 'close_date' is before 'open_date' on 1 row (e.g. holding_id='H004': "
        "open_date 2018-11-20, close_date 2010-01-01). "
        "Fix: check these dates; swap them if the export wrote open_date and close_date the wrong way round"
    ]


# --- all together ---------------------------------------------------------------------------------------------


def break_everything(data: Path) -> None:
    """Many independent problems in one folder."""
    frames = tiny_frames()
    write_table(data, "customers", frames["customers"].drop("branch_id"))
    write_table(data, "branches", pl.concat([frames["branches"], frames["branches"]]))
    months = frames["customer_months"].with_columns(pl.lit(-1.0).alias("wealth"))
    write_parts(data, "customer_months", [months.head(4), months.tail(3)])
    (data / "complaints.parquet").write_bytes(b"not parquet at all")
    (data / "campaigns.parquet").unlink()


def test_all_problems_are_collected(data: Path) -> None:
    break_everything(data)
    report = validate(data)
    assert [(p.severity.value, p.file, p.column) for p in report.problems] == [
        ("error", "touches.parquet", None),  # touches without campaigns
        ("error", "customers.parquet", "branch_id"),
        ("error", "complaints.parquet", None),
        ("error", "branches.parquet", "branch_id"),
        ("warning", "customer_months/", "wealth"),  # negative
        ("warning", "customer_months/", "aum_total"),  # parts no longer add up
    ]


def test_validation_writes_nothing_into_the_data_folder(data: Path) -> None:
    before = snapshot(data)
    assert validate(data).ok
    break_everything(data)
    broken = snapshot(data)
    assert not validate(data).ok
    assert snapshot(data) == broken
    assert before != broken


def test_format_report_lists_errors_then_warnings_then_a_summary(data: Path) -> None:
    (data / "campaigns.parquet").unlink()
    months = tiny_frames()["customer_months"].with_columns(pl.lit(-1.0).alias("insurance"))
    write_parts(data, "customer_months", [months])
    (data / "customer_months" / "part-00001.parquet").unlink()
    report = validate(data)
    text = format_report(report).splitlines()
    assert [line.split(" ", 1)[0] for line in text[:-2]] == ["ERROR", "WARNING", "WARNING"]
    assert text[-2:] == ["", f"1 error, 2 warnings in {data}"]


def test_problem_text_without_file_or_table() -> None:
    problem = Problem(Severity.WARNING, "", None, None, "something odd", "look at it")
    assert str(problem) == "WARNING: something odd. Fix: look at it"


def test_cli_exit_codes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["validate", str(data)]) == 0
    assert capsys.readouterr().out == f"0 errors, 0 warnings in {data}\n"
    (data / "branches.parquet").unlink()
    assert cli_main(["validate", str(data)]) == 1
    assert capsys.readouterr().out.endswith(f"\n\n1 error, 0 warnings in {data}\n")


def test_checked_column_lists_name_contract_columns_of_the_right_type() -> None:
    temporal = {contract.LogicalType.DATE, contract.LogicalType.TIMESTAMP}
    for table, column in FUTURE_CHECKED:
        assert contract.table(table).column(column).type in temporal
    for table, opened, closed in DATE_PAIRS:
        assert contract.table(table).column(opened).type is contract.LogicalType.DATE
        assert contract.table(table).column(closed).type is contract.LogicalType.DATE
        assert len(contract.table(table).primary_key) == 1


def test_decimal_amounts_are_read_by_the_row_checks(tmp_path: Path) -> None:
    def decimals(frames: Frames) -> None:
        months = frames["customer_months"]
        frames["customer_months"] = months.with_columns(
            pl.col("aum_total").cast(pl.Decimal(18, 2)),
            pl.when(pl.col("customer_id") == "C004")
            .then(pl.lit(Decimal("-0.01")))
            .otherwise(pl.col("wealth").cast(pl.Decimal(18, 2)))
            .alias("wealth"),
        )

    assert [p.message for p in validate(frames_dir(tmp_path, decimals)).problems] == [
        "column 'wealth' is negative on 2 rows (e.g. -0.01 for customer 'C004' in 2025-01-31)"
    ]


def test_a_failing_query_becomes_a_problem_not_an_exception(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_run_named = row_checks.run_named

    def failing(db: object, name: str, *args: object, **kwargs: object) -> object:
        if name == "validation/duplicate_keys":
            raise QueryError(f"{name} failed: boom")
        return real_run_named(db, name, *args, **kwargs)

    monkeypatch.setattr(row_checks, "run_named", failing)
    report = validate(data)
    assert len(report.errors) == len(contract.TABLES)  # one per table, every other check still ran
    assert str(report.errors[0]) == (
        "ERROR branches.parquet: DuckDB failed the primary key check on these files (validation/duplicate_keys "
        "failed: boom). Fix: export the files again; if this persists, send this message to the Clientscope "
        "maintainers"
    )
