"""Renders the extract contract as Markdown: `python -m clientscope.contract_doc > docs/data-contract.md`.

A test checks that `docs/data-contract.md` equals this output, so the document never drifts from the code.
"""

from __future__ import annotations

from clientscope.contract import TABLES, Table

INTRO = """# Data contract

Clientscope reads a folder of **Parquet extracts**, one per table: either `DIR/<table>.parquet` or a folder
`DIR/<table>/` of `*.parquet` part files with the same schema. Ids are strings. Amounts are CNY unless the
import notes say otherwise. Clientscope never writes into this folder; derived tables (marts) are cached
elsewhere (see `docs/decisions.md`).

Check a folder with `clientscope validate DIR`: it exits 0 when the extracts meet this contract, otherwise 1
with one message per problem naming the file, the column, what is wrong and how to fix it. The app shows the
same messages on its error page.

**Types** (Parquet types accepted): `string` (UTF-8 string or dictionary of strings), `integer` (any integer
width), `float` (float, double, decimal; integers accepted), `boolean`, `date` (Parquet DATE; not a timestamp),
`timestamp` (any Parquet TIMESTAMP), `list<string>` (a list of strings). Amounts (the `float` columns in CNY)
may be doubles: the marts round them to the cent, half away from zero, and carry them as exact decimals from
there (`docs/metrics.md`, *Money*), so the extracts need no more than cents.

**Checks**: required tables and columns present; types as above; no nulls in non-nullable columns; unique
primary keys; foreign keys resolve; required tables not empty (except those marked *may be empty*); readable
(not truncated or corrupt) files; `customer_months.month` is a month-end date; amounts are finite and below 10^16
(the marts keep them to the cent). Warnings (the data loads): dates after the latest month-end, negative
balances, `aum_total` differing from `deposits + wealth + insurance` by more than 1 CNY, a close date before the
open date, unknown extra columns.

This file is generated from `clientscope/contract.py` by `python -m clientscope.contract_doc`.
"""


def render_table(table: Table) -> str:
    lines = [f"## `{table.name}`" + (" (optional)" if table.optional else ""), "", table.description, ""]
    lines.append(f"Primary key: {', '.join(f'`{c}`' for c in table.primary_key)}.")
    for fk in table.foreign_keys:
        lines.append(f"Foreign key: `{fk.column}` → `{fk.table}.{fk.ref_column}` (when not empty).")
    if table.requires:
        lines.append(f"Requires: {', '.join(f'`{name}`' for name in table.requires)}.")
    if table.optional:
        lines.append(f"Without it: {table.without_it}")
    if table.may_be_empty:
        lines.append(f"May be empty: {table.may_be_empty}")
    lines += ["", "| column | type | nullable | required | description |", "|---|---|---|---|---|"]
    for col in table.columns:
        note = " Personal data: masked in drill lists and exports." if col.personal else ""
        lines.append(
            f"| `{col.name}` | {col.type.value} | {'yes' if col.nullable else 'no'} | "
            f"{'yes' if col.required else 'optional'} | {col.description}{note} |"
        )
    return "\n".join(lines)


def render_markdown() -> str:
    return INTRO + "\n" + "\n\n".join(render_table(t) for t in TABLES) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
