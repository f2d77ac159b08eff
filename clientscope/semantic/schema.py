"""Stage 1 of validation: the shape of metrics.yaml (unknown keys, wrong types, missing required keys).

Each entry of each section is validated on its own, so one bad metric does not hide the problems of
the others, and pydantic's errors are turned into `Problem`s with the line of the offending key and a
did-you-mean hint.  The entries that pass are handed to the semantic checks.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from clientscope.semantic.loader import LineDict, duplicate_keys, line_at
from clientscope.semantic.model import (
    METRIC_CLASSES,
    Currencies,
    Dimension,
    FormatSpec,
    Locales,
    MetricBase,
    Rules,
    Source,
)
from clientscope.semantic.problems import Problem, did_you_mean

SECTIONS: tuple[str, ...] = ("locales", "currencies", "formats", "dimensions", "sources", "rules", "metrics")
OPTIONAL_SECTIONS: frozenset[str] = frozenset({"currencies"})  # absent: amounts are CNY unless an extract says
NAMED_SECTIONS: dict[str, type[BaseModel]] = {"dimensions": Dimension, "sources": Source}
_LITERAL = re.compile(r"'([^']*)'")


@dataclass
class Draft:
    """What stage 1 accepted, plus every declared name (valid or not) so references are not reported twice."""

    file: str
    raw: Any
    locales: Locales | None = None
    currencies: Currencies = field(default_factory=Currencies)
    currencies_valid: bool = True  # False: the tier floors are not checked against a section that failed
    formats: dict[str, FormatSpec] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    rules: Rules | None = None
    metrics: dict[str, MetricBase] = field(default_factory=dict)
    declared: dict[str, set[str]] = field(default_factory=dict)  # section → every name in the file

    def line(self, *path: Any) -> int | None:
        return line_at(self.raw, path)


def check_schema(raw: Any, file: str) -> tuple[Draft, list[Problem]]:
    draft = Draft(file=file, raw=raw)
    if not isinstance(raw, LineDict):
        return draft, [Problem(file, 1, "the file must be a mapping with the sections " + ", ".join(SECTIONS))]
    problems = [
        Problem(file, line, f"duplicate key '{key}' (first on line {first})")
        for key, line, first in duplicate_keys(raw)
    ]
    for key in raw:
        if key not in SECTIONS:
            problems.append(Problem(file, draft.line(key), f"unknown key '{key}'", hint=did_you_mean(key, SECTIONS)))
    for section in SECTIONS:
        if section not in raw and section not in OPTIONAL_SECTIONS:
            problems.append(Problem(file, 1, f"missing required section '{section}'"))
    problems += _single(draft, "locales", Locales, "locales")
    currency_problems = _single(draft, "currencies", Currencies, "currencies")
    draft.currencies_valid = not currency_problems
    problems += currency_problems
    problems += _single(draft, "rules", Rules, "rules")
    problems += _formats(draft)
    for section, cls in NAMED_SECTIONS.items():
        problems += _named(draft, section, cls)
    problems += _metrics(draft)
    return draft, problems


def _single(draft: Draft, section: str, cls: type[BaseModel], context: str) -> list[Problem]:
    data = draft.raw.get(section)
    if data is None:
        return []
    try:
        setattr(draft, section, cls.model_validate(data))
    except ValidationError as exc:
        return _from_pydantic(exc, cls, draft, (section,), context=context)
    return []


def _entries(draft: Draft, section: str) -> tuple[list[tuple[str, Any]], list[Problem]]:
    data = draft.raw.get(section)
    draft.declared[section] = set(data) if isinstance(data, dict) else set()
    if data is None:
        return [], []
    if not isinstance(data, dict):
        return [], [Problem(draft.file, draft.line(section), f"'{section}' must be a mapping of names to entries")]
    problems = [
        Problem(draft.file, draft.line(section, name), f"entry name {name!r} must be text")
        for name in data
        if not isinstance(name, str)
    ]
    return [(name, value) for name, value in data.items() if isinstance(name, str)], problems


def _formats(draft: Draft) -> list[Problem]:
    entries, problems = _entries(draft, "formats")
    for name, value in entries:
        try:
            draft.formats[name] = FormatSpec.model_validate(value)
        except ValidationError as exc:
            problems += _from_pydantic(exc, FormatSpec, draft, ("formats", name), context=f"format '{name}'")
    return problems


def _named(draft: Draft, section: str, cls: type[BaseModel]) -> list[Problem]:
    entries, problems = _entries(draft, section)
    singular = section.rstrip("s")
    for name, value in entries:
        context = f"{singular} '{name}'"
        problem = _with_name(draft, (section, name), value, context)
        if isinstance(problem, Problem):
            problems.append(problem)
            continue
        try:
            getattr(draft, section)[name] = cls.model_validate(problem)
        except ValidationError as exc:
            problems += _from_pydantic(exc, cls, draft, (section, name), context=context)
    return problems


def _with_name(draft: Draft, path: tuple[str, str], value: Any, context: str, metric: str | None = None):
    """The entry with its name added (an entry is named by its key), or a Problem when it is not a mapping."""
    if not isinstance(value, dict):
        return Problem(
            draft.file,
            draft.line(*path),
            "must be a mapping of keys to values",
            metric=metric,
            context=None if metric else context,
        )
    if "name" in value:
        return Problem(
            draft.file,
            draft.line(*path, "name"),
            "unknown key 'name' (an entry is named by its key)",
            metric=metric,
            context=None if metric else context,
        )
    return {**value, "name": path[1]}


def _metrics(draft: Draft) -> list[Problem]:
    entries, problems = _entries(draft, "metrics")
    for name, value in entries:
        path = ("metrics", name)
        entry = _with_name(draft, path, value, "", metric=name)
        if isinstance(entry, Problem):
            problems.append(entry)
            continue
        kind = entry.get("type")
        if kind is None:
            problems.append(Problem(draft.file, draft.line(*path), "missing required key 'type'", metric=name))
            continue
        cls = METRIC_CLASSES.get(kind) if isinstance(kind, str) else None
        if cls is None:
            problems.append(
                Problem(
                    draft.file,
                    draft.line(*path, "type"),
                    f"unknown metric type '{kind}'",
                    metric=name,
                    hint=did_you_mean(kind, METRIC_CLASSES),
                )
            )
            continue
        try:
            draft.metrics[name] = cls.model_validate(entry)
        except ValidationError as exc:
            problems += _from_pydantic(exc, cls, draft, path, metric=name)
    return problems


def _from_pydantic(
    exc: ValidationError,
    cls: type[BaseModel],
    draft: Draft,
    prefix: tuple[Any, ...],
    *,
    context: str | None = None,
    metric: str | None = None,
) -> list[Problem]:
    problems = []
    errors = exc.errors()
    # a misspelt key is reported once, as unknown with its hint, not also as the missing key it meant
    meant = {(tuple(e["loc"][:-1]), _describe(e, cls, e["loc"])[1]) for e in errors if e["type"] == "extra_forbidden"}
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and (loc[:-1], loc[-1]) in meant:
            continue
        line = draft.line(*prefix, *loc)
        message, hint = _describe(error, cls, loc)
        problems.append(Problem(draft.file, line, message, metric=metric, context=context, hint=hint))
    return problems


def _describe(error: Mapping[str, Any], cls: type[BaseModel], loc: Sequence[Any]) -> tuple[str, str | None]:
    kind = error["type"]
    key = ".".join(str(step) for step in loc) or "entry"
    if kind == "extra_forbidden":
        known = _field_names(cls, loc[:-1])
        return f"unknown key '{loc[-1]}'", did_you_mean(loc[-1], known)
    if kind == "missing":
        return f"missing required key '{loc[-1]}'", None
    if kind == "literal_error":
        choices = _LITERAL.findall(str(error.get("ctx", {}).get("expected", "")))
        value = error.get("input")
        return f"unknown value '{value}' for '{key}'", did_you_mean(value, choices)
    if kind == "string_pattern_mismatch" and "A-Z" in str(error.get("ctx", {}).get("pattern", "")):
        return f"'{key}': '{error.get('input')}' is not a currency code (three capital letters, e.g. CZK)", None
    if kind == "value_error" and "error" in error.get("ctx", {}):
        # a model's own check (a field validator) words its message for the file's reader: no "Value error, "
        return f"'{key}': {error['ctx']['error']}", None
    message = str(error["msg"])
    return f"'{key}': {message[:1].lower()}{message[1:]}", None


def _field_names(cls: type[BaseModel], loc: Sequence[Any]) -> tuple[str, ...]:
    """The keys allowed at `loc` inside `cls` (for the did-you-mean of an unknown key)."""
    target = _annotation_at(cls, loc)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return tuple(name for name in target.model_fields if name != "name")
    return ()


def _annotation_at(cls: Any, loc: Sequence[Any]) -> Any:
    current: Any = cls
    for step in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(step))
            if info is None:
                return None
            current = info.annotation
        else:
            args = [a for a in typing.get_args(current) if a is not Ellipsis]
            current = args[-1] if args else None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional / Annotated wrappers down to the model or container inside."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        return _unwrap((models or members)[0])
    return annotation


def pydantic_problems(
    exc: ValidationError, cls: type[BaseModel], file: str, line: Callable[..., int | None]
) -> list[Problem]:
    """A pydantic error of another YAML file (access.yaml, ...) as line-numbered problems, worded as for
    metrics.yaml: unknown keys with a did-you-mean, missing keys, unknown values, the model's own checks."""
    return _from_pydantic(exc, cls, _Lines(file, line), ())


@dataclass
class _Lines:
    file: str
    lookup: Callable[..., int | None]

    def line(self, *path: Any) -> int | None:
        return self.lookup(*path)
