"""Locating extract files, fingerprinting them, and exposing them to DuckDB as views.

Each contract table is either `DIR/<table>.parquet` or a folder `DIR/<table>/` of
`*.parquet` parts.  Extracts are only ever read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from clientscope.contract import TABLES, Table

# The file an import leaves in its output folder (source, currency, row counts, notes); see docs/importing.md.
IMPORT_MANIFEST = "import.json"
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


class ImportManifestError(ValueError):
    """The extract folder's import.json cannot be read or declares no valid currency; the message says how to fix."""


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
    """A fingerprint of the extracts: changes whenever a file (or the import.json that declares their currency) is
    added, removed or rewritten."""
    digest = hashlib.sha256()
    for name, found in sorted(locate(data_dir).items()):
        for path in found.files:
            stat = path.stat()
            digest.update(f"{name}|{path.relative_to(data_dir)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    manifest = data_dir / IMPORT_MANIFEST
    if manifest.is_file():
        stat = manifest.stat()
        digest.update(f"{IMPORT_MANIFEST}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def declared_currency(data_dir: Path) -> str | None:
    """The currency the extracts' amounts are in, as their import.json declares it; None without a declaration
    (no import.json, e.g. the demo bank or a warehouse drop, or one without `currency`)."""
    path = data_dir / IMPORT_MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportManifestError(f"{path}: cannot be read ({exc}); fix or delete it") from exc
    except json.JSONDecodeError as exc:
        raise ImportManifestError(
            f"{path}: not valid JSON (line {exc.lineno}: {exc.msg}); fix it, or import the data again"
        ) from exc
    currency = manifest.get("currency") if isinstance(manifest, dict) else None
    if currency is None:
        return None
    if not isinstance(currency, str) or not _CURRENCY_CODE.match(currency):
        raise ImportManifestError(
            f'{path}: "currency" must be a three-letter currency code in capitals, e.g. "CZK" (got {currency!r})'
        )
    return currency


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
