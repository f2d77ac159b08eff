"""Reading a mapped table's source file (CSV in any encoding, Parquet, Excel) with its empty values as null."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clientscope.importers.common import ImportFailed
from clientscope.importers.mapped.mapping_schema import EXCEL_SUFFIXES, PARQUET_SUFFIXES, TableMapping, did_you_mean


def read_source(src_dir: Path, name: str, mapping: TableMapping) -> pl.DataFrame:
    path = src_dir / str(mapping.source)
    if not path.is_file():
        present = [p.name for p in src_dir.iterdir() if p.is_file()] if src_dir.is_dir() else []
        raise ImportFailed(
            f"{name}.source: file '{mapping.source}' not found in {src_dir}{did_you_mean(str(mapping.source), present)}"
        )
    suffix = path.suffix.lower()
    try:
        if suffix in PARQUET_SUFFIXES:
            frame = pl.read_parquet(path)
        elif suffix in EXCEL_SUFFIXES:
            frame = _read_excel(path, mapping.sheet)
        else:
            frame = _read_csv(path, mapping)
    except (pl.exceptions.PolarsError, OSError, ValueError, KeyError) as exc:
        raise ImportFailed(f"{name}.source: cannot read {mapping.source}: {exc}") from exc
    texts = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    nulls = ["", *mapping.null_values]
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars().is_in(nulls)).then(None).otherwise(pl.col(c).str.strip_chars()).alias(c)
        for c in texts
    )


def _read_csv(path: Path, mapping: TableMapping) -> pl.DataFrame:
    """Every column as text; other encodings (e.g. GBK) are decoded first; a UTF-8 byte-order mark is dropped."""
    encoding = mapping.encoding.lower().replace("_", "-")
    if encoding in ("utf-8", "utf8"):
        source: Path | bytes = path
    else:
        try:
            source = path.read_bytes().decode(encoding).encode("utf-8")
        except (LookupError, UnicodeDecodeError) as exc:
            raise ImportFailed(f"{path.name}: cannot be decoded as {mapping.encoding}: {exc}") from exc
    frame = pl.read_csv(source, separator=mapping.separator, infer_schema=False)
    return frame.rename({c: c.lstrip("\ufeff") for c in frame.columns[:1]})


def _read_excel(path: Path, sheet: str | None) -> pl.DataFrame:
    """Cells as text (native dates become ISO text, which the date parser also accepts)."""
    if sheet is None:
        return pl.read_excel(path, engine="openpyxl", sheet_id=1, infer_schema_length=0)
    return pl.read_excel(path, engine="openpyxl", sheet_name=sheet, infer_schema_length=0)
