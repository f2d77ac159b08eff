"""Files written whole or not at all: a temporary file beside the target, renamed over it when complete.

Workers racing on a first start, a crash mid-write or a full disk never leave a half file for a reader; the rename
is atomic because the temporary file is in the target's folder. (Workbooks use `clientscope.export.atomic`, which
adds the export's error messages; folders of marts use `clientscope.marts.write_folder_atomically`.)
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

log = logging.getLogger(__name__)


def write_atomic(path: Path, write: Callable[[str], Any]) -> None:
    """Let `write` fill a temporary file in `path`'s folder, then rename it to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_parquet_atomic(frame: pl.DataFrame, path: Path) -> None:
    write_atomic(path, lambda temp: frame.write_parquet(temp, compression="zstd"))


def kept_parquet(path: Path, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """The frame kept at `path`, else `compute()`'s, then kept there (a damaged file is computed again)."""
    if path.is_file():
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.ComputeError):
            log.warning("ignoring unreadable %s", path)
    frame = compute()
    write_parquet_atomic(frame, path)
    return frame
