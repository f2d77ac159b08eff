"""Layer 1 of validation: the data folder exists, required tables are present, and the `requires` of each
optional table hold; a missing table whose look-alike is in the folder gets a rename suggested."""

from __future__ import annotations

import difflib
from pathlib import Path

from clientscope import catalog
from clientscope.contract import TABLES, Table
from clientscope.validation.report import Problem, Severity
from clientscope.validation.wording import CONTRACT_DOC, location_of


def folder_problem(data_dir: Path) -> Problem | None:
    if not data_dir.exists():
        return Problem(
            Severity.ERROR,
            "",
            None,
            None,
            f"the data folder {data_dir} does not exist",
            "check the path, or pass the folder that holds the .parquet extracts",
        )
    if not data_dir.is_dir():
        return Problem(
            Severity.ERROR,
            "",
            None,
            None,
            f"the data path {data_dir} is a file, not a folder",
            "pass the folder that holds the extracts (the folder containing customers.parquet)",
        )
    return None


def presence_problems(data_dir: Path, found: dict[str, catalog.TableFiles]) -> list[Problem]:
    problems: list[Problem] = []
    for table in TABLES:
        if found[table.name].present:
            problems.extend(_requires_problems(data_dir, table, found))
        elif not table.optional:
            problems.append(_missing_table(data_dir, table))
        elif (data_dir / table.name).is_dir():
            problems.append(
                Problem(
                    Severity.WARNING,
                    table.name,
                    None,
                    f"{table.name}/",
                    "the folder holds no .parquet files, so this optional table is treated as absent",
                    f"put the {table.name} part files (*.parquet) in it, or remove the empty folder",
                )
            )
    return problems


def _requires_problems(data_dir: Path, table: Table, found: dict[str, catalog.TableFiles]) -> list[Problem]:
    return [
        Problem(
            Severity.ERROR,
            table.name,
            None,
            location_of(found[table.name].files, data_dir),
            f"{table.name} is present but {needed} is missing; {table.name} refers to {needed}",
            f"add {needed}.parquet (or a folder {needed}/ of part files), or remove {table.name}",
        )
        for needed in table.requires
        if not found[needed].present
    ]


def _missing_table(data_dir: Path, table: Table) -> Problem:
    name = table.name
    if (data_dir / name).is_dir():
        message = f"required table is missing: the folder {name}/ holds no .parquet files"
    else:
        message = f"required table is missing: expected {name}.parquet or a folder {name}/ of .parquet part files"
    return Problem(Severity.ERROR, name, None, None, message, _missing_table_fix(data_dir, name))


def _missing_table_fix(data_dir: Path, name: str) -> str:
    """Suggest a rename when a file or folder in the data folder looks like the missing table."""
    lookalike = _lookalike_entry(data_dir, name)
    if lookalike is None:
        return f"export the {name} table as {name}.parquet (or as part files in {name}/); see {CONTRACT_DOC}"
    if lookalike.is_dir():
        return f"rename the folder {lookalike.name}/ to {name}/"
    if lookalike.suffix.lower() == ".parquet":
        return f"rename {lookalike.name} to {name}.parquet"
    return f"convert {lookalike.name} to Parquet and save it as {name}.parquet"


def _lookalike_entry(data_dir: Path, name: str) -> Path | None:
    contract_names = {t.name for t in TABLES} | {f"{t.name}.parquet" for t in TABLES}
    candidates = {
        entry.stem.lower() if entry.is_file() else entry.name.lower(): entry
        for entry in sorted(data_dir.iterdir())
        if entry.name not in contract_names and not entry.name.startswith(".")
    }
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return candidates[match[0]] if match else None
