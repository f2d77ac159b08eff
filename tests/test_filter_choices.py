"""The filter bar's options kept per data version and scope (`clientscope.filters.kept_choices`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from clientscope import filters
from clientscope.db import FULL_SCOPE, Database, ViewerScope

TIERS = {"mass": "mass", "affluent": "affluent"}


@pytest.fixture()
def bank(demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("CLIENTSCOPE_CACHE", str(tmp_path / "cache"))
    copy = tmp_path / "bank"
    shutil.copytree(demo_data, copy)
    return Database.open(copy)


def _equal(kept: filters.FilterChoices, read: filters.FilterChoices) -> None:
    assert kept.labels == read.labels
    assert kept.months == read.months
    assert_frame_equal(kept.hierarchy, read.hierarchy)


def test_kept_choices_equal_the_data_and_are_read_once(
    bank: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    region = sorted(filters.load_choices(bank, FULL_SCOPE, TIERS).labels["region"])[0]
    regional = ViewerScope(regions=frozenset({region}))
    for scope in (FULL_SCOPE, regional):
        _equal(filters.kept_choices(bank, scope, TIERS), filters.load_choices(bank, scope, TIERS))
    assert len(list((tmp_path / "cache" / "choices").glob(f"{bank.version}-*.json"))) == 2
    expected = {scope: filters.load_choices(bank, scope, TIERS) for scope in (FULL_SCOPE, regional)}

    def refuse(*_args, **_kwargs):
        raise AssertionError("the options were read from the data again")

    monkeypatch.setattr(filters, "load_choices", refuse)
    for scope, choices in expected.items():
        _equal(filters.kept_choices(bank, scope, TIERS), choices)
    branches = filters.kept_choices(bank, regional, TIERS).labels["branch"]
    assert 0 < len(branches) < len(expected[FULL_SCOPE].labels["branch"])


def test_a_damaged_choices_file_is_read_again(bank: Database, tmp_path: Path) -> None:
    first = filters.kept_choices(bank, FULL_SCOPE, TIERS)
    for stored in (tmp_path / "cache" / "choices").glob("*.json"):
        stored.write_text('{"labels": ', encoding="utf-8")
    _equal(filters.kept_choices(bank, FULL_SCOPE, TIERS), first)
