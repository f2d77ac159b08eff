"""The out-of-core comparison of two build folders (`clientscope.spark.compare_at_scale`), on small hand-made files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clientscope.spark.compare_at_scale import compare_folders, main


def _write(folder: Path, name: str, frame: pl.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(folder / name)


def _folders(tmp_path: Path, right_facts: pl.DataFrame) -> tuple[Path, Path]:
    facts = pl.DataFrame({"customer_id": ["C1", "C2", "C3"], "month": [1, 2, 3], "share": [0.1, 0.2, 1 / 3]})
    for side, frame in (("left", facts), ("right", right_facts)):
        _write(tmp_path / side, "facts.parquet", frame)
        # a table in two parts: the parts may split the rows differently, the table is what is compared
        parts = [frame.head(1), frame.tail(2)] if side == "left" else [frame.head(2), frame.tail(1)]
        for i, part in enumerate(parts):
            _write(tmp_path / side, f"lifecycle.part{i:03d}.parquet", part.rename({"month": "open_date"}))
    return tmp_path / "left", tmp_path / "right"


def test_equal_folders_are_equal_whatever_the_parts_hold(tmp_path: Path, capsys) -> None:
    same = pl.DataFrame({"customer_id": ["C1", "C2", "C3"], "month": [1, 2, 3], "share": [0.1, 0.2, 1 / 3 + 1e-15]})
    left, right = _folders(tmp_path, same)
    checks = compare_folders(left, right, {"facts": "month", "lifecycle": "open_date"})
    assert [(c.name, c.rows, c.only, c.out_of_order, c.equal) for c in checks] == [
        ("facts", (3, 3), (0, 0), 0, True),
        ("lifecycle", (3, 3), (0, 0), 0, True),
    ]
    assert main([str(left), str(right)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("2 tables, 0 different")


def test_a_changed_value_and_an_unsorted_file_are_found(tmp_path: Path) -> None:
    changed = pl.DataFrame({"customer_id": ["C1", "C3", "C2"], "month": [1, 3, 2], "share": [0.1, 0.3, 0.2]})
    left, right = _folders(tmp_path, changed)
    checks = {c.name: c for c in compare_folders(left, right, {"facts": "month"})}
    assert checks["facts"].only == (1, 1)  # C3's share differs beyond 12 digits
    assert checks["facts"].out_of_order == 2  # months 1, 3, 2: two rows out of place
    assert not checks["facts"].equal
    assert main([str(left), str(right)]) == 1


def test_different_files_are_refused(tmp_path: Path) -> None:
    _write(tmp_path / "a", "x.parquet", pl.DataFrame({"v": [1]}))
    _write(tmp_path / "b", "y.parquet", pl.DataFrame({"v": [1]}))
    with pytest.raises(ValueError, match="hold different files"):
        compare_folders(tmp_path / "a", tmp_path / "b")
