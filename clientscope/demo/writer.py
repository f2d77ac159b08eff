"""Writing the demo folder atomically: everything goes into a hidden sibling folder that is renamed into place.

An existing output folder is replaced only after generation succeeded, and only when it is empty or
was written by this generator (it holds the marker file), so a mistyped `--out` can never wipe a
folder of real extracts.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

MARKER = "_demo.json"
ROW_GROUP_SIZE = 122_880  # DuckDB's own row-group size: enough groups per part to scan on every core


def check_replaceable(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise FileExistsError(f"{out_dir} exists and is not a folder; choose another output folder")
    if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise FileExistsError(
            f"{out_dir} already holds files that the demo generator did not write; "
            "choose another output folder or empty this one"
        )


@contextmanager
def atomic_folder(out_dir: Path) -> Iterator[Path]:
    """Yield a temporary folder next to `out_dir`; on success it becomes `out_dir`, on any error it is removed."""
    out_dir = out_dir.absolute()
    check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        yield tmp
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        tmp.rename(out_dir)
        return
    old = tmp.with_suffix(".old")
    out_dir.rename(old)
    try:
        tmp.rename(out_dir)
    except BaseException:
        old.rename(out_dir)  # put the previous data back rather than leave nothing
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_table(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path, compression="zstd", statistics=True, row_group_size=ROW_GROUP_SIZE)


def write_marker(folder: Path, content: dict[str, object]) -> None:
    text = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True)
    (folder / MARKER).write_text(text + "\n", encoding="utf-8")
