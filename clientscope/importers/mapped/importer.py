"""The mapped import: load the mapping, read each source once, build every table, report all problems, write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from clientscope.contract import TABLES_BY_NAME
from clientscope.importers.common import POLARS_TYPES, ImportFailed, ImportSummary, check_target, write_extract
from clientscope.importers.mapped.findings import Findings
from clientscope.importers.mapped.mapping_loader import load_mapping
from clientscope.importers.mapped.mapping_schema import MappingFile, TableMapping
from clientscope.importers.mapped.sources import read_source
from clientscope.importers.mapped.table import build_table, month_end

SOURCE = "mapped"


def import_mapped(src: Path, mapping_file: Path, out_dir: Path) -> ImportSummary:
    """Read the bank's files in the folder `src` as the mapping says and write contract extracts.

    Every data problem of every table is collected first and reported together; nothing is written then.
    """
    src = Path(src)
    mapping_file = Path(mapping_file)
    out_dir = Path(out_dir)
    check_target(out_dir, protect=[src, mapping_file])
    if not src.is_dir():
        raise ImportFailed(f"{src}: not a folder (a mapped import reads the files named in the mapping from a folder)")
    spec = load_mapping(mapping_file)
    findings = Findings()
    read: dict[tuple[Any, ...], pl.DataFrame] = {}
    tables: dict[str, pl.DataFrame] = {}
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME[name]
        if mapping.empty:
            tables[name] = pl.DataFrame(schema={c.name: POLARS_TYPES[c.type] for c in table.columns if c.required})
            continue
        reading = _reading_options(mapping)
        if reading not in read:
            try:
                read[reading] = read_source(src, name, mapping)
            except ImportFailed as exc:  # a missing or unreadable file: report it with the other problems
                findings.lines.append(exc.message)
                continue
        built = build_table(table, mapping, read[reading], findings, spec.snapshot)
        if built is not None:
            tables[name] = built
    if findings.lines:
        raise ImportFailed("\n".join(findings.lines))
    notes = _notes(spec, tables)
    return write_extract(out_dir, tables, source=SOURCE, notes=notes, currency=spec.currency, protect=[src])


def _reading_options(mapping: TableMapping) -> tuple[Any, ...]:
    """The part of a table's mapping that decides how its file is read (tables sharing a file read it once)."""
    return (mapping.source, mapping.sheet, mapping.separator, mapping.encoding, mapping.null_values)


def _notes(spec: MappingFile, tables: dict[str, pl.DataFrame]) -> tuple[str, ...]:
    notes = [
        f"currency: amounts are {spec.currency} as declared in the mapping"
        + ("" if spec.currency == "CNY" else "; they are not converted to CNY")
        + "."
    ]
    if spec.snapshot is not None:
        notes.append(f"snapshot: the source describes the customers as of {spec.snapshot.isoformat()}.")
    for name, mapping in spec.tables.items():
        table = TABLES_BY_NAME[name]
        if mapping.empty:
            notes.append(f"{name}: empty (empty: true in the mapping).")
            continue
        filled = {*mapping.rename, *mapping.constants, *mapping.ids, *mapping.derive}
        if mapping.snapshot_months is not None:
            filled.add("month")
        empty = [c.name for c in table.columns if c.required and c.name not in filled]
        line = f"{name}: from {mapping.source}"
        if mapping.distinct:
            line += f", one row per distinct {', '.join(table.primary_key)} ({tables[name].height:,})"
        if mapping.snapshot_months is not None and spec.snapshot is not None:
            months = [month_end(spec.snapshot, back).isoformat() for back in range(mapping.snapshot_months)]
            line += f", each source row on the month-ends {', '.join(reversed(months))}"
        if empty:
            line += f"; not mapped, left empty: {', '.join(empty)}"
        notes.append(line + ".")
    return tuple(notes)
