"""Locating extract files, fingerprinting them, and exposing them to DuckDB as views.

Each contract table is either `DIR/<table>.parquet` or a folder `DIR/<table>/` of
`*.parquet` parts.  Extracts are only ever read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from clientscope.contract import TABLES, Table


@dataclass(frozen=True)
class TableFiles:
    table: Table
    files: tuple[Path, ...]  # sorted; empty when the table is absent

    @property
    def present(self) -> bool:
        return bool(self.files)


def table_files(data_dir: Path, table: Table) -> TableFiles:
    single = data_dir / f"{table.name}.parquet"
    folder = data_dir / table.name
    files: list[Path] = []
    if single.is_file():
        files.append(single)
    if folder.is_dir():
        files.extend(sorted(p for p in folder.rglob("*.parquet") if p.is_file()))
    return TableFiles(table, tuple(files))


def locate(data_dir: Path) -> dict[str, TableFiles]:
    return {t.name: table_files(data_dir, t) for t in TABLES}


def data_version(data_dir: Path) -> str:
    """A fingerprint of the extracts: changes whenever a file is added, removed or rewritten."""
    digest = hashlib.sha256()
    for name, found in sorted(locate(data_dir).items()):
        for path in found.files:
            stat = path.stat()
            digest.update(f"{name}|{path.relative_to(data_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def attach_extracts(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[str]:
    """Create one view per present contract table, named as the table.

    Queries use these names; a restricted viewer scope shadows them with temporary views
    (see `clientscope.db`).  Returns the names of the tables attached.
    """
    attached: list[str] = []
    for name, found in locate(data_dir).items():
        if found.present:
            register_relation(con, name, con.read_parquet([str(p) for p in found.files]))
            attached.append(name)
    return attached


def register_relation(con: duckdb.DuckDBPyConnection, name: str, relation: duckdb.DuckDBPyRelation) -> None:
    """Expose a relation as the view `name` (the relation API quotes it; no SQL is composed)."""
    relation.create_view(name, replace=True)
