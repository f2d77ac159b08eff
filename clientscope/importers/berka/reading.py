"""Reading the Berka .asc files: `;`-separated text, strict number parsing, YYMMDD dates, birth numbers and codes
checked."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clientscope.importers.common import ImportFailed, blank_to_null, parse_strict, require_columns, source_label


def _read_raw(path: Path) -> pl.DataFrame:
    """Every column as text, missing values ("", " ", empty) as null."""
    try:
        frame = pl.read_csv(path, separator=";", infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ImportFailed(f"{source_label(path)}: cannot be read as ';'-separated text ({exc})") from exc
    return frame.with_columns(blank_to_null(frame.columns))


def read_table(path: Path, columns: dict[str, pl.DataType | None]) -> pl.DataFrame:
    """Read the named columns; those with a type are parsed strictly (text columns keep None)."""
    label = source_label(path)
    frame = _read_raw(path)
    require_columns(frame.columns, columns, label)
    frame = frame.select(list(columns))
    casts = {name: dtype for name, dtype in columns.items() if dtype is not None}
    return parse_strict(frame, casts, label)


def read_clients(path: Path) -> pl.DataFrame:
    clients = read_table(path, {"client_id": pl.Int64, "birth_number": None, "district_id": pl.Int64})
    digits = pl.col("birth_number").str.slice(0, 6)
    raw_month = digits.str.slice(2, 2).cast(pl.Int64, strict=False)
    decoded = clients.with_columns(
        birth_year=(digits.str.slice(0, 2).cast(pl.Int64, strict=False) + 1900),
        gender=pl.when(raw_month > 50).then(pl.lit("F")).otherwise(pl.lit("M")),
        birth_month=pl.when(raw_month > 50).then(raw_month - 50).otherwise(raw_month),
    )
    bad = decoded.with_row_index("row", offset=1).filter(
        (pl.col("birth_number").str.len_chars() != 6)
        | pl.col("birth_year").is_null()
        | ~pl.col("birth_month").is_between(1, 12)
    )
    if bad.height:
        row, value = bad.get_column("row")[0], bad.get_column("birth_number")[0]
        raise ImportFailed(
            f"{source_label(path)}: column 'birth_number', row {row:,}: '{value}' is not a YYMMDD birth number "
            "(women: month + 50)"
        )
    return decoded.drop("birth_month")


def read_districts(path: Path) -> pl.DataFrame:
    """Only A1 (id), A2 (name) and A3 (region) are used; A12 and A15 hold '?' for one district, unused."""
    return read_table(path, {"A1": pl.Int64, "A2": None, "A3": None}).rename(
        {"A1": "district_id", "A2": "district_name", "A3": "region"}
    )


def yymmdd_expr(column: str) -> pl.Expr:
    """YYMMDD (optionally followed by a time, as in card.issued) in the 1900s → Date; invalid → null."""
    return pl.concat_str(pl.lit("19"), pl.col(column).str.slice(0, 6)).str.to_date("%Y%m%d", strict=False).alias(column)


def yymmdd(frame: pl.DataFrame, column: str, path: Path) -> pl.Expr:
    parsed = frame.select(yymmdd_expr(column)).get_column(column)
    raw = frame.get_column(column)
    bad = (parsed.is_null()).arg_true()
    if bad.len():
        index = int(bad[0])
        raise ImportFailed(
            f"{source_label(path)}: column '{column}', row {index + 1:,}: '{raw[index]}' is not a YYMMDD date"
        )
    return yymmdd_expr(column).alias(column)


def check_codes(frame: pl.DataFrame, column: str, allowed: tuple[str, ...], path: Path) -> None:
    bad = frame.with_row_index("row", offset=1).filter(~pl.col(column).is_in(allowed) | pl.col(column).is_null())
    if bad.height:
        row, value = bad.get_column("row")[0], bad.get_column(column)[0]
        raise ImportFailed(
            f"{source_label(path)}: column '{column}', row {row:,}: '{value}' is not one of {', '.join(allowed)}"
        )
