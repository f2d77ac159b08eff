"""Shared importer machinery: conforming to the contract and all-or-nothing writes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from clientscope.contract import table
from clientscope.importers import IMPORTERS, ImportFailed, ImportSummary
from clientscope.importers.common import IMPORT_MANIFEST, conform, write_extract

AMOUNTS = ("aum_total", "deposits", "wealth", "insurance", "loan_balance", "card_spend", "txn_amount")


def _minimal_tables(customer_ids: list[str]) -> dict[str, pl.DataFrame]:
    """The four required tables, smallest valid form."""
    n = len(customer_ids)
    return {
        "branches": pl.DataFrame({"branch_id": ["B1"], "branch_name": ["One"], "region": ["R"], "city": ["C"]}),
        "relationship_managers": pl.DataFrame({"rm_id": ["RM1"], "rm_name": ["Ann"], "branch_id": ["B1"]}),
        "customers": pl.DataFrame(
            {
                "customer_id": customer_ids,
                "open_date": [date(2024, 1, 1)] * n,
                "close_date": [None] * n,
                "birth_year": [1980] * n,
                "gender": ["F"] * n,
                "city": ["C"] * n,
                "branch_id": ["B1"] * n,
                "rm_id": ["RM1"] * n,
                "acquisition_channel": [None] * n,
                "risk_profile": [None] * n,
                "tags": [None] * n,
            }
        ),
        "customer_months": pl.DataFrame(
            {
                "customer_id": customer_ids,
                "month": [date(2024, 1, 31)] * n,
                **{
                    c: [0.0] * n
                    for c in (
                        "aum_total",
                        "deposits",
                        "wealth",
                        "insurance",
                        "loan_balance",
                        "card_spend",
                        "txn_amount",
                    )
                },
                **{c: [0] * n for c in ("txn_count", "digital_logins", "products_held", "complaints")},
            }
        ),
    }


def test_registry_names_match_the_cli_sources() -> None:
    assert sorted(IMPORTERS) == ["bank-churners", "bank-marketing", "berka", "mapped"]


def test_conform_orders_and_types_columns_exactly() -> None:
    frame = _minimal_tables(["1"])["customers"]
    out = conform(table("customers"), frame.select(list(reversed(frame.columns))))
    assert out.columns == [c.name for c in table("customers").columns if c.required]
    assert out.schema["tags"] == pl.List(pl.String)
    assert out.schema["birth_year"] == pl.Int64
    assert out.schema["close_date"] == pl.Date


def test_conform_rejects_nulls_in_non_nullable_columns() -> None:
    frame = _minimal_tables(["1", "2"])["customers"].with_columns(open_date=pl.lit(None, pl.Date))
    with pytest.raises(ImportFailed) as err:
        conform(table("customers"), frame)
    assert err.value.message == "customers.open_date: 2 empty values in a column that may not be empty"


def test_conform_rejects_duplicate_keys() -> None:
    frame = _minimal_tables(["7", "7"])["customers"]
    with pytest.raises(ImportFailed) as err:
        conform(table("customers"), frame)
    assert err.value.message == "customers: duplicate primary key (customer_id) = (7)"


def test_write_extract_writes_tables_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = write_extract(out, _minimal_tables(["1", "2"]), source="test", notes=["a note"], currency="EUR")
    assert summary == ImportSummary(
        source="test",
        out_dir=out,
        rows={"branches": 1, "relationship_managers": 1, "customers": 2, "customer_months": 2},
        notes=("a note",),
        currency="EUR",
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "branches.parquet",
        "customer_months.parquet",
        "customers.parquet",
        IMPORT_MANIFEST,
        "relationship_managers.parquet",
    ]
    manifest = json.loads((out / IMPORT_MANIFEST).read_text())
    assert manifest["currency"] == "EUR"
    assert manifest["notes"] == ["a note"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left behind


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    tables = _minimal_tables(["1", "1"])  # duplicate key: fails on the third table
    with pytest.raises(ImportFailed):
        write_extract(tmp_path / "out", tables, source="test", notes=[], currency="CNY")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_reimport_keeps_the_earlier_import(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_extract(out, _minimal_tables(["1"]), source="test", notes=[], currency="CNY")
    before = pl.read_parquet(out / "customers.parquet")
    with pytest.raises(ImportFailed):
        write_extract(out, _minimal_tables(["2", "2"]), source="test", notes=[], currency="CNY")
    assert pl.read_parquet(out / "customers.parquet").equals(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_reimport_replaces_the_earlier_import(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_extract(out, _minimal_tables(["1"]), source="test", notes=[], currency="CNY")
    write_extract(out, _minimal_tables(["2", "3"]), source="test", notes=[], currency="CNY")
    assert pl.read_parquet(out / "customers.parquet").get_column("customer_id").to_list() == ["2", "3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(ImportFailed) as err:
        write_extract(out, _minimal_tables(["1"]), source="test", notes=[], currency="CNY")
    assert err.value.message == (
        f"{out}: the folder is not empty and was not written by an import; choose a new or empty folder"
    )
    assert (out / "notes.txt").read_text() == "keep me"


def test_refuses_an_output_folder_around_the_source(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    with pytest.raises(ImportFailed) as err:
        write_extract(tmp_path, _minimal_tables(["1"]), source="test", notes=[], currency="CNY", protect=[src])
    assert err.value.message == f"{tmp_path}: the output folder may not contain or be inside the source {src}"
