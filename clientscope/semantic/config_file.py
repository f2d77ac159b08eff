"""One way to read a checked YAML settings file (access.yaml, subscriptions.yaml, retention.yaml): every problem
is named with its line — an unreadable file, a YAML syntax error, a duplicate key, a value its pydantic model
refuses — and raised together as a `SemanticError`, as metrics.yaml's problems are."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from clientscope.semantic.loader import LineDict, YamlSyntaxError, duplicate_keys, line_at, load_yaml
from clientscope.semantic.problems import Problem, SemanticError
from clientscope.semantic.schema import pydantic_problems

M = TypeVar("M", bound=BaseModel)


def load_checked(path: Path, model: type[M], *, start_hint: str, empty: M | None = None, allow_empty: bool = True) -> M:
    """`path` parsed into `model`. An empty file gives `empty` (or is validated as an empty mapping when None), or
    is refused like any non-mapping when not `allow_empty`; `start_hint` completes "the file must be a mapping, …"
    (e.g. "starting with 'sign_in: accounts'")."""
    file = str(path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SemanticError([Problem(file, None, f"cannot read the file: {exc.strerror or exc}")]) from exc
    except YamlSyntaxError as exc:
        raise SemanticError([Problem(file, exc.line, str(exc))]) from exc
    if raw is None and allow_empty:
        if empty is not None:
            return empty
        raw = LineDict()
        raw.line, raw.key_lines, raw.duplicates = 1, {}, []
    if not isinstance(raw, LineDict):
        raise SemanticError([Problem(file, 1, f"the file must be a mapping, {start_hint}")])
    problems = [
        Problem(file, line, f"duplicate key '{key}' (first on line {first})")
        for key, line, first in duplicate_keys(raw)
    ]
    try:
        config = model.model_validate(raw)
    except ValidationError as exc:
        problems += pydantic_problems(exc, model, file, lambda *loc: line_at(raw, loc))
        raise SemanticError(sorted(problems, key=lambda p: p.line or 0)) from exc
    if problems:
        raise SemanticError(problems)
    return config
