"""The two primitives every compiled statement is built from: quoted allow-listed identifiers and `$named` values.

No other function may put a name or a value into SQL text: identifiers go through `quote` (which refuses
anything not in the allow-list it is given), values through `Params.add` (which returns a placeholder).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


class CompileError(ValueError):
    """A request that cannot be compiled (unknown metric, dimension not allowed, bad period...)."""


def quote(name: str, allowed: Collection[str]) -> str:
    """`"name"`, after checking that `name` is in the allow-list and is a plain lower-case identifier."""
    if name not in allowed:
        raise CompileError(f"identifier {name!r} is not allowed here")
    if not _IDENT.match(name):
        raise CompileError(f"identifier {name!r} is not a plain lower-case name")
    return f'"{name}"'


def column_ref(columns: Collection[str], alias: str) -> Callable[[str], str]:
    """`alias."name"` for an allow-listed column name."""
    return lambda name: f"{alias}.{quote(name, columns)}"


class Params:
    """Collects the values of one statement and hands out `$p0`, `$p1`... placeholders.

    A fresh instance is made per compiled statement, so nothing is shared between requests.
    """

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def time_bounds(column: str, start: date | None, end_excl: date | None, params: Params) -> list[str]:
    """`column >= $start and column < $end` conditions for a half-open period (either bound may be open)."""
    bounds = []
    if start is not None:
        bounds.append(f"{column} >= {params.add(start)}")
    if end_excl is not None:
        bounds.append(f"{column} < {params.add(end_excl)}")
    return bounds
