"""What a viewer sees of personal data: one function for every list, page and workbook row.

The personal columns are the contract's (`Column.personal`: name, phone, id_number), plus the names other
tables give the same values (`customer_name` in campaign lists). A viewer whose scope may not see personal data
gets each such value masked by its kind's rule (`clientscope.export.masking`: 张三 → 张**, 138****5678, ...); a
viewer who may see it gets the values unchanged. Workbooks mark the same columns `personal` and the Excel
builder masks them by the same rules, so a row reads the same on screen and in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from clientscope.contract import TABLES
from clientscope.db import ViewerScope
from clientscope.export.masking import mask_value
from clientscope.export.spec import PersonalKind

# contract column → its masking rule (each personal column of the contract is named for its kind)
PERSONAL_COLUMNS: Final[Mapping[str, PersonalKind]] = {
    column.name: column.name  # type: ignore[misc]  (name, phone, id_number are also the rule names)
    for table in TABLES
    for column in table.columns
    if column.personal
}
# other names the same values travel under
ALIASES: Final[Mapping[str, str]] = {"customer_name": "name", "customer_phone": "phone"}


def personal_kind(column: str) -> PersonalKind | None:
    """The masking rule of a column holding personal data, or None when the column holds none."""
    return PERSONAL_COLUMNS.get(ALIASES.get(column, column))


def mask_frame(frame: pl.DataFrame, scope: ViewerScope) -> pl.DataFrame:
    """`frame` with every personal column masked unless the scope may see personal data."""
    if scope.can_see_personal:
        return frame
    masked = [
        pl.Series(name, [mask_value(v, kind) for v in frame[name].to_list()], dtype=pl.String)
        for name in frame.columns
        if (kind := personal_kind(name)) is not None
    ]
    return frame.with_columns(masked) if masked else frame


def mask_record(record: Mapping[str, Any], scope: ViewerScope) -> dict[str, Any]:
    """One row as a mapping, masked like `mask_frame`."""
    if scope.can_see_personal:
        return dict(record)
    return {
        key: mask_value(value, kind) if value is not None and (kind := personal_kind(key)) else value
        for key, value in record.items()
    }
