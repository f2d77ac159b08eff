"""The build step (`startup.prepare`): validation remembered per data version, churn model built up front."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from clientscope import validation, validation_cache
from clientscope.campaigns.serving import serving_dir
from clientscope.churn import files as churn_files
from clientscope.churn.explain import rules_path
from clientscope.db import FULL_SCOPE
from clientscope.validation import Severity


@pytest.fixture()
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own: copies keep file times, so every copy has the same data version."""
    path = tmp_path / "cache"
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(path))
    return path


@pytest.fixture()
def bank_copy(demo_data: Path, tmp_path: Path, own_cache: Path) -> Path:
    copy = tmp_path / "bank"
    shutil.copytree(demo_data, copy)
    return copy


@pytest.fixture()
def counted_validate(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = validation.validate

    def counting(data_dir: Path):
        calls.append(Path(data_dir))
        return real(data_dir)

    monkeypatch.setattr(validation, "validate", counting)
    return calls


def test_unchanged_extracts_are_validated_once(bank_copy: Path, counted_validate: list[Path]) -> None:
    first = validation_cache.validate_once(bank_copy)
    second = validation_cache.validate_once(bank_copy)
    assert counted_validate == [bank_copy]
    assert second == first
    assert second.ok


def test_stored_report_keeps_every_problem_word_for_word(bank_copy: Path, counted_validate: list[Path]) -> None:
    (bank_copy / "complaints.parquet").write_bytes(b"not a parquet file")
    fresh = validation_cache.validate_once(bank_copy)
    stored = validation_cache.validate_once(bank_copy)
    assert len(counted_validate) == 1
    assert [str(p) for p in stored.problems] == [str(p) for p in fresh.problems]
    assert any(p.severity is Severity.ERROR and p.file == "complaints.parquet" for p in stored.problems)


def test_a_rewritten_extract_is_validated_again(bank_copy: Path, counted_validate: list[Path]) -> None:
    assert validation_cache.validate_once(bank_copy).ok
    target = bank_copy / "complaints.parquet"
    target.write_bytes(b"not a parquet file")
    os.utime(target, ns=(1, 1))  # a new size and modification time: a new data version
    report = validation_cache.validate_once(bank_copy)
    assert len(counted_validate) == 2
    assert not report.ok


def test_a_damaged_stored_report_is_ignored(bank_copy: Path, counted_validate: list[Path], own_cache: Path) -> None:
    validation_cache.validate_once(bank_copy)
    for stored in (own_cache / "validation").glob("*.json"):
        stored.write_text("{half a file", encoding="utf-8")
    assert validation_cache.validate_once(bank_copy).ok
    assert len(counted_validate) == 2


def test_prepare_trains_the_churn_model_and_writes_the_page_files(demo_data: Path, cache_dir: Path) -> None:
    from clientscope.startup import prepare

    context = prepare(str(demo_data))
    assert context.db is not None
    models = list((cache_dir / "churn").glob(f"model-{context.db.version}-*.joblib"))
    scores = list((cache_dir / "churn_page").glob(f"{context.db.version}-*/scores.parquet"))
    assert len(models) == 1
    assert len(scores) == 1
    # the page's decision-tree rules for the whole bank too: no first visit computes them
    # and what the churn and campaigns pages' first visits would compute: the bank-wide rules, the campaign counts
    rules = rules_path(context.db.version, cache_dir, FULL_SCOPE)
    answers = serving_dir(context.db, context.model.rules) / "answers"
    rules.unlink(missing_ok=True)  # (another test's visit may have computed them)
    shutil.rmtree(answers, ignore_errors=True)
    assert prepare(str(demo_data)).db is not None
    assert rules.is_file()
    assert [p.name.split("-")[:2] for p in answers.iterdir()] == [["campaigns", "campaign_counts"]]


def test_a_start_with_the_churn_files_built_trains_and_reads_nothing(
    demo_data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from clientscope.db import Database
    from clientscope.startup import prepare

    prepare(str(demo_data))  # the build: files written (or already there from an earlier test)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the churn model was loaded or trained again")

    monkeypatch.setattr(churn_files, "churn_status", refuse)
    churn_files.build_churn_files(Database.open(demo_data), date.today())


def test_the_build_gets_its_own_duckdb_memory_limit_and_serving_the_smaller_one(
    demo_data: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientscope import startup
    from clientscope.db import Database

    monkeypatch.setenv("CLIENTSCOPE_DUCKDB_MEMORY", "700MB")
    monkeypatch.setenv("CLIENTSCOPE_DUCKDB_BUILD_MEMORY", "900MB")
    seen: list[str] = []
    real_open = Database.open

    def recording_open(data_dir, **kwargs):
        db = real_open(data_dir, **kwargs)
        seen.append(db.con.sql("select current_setting('memory_limit')").fetchall()[0][0])
        return db

    monkeypatch.setattr(Database, "open", staticmethod(recording_open))
    context = startup.prepare(str(demo_data))
    assert seen == ["858.3 MiB"]  # 900 MB while building
    assert context.db.con.sql("select current_setting('memory_limit')").fetchall() == [("667.5 MiB",)]  # 700 MB


def test_the_build_opens_the_retention_batch_of_the_scored_month(
    bank_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The month's work queue is opened by the build (one action per high-risk customer), not by a first visit."""
    from datetime import date

    import polars as pl

    from clientscope.actions.queue import current_store
    from clientscope.actions.store import get_batch
    from clientscope.build import STEPS, run_build
    from clientscope.semantic import load_semantic_model
    from tests.conftest import REPO_ROOT

    monkeypatch.setenv("CLIENTSCOPE_STATE", str(tmp_path / "state"))
    model = load_semantic_model(REPO_ROOT / "metrics.yaml")
    first = run_build(bank_copy, model, today=date(2026, 12, 6))
    assert [s.name for s in first.steps] == list(STEPS)
    assert [(s.name, s.reused) for s in first.steps][-1] == ("retention", False)
    scores = pl.read_parquet(next((tmp_path / "cache" / "churn_page").glob("*/scores.parquet")))
    batch = get_batch(current_store(), scores["month"].max())
    assert batch is not None
    assert batch.customers == scores.filter(pl.col("risk_level") == "high").height > 0
    again = run_build(bank_copy, model, today=date(2026, 12, 6))
    assert [(s.name, s.reused) for s in again.steps][-1] == ("retention", True)
    assert get_batch(current_store(), batch.warning_month) == batch  # not opened twice


def test_the_month_counts_are_kept_per_data_version(
    bank_copy: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clientscope.churn import split
    from clientscope.db import Database, run_named

    db = Database.open(bank_copy)
    counted = split.month_counts(db)
    assert counted.equals(run_named(db, "churn/months").frame)
    assert (own_cache / "churn" / f"months-{db.version}.parquet").is_file()

    def refuse(*_args, **_kwargs):
        raise AssertionError("the extract was scanned again")

    with monkeypatch.context() as patched:
        patched.setattr(split, "run_named", refuse)
        assert split.month_counts(Database.open(bank_copy)).equals(counted)
    kept = own_cache / "churn" / f"months-{db.version}.parquet"
    kept.write_bytes(b"not parquet")  # a damaged file is counted again and replaced
    assert split.month_counts(Database.open(bank_copy)).equals(counted)
    assert pl.read_parquet(kept).equals(counted)
