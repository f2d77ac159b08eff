"""How validation messages quote things: counts with their noun, values, exception reasons, the files of a
table, and the contract document a fix points to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

CONTRACT_DOC = "docs/data-contract.md"


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def show(value: object) -> str:
    """A value as a message quotes it: strings in quotes, dates in ISO form, amounts with two decimals."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def location_of(files: Iterable[Path], data_dir: Path) -> str:
    """How a message names a table's files: the one file, the folder of parts, or both layouts."""
    rels = [path.relative_to(data_dir).as_posix() for path in files]
    if len(rels) == 1:
        return rels[0]
    tops = sorted({rel.split("/", 1)[0] + ("/" if "/" in rel else "") for rel in rels})
    return ", ".join(tops)
