"""Import a bank's own CSV, Parquet or Excel files into the contract, driven by a YAML mapping.

The mapping names, per contract table, the source file and how each target column is filled: from a source
column (`rename`, target: source) with optional `casts`, `dates` (strptime formats), `values` (value maps) and
`split` (delimited text → list), from a constant (`constants`), as a generated row-number id (`ids`), or derived
from a source column and a date (`derive`: a birth year from an age, an open date from a tenure, a close date from
an exited flag).  A snapshot file (one row per customer as of one date) gives customer_months rows for the
month-ends up to the snapshot (`snapshot_months`), reference tables de-duplicated from the customer file
(`distinct`), and tables the contract allows to be empty (`empty`).
Mapping problems name the line of the mapping file; data problems are all collected and reported together, each
naming the mapping key (`table.column`), the source column, file, row and value, with a fix.  docs/importing.md
has worked examples.

Modules: the mapping file in `mapping_schema` (pydantic models), `mapping_loader` (YAML, line-numbered problems)
and `mapping_checks` (what a schema cannot see); the data in `sources` (reading files), `findings` (data problems
and their wording), `columns` (a column from a source, constant or ids), `derived` (derived columns), `keys`
(duplicate and distinct keys), `table` (`build_table`), and `importer` (`import_mapped`, the notes).
"""

from __future__ import annotations

from clientscope.importers.mapped.importer import import_mapped

__all__ = ["import_mapped"]
