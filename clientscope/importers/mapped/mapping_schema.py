"""The mapping file's schema (pydantic models), the words and suffixes it knows, and did-you-mean hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CastType = Literal["string", "integer", "float", "boolean", "date", "timestamp"]
Constant = str | int | float | bool | date | datetime | list[str] | None
MapValue = str | int | float | bool | None
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx",)
SNAPSHOT = "snapshot"  # the word a derivation uses for the mapping's snapshot date
MINUS_UNITS = {"minus_years": "y", "minus_months": "mo", "minus_days": "d"}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class IdSpec(BaseModel):
    """A generated id: prefix + the row number (from `start`), zero-padded to `width` digits."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    prefix: str = ""
    start: int = Field(default=1, ge=0)
    width: int = Field(default=0, ge=0, le=18)


class Derivation(BaseModel):
    """A column computed from a source column and a date (the snapshot or a fixed date).

    `{year_of: snapshot, minus: Age}`: the year of the date minus a whole number (a birth year from an age);
    `{date: snapshot, minus_years: Tenure}` (or minus_months / minus_days): the date minus a whole number of
    years, months or days; `{date: snapshot}`: the date itself.  With `flag: COLUMN, yes: [...], no: [...]` the
    value is written only on rows whose flag is a yes value and left empty where it is a no value.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    year_of: str | date | None = None
    minus: str | None = None
    on_date: str | date | None = Field(default=None, alias="date")
    minus_years: str | None = None
    minus_months: str | None = None
    minus_days: str | None = None
    flag: str | None = None
    yes: tuple[MapValue, ...] | None = None
    no: tuple[MapValue, ...] | None = None

    @property
    def base(self) -> str | date | None:
        """`snapshot`, a date (also when written as quoted ISO text or with a time), or other text (a mistake)."""
        value = self.year_of if self.year_of is not None else self.on_date
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and value != SNAPSHOT:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        return value

    @property
    def offset(self) -> tuple[str, str] | None:
        """(mapping key, source column) of the date offset, if any."""
        for name in MINUS_UNITS:
            if getattr(self, name) is not None:
                return name, getattr(self, name)
        return None

    @property
    def sources(self) -> tuple[str, ...]:
        names = [self.minus, self.flag, *(getattr(self, n) for n in MINUS_UNITS)]
        return tuple(n for n in names if n is not None)


DERIVE_KEYS = ("year_of", "minus", "date", "minus_years", "minus_months", "minus_days", "flag", "yes", "no")


class TableMapping(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str | None = None
    empty: bool = False
    distinct: bool = False
    snapshot_months: int | None = Field(default=None, ge=1, le=120)
    sheet: str | None = None
    separator: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    decimal_comma: bool = False
    null_values: tuple[str, ...] = ()
    rename: dict[str, str] = {}
    casts: dict[str, CastType] = {}
    dates: dict[str, str] = {}
    values: dict[str, dict[str | int | float | bool, MapValue]] = {}
    constants: dict[str, Constant] = {}
    ids: dict[str, IdSpec] = {}
    split: dict[str, str] = {}
    defaults: dict[str, Constant] = {}
    derive: dict[str, Derivation] = {}

    @property
    def file(self) -> str:
        return Path(self.source or "").name


class MappingFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: Literal[1] = 1
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    snapshot: date | None = None
    tables: dict[str, TableMapping]
