"""The command line as users and scripts call it: exit codes and messages."""

from __future__ import annotations

import getpass
import json
import re
import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from clientscope.cli import main
from tests.conftest import REPO_ROOT


def copy_bank(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_validate_demo_exits_0(demo_data: Path, capsys) -> None:
    assert main(["validate", str(demo_data)]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_validate_names_file_and_column_of_a_dropped_column(demo_data: Path, tmp_path: Path, capsys) -> None:
    bank = copy_bank(demo_data, tmp_path / "bank")
    pl.read_parquet(bank / "branches.parquet").drop("city").write_parquet(bank / "branches.parquet")
    assert main(["validate", str(bank)]) == 1
    out = capsys.readouterr().out
    assert "branches.parquet" in out and "'city'" in out


def test_validate_names_a_wrong_type(demo_data: Path, tmp_path: Path, capsys) -> None:
    bank = copy_bank(demo_data, tmp_path / "bank")
    frame = pl.read_parquet(bank / "branches.parquet")
    frame.with_columns(pl.col("branch_id").str.len_chars().alias("branch_name")).write_parquet(
        bank / "branches.parquet"
    )
    assert main(["validate", str(bank)]) == 1
    out = capsys.readouterr().out
    assert "branches.parquet" in out and "column 'branch_name' has type" in out and "expected string" in out


def test_validate_names_a_truncated_file(demo_data: Path, tmp_path: Path, capsys) -> None:
    bank = copy_bank(demo_data, tmp_path / "bank")
    part = sorted((bank / "customer_months").glob("*.parquet"))[0]
    data = part.read_bytes()
    part.write_bytes(data[: len(data) // 2])
    assert main(["validate", str(bank)]) == 1
    out = capsys.readouterr().out
    assert f"customer_months/{part.name}" in out


def test_build_reports_each_step_and_reuses_them_on_the_next_run(
    demo_data: Path, tmp_path: Path, monkeypatch, capsys, caplog
) -> None:
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))  # a first build that really builds
    monkeypatch.setenv("CLIENTSCOPE_STATE", str(tmp_path / "state"))  # ... and opens the month's batch in its store
    caplog.set_level("INFO", logger="clientscope.marts")
    assert main(["build", "--data", str(demo_data), "--quiet"]) == 0
    assert main(["build", "--data", str(demo_data), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    steps = ["validate", "marts", "rollups", "campaigns", "churn", "retention"]
    first, second = lines[:6], lines[7:13]
    assert [line.split()[0] for line in first] == steps
    assert [line.split()[0] for line in second] == steps
    assert all(line.split()[3] == "built" for line in first), first
    assert all(line.split()[3] == "cached" for line in second), second
    # each step says the process's peak memory so far, which only grows
    peaks = [float(line.split("peak memory so far ")[1].removesuffix(" MiB").replace(",", "")) for line in second]
    assert peaks == sorted(peaks) and peaks[0] > 0
    # each mart says how long it took
    assert re.search(r"mart customer_month_facts built in \d+\.\d s \(\d+ MB\)", caplog.text), caplog.text
    assert lines[13].startswith(f"Built {demo_data} in ")
    # The export reads the same build: no extract is validated again.
    caplog.set_level("INFO", logger="clientscope.validation_cache")
    out = demo_data.parent / "after-build.xlsx"
    assert main(["export", "overview", "--data", str(demo_data), "--out", str(out)]) == 0
    assert "extracts unchanged since their validation" in caplog.text
    out.unlink()
    # ... and is audited under the operating-system user (the command line has the full scope).
    from clientscope.access.audit import entries
    from clientscope.store import open_store

    audited = entries(open_store(), action="export").row(0, named=True)
    assert audited["username"] == "cli:" + getpass.getuser() and audited["target"] == "overview"
    assert json.loads(audited["detail"])["file"] == "after-build.xlsx"


def test_build_of_invalid_extracts_exits_1_naming_the_file_and_builds_nothing(
    demo_data: Path, tmp_path: Path, capsys
) -> None:
    bank = copy_bank(demo_data, tmp_path / "bank")
    pl.read_parquet(bank / "branches.parquet").drop("city").write_parquet(bank / "branches.parquet")
    assert main(["build", "--data", str(bank), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [captured.out.splitlines()[0]]  # the validation step only
    assert captured.out.startswith("validate ")
    assert "branches.parquet" in captured.err and "'city'" in captured.err


def test_build_out_of_memory_names_the_mart_and_the_setting_and_keeps_no_half_build(
    demo_data: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientscope import settings

    bank = copy_bank(demo_data, tmp_path / "bank")
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))  # an empty cache: nothing built to reuse
    monkeypatch.setenv(settings.BUILD_MEMORY_ENV, "2MB")  # too little even to validate: said, and not recorded
    assert main(["build", "--data", str(bank), "--quiet"]) == 1
    assert re.fullmatch(
        r"error: validating \w+: DuckDB ran out of the build's memory \(2MB\)\. Raise CLIENTSCOPE_DUCKDB_BUILD_MEMORY "
        r"\(for example to 6GB\) on a machine with that much free memory, then run `clientscope build` again; "
        r"nothing was recorded\.",
        capsys.readouterr().err.strip().splitlines()[-1],
    )
    assert not list((settings.cache_root() / "validation").glob("*.json"))
    monkeypatch.setenv(settings.BUILD_MEMORY_ENV, "16MB")  # enough to validate, too little for the first mart
    assert main(["build", "--data", str(bank), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        "error: building the mart customer_month_facts: DuckDB ran out of the build's memory (16MB). Raise "
        "CLIENTSCOPE_DUCKDB_BUILD_MEMORY (for example to 6GB) on a machine with that much free memory, then run "
        "`clientscope build` again; nothing was written to the cache."
    )
    assert not list((settings.cache_root() / "marts").glob("*/*/*.parquet"))  # no marts folder for that version
    monkeypatch.delenv(settings.BUILD_MEMORY_ENV)
    assert main(["build", "--data", str(bank), "--quiet"]) == 0  # with the default limit the same build succeeds


def test_metrics_validate_ok(capsys) -> None:
    assert main(["metrics", "validate", str(REPO_ROOT / "metrics.yaml")]) == 0
    assert capsys.readouterr().out.strip().endswith("metrics.yaml: OK")


def test_metrics_validate_names_both_misspellings_with_their_lines(tmp_path: Path, capsys) -> None:
    text = (REPO_ROOT / "metrics.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    owner_line = next(i for i, line in enumerate(lines) if line.startswith("    owner: "))
    ref_line = next(i for i, line in enumerate(lines) if "numerator: active_customers" in line)
    lines[owner_line] = lines[owner_line].replace("owner:", "ownr:")
    lines[ref_line] = lines[ref_line].replace("active_customers", "activ_customers")
    bad = tmp_path / "metrics.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["metrics", "validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{bad}:{owner_line + 1}: metric 'customers': unknown key 'ownr' (did you mean 'owner'?)" in out
    assert (
        f"{bad}:{ref_line + 1}: metric 'active_rate': unknown metric 'activ_customers' in numerator "
        "(did you mean 'active_customers'?)" in out
    )


def test_export_overview_writes_a_workbook(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "overview.xlsx"
    assert main(["export", "overview", "--data", str(demo_data), "--out", str(out), "--lang", "en"]) == 0
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == "Cover" and workbook.sheetnames[-1] == "Definitions"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "nowhere"], "error: unknown page 'nowhere'; choose one of: "),
        (["export", "overview", "--filter", "region=火星区"], "error: invalid filter: region=火星区 (unknown value)"),
        (["export", "overview", "--filter", "colour=red"], "error: invalid filter: colour=red (unknown key)"),
        (["export", "overview", "--filter", "regionX"], "error: --filter 'regionX' is not KEY=VALUE"),
    ],
)
def test_export_errors_exit_1_without_a_file(demo_data: Path, tmp_path: Path, capsys, args, message) -> None:
    out = tmp_path / "x.xlsx"
    assert main([*args, "--data", str(demo_data), "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith(message)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["0", "-3", "lots", "2.5"])
def test_export_list_rows_must_be_a_count_or_all(demo_data: Path, tmp_path: Path, capsys, value: str) -> None:
    out = tmp_path / "x.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "churn", "--data", str(demo_data), "--out", str(out), "--list-rows", value])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"argument --list-rows: {value!r} is not a number of rows (a whole number from 1) or 'all'\n"
    )
    assert not out.exists()


def test_export_list_rows(demo_data: Path, tmp_path: Path) -> None:
    def action_rows(*extra: str) -> int:
        out = tmp_path / "churn.xlsx"
        assert main(["export", "churn", "--data", str(demo_data), "--out", str(out), "--lang", "en", *extra]) == 0
        return openpyxl.load_workbook(out, read_only=True)["Retention action list"].max_row

    every = action_rows("--list-rows", "ALL")
    assert every > 3 + 7 + 1  # the demo bank has more at-risk customers than the seven asked for below
    assert action_rows("--list-rows", "7") == 3 + 7 + 1  # title, note, header, 7 rows, the line saying how many
    assert action_rows() == min(every, 3 + 5_000 + 1)  # the default


def test_export_to_an_unwritable_folder(demo_data: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "missing-folder" / "x.xlsx"
    assert main(["export", "overview", "--data", str(demo_data), "--out", str(out)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_metrics_validate_names_bad_funnel_windows_with_their_lines(tmp_path: Path, capsys) -> None:
    text = (REPO_ROOT / "metrics.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    days = next(i for i, line in enumerate(lines) if line.strip().startswith("activation_days: 90"))
    months = next(i for i, line in enumerate(lines) if line.strip().startswith("retention_months: [3, 6]"))
    lines[days] = lines[days].replace("activation_days: 90", "activation_days: 0")
    lines[months] = lines[months].replace("[3, 6]", "[6, 3]")
    bad = tmp_path / "metrics.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["metrics", "validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        f"{bad}:{days + 1}: rules: 'lifecycle.funnel.activation_days': input should be greater than or equal to 1"
        in out
    )
    assert (
        f"{bad}:{months + 1}: rules: 'lifecycle.funnel.retention_months': must be two rising month counts of at "
        "least 1, e.g. [3, 6] (got [6, 3])" in out
    )
