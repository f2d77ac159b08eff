"""Loading the mapping file: YAML with 1.2 booleans, duplicate keys, pydantic errors and the checks, as problems.

Every problem names the line of the mapping file and the mapping key (`mapping.yaml:12: customers.open_date:
...`), as metrics.yaml problems do, and all of them are reported at once, before any source file is read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clientscope.importers.common import ImportFailed
from clientscope.importers.mapped.mapping_checks import MappingProblem, check_mapping
from clientscope.importers.mapped.mapping_schema import DERIVE_KEYS, IdSpec, MappingFile, TableMapping, did_you_mean
from clientscope.semantic.loader import LineLoader, YamlSyntaxError, duplicate_keys, line_at


class _Loader(LineLoader):
    """Line-remembering YAML with 1.2 booleans: only true/false, so keys like Y, N, yes, no, on, off stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in LineLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_mapping(mapping_file: Path) -> MappingFile:
    """Parse and validate the mapping file; every problem is reported at once as `FILE:LINE: key: message`."""
    name = mapping_file.name
    if not mapping_file.is_file():
        raise ImportFailed(f"{mapping_file}: mapping file not found")
    try:
        text = mapping_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{name}: not UTF-8 text") from exc
    try:
        raw = _load_yaml(text)
    except YamlSyntaxError as exc:
        where = f"{name}:{exc.line}" if exc.line else name
        raise ImportFailed(f"{where}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ImportFailed(f"{name}: expected a mapping with a 'tables' key")
    repeats = [
        f"{name}:{line}: '{key}' is given twice (first on line {first}); remove one"
        for key, line, first in duplicate_keys(raw)
    ]
    try:
        spec = MappingFile.model_validate(raw)
    except ValidationError as exc:
        problems = [_pydantic_problem(err) for err in exc.errors()]
        raise ImportFailed("\n".join([*repeats, *_in_file_order(name, raw, problems)])) from exc
    problems = check_mapping(spec)
    if repeats or problems:
        raise ImportFailed("\n".join([*repeats, *_in_file_order(name, raw, problems)]))
    return spec


def _load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader: plain YAML types only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(f"not valid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"not valid YAML: {exc}", None) from exc


def _in_file_order(name: str, raw: Any, problems: Sequence[MappingProblem]) -> list[str]:
    """`FILE:LINE: message` for each problem, sorted by line (problems without a line first)."""
    located = [(line_at(raw, p.path) or 0, p.message) for p in problems]
    return [
        f"{name}:{line}: {message}" if line else f"{name}: {message}"
        for line, message in sorted(located, key=lambda item: item[0])
    ]


def _pydantic_problem(error: Any) -> MappingProblem:
    loc = list(error["loc"])
    # Union types add the tried member to the location ("str", "list[str]", ...): not a mapping key.
    keys = [p for p in loc if not re.fullmatch(r"[a-z]+\[.*\]|str|int|float|bool|date|datetime|none", str(p))]
    where = ".".join(str(k) for k in keys) or "(top level)"
    path = tuple(keys)
    if error["type"] == "extra_forbidden":
        known = {*MappingFile.model_fields, *TableMapping.model_fields, *IdSpec.model_fields, *DERIVE_KEYS}
        return MappingProblem(path, f"{where}: unknown key{did_you_mean(str(keys[-1]), known)}")
    if error["type"] == "string_pattern_mismatch" and keys == ["currency"]:
        return MappingProblem(path, "currency: must be a three-letter currency code in capitals, e.g. CNY")
    if keys == ["snapshot"]:
        return MappingProblem(path, "snapshot: must be a date written YYYY-MM-DD, e.g. 2019-12-31")
    if error["type"] == "missing":
        return MappingProblem(path, f"{where}: required key is missing")
    return MappingProblem(path, f"{where}: {error['msg']}")
