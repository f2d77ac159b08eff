"""Loading metrics.yaml with three stages of validation; every problem is collected, none stops the others.

1. schema — unknown keys, wrong types, missing required keys (schema.py)
2. semantics — references, cycles, locales, dimensions per source, business rules (checks.py)
3. data — every metric compiles and runs with LIMIT 0 against the extracts and marts (`validate_against_data`)
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl

from clientscope.catalog import ImportManifestError, declared_currency
from clientscope.db import Database, QueryError, run_query
from clientscope.semantic.checks import check_semantics
from clientscope.semantic.compiler import MetricRequest, chosen_variant, compile_query
from clientscope.semantic.drill import drill_query
from clientscope.semantic.loader import YamlSyntaxError, load_yaml
from clientscope.semantic.model import SemanticModel
from clientscope.semantic.problems import ExtractCurrencyError, Problem, SemanticError
from clientscope.semantic.resolve import metric_dimensions, missing_tables
from clientscope.semantic.schema import Draft, check_schema
from clientscope.semantic.sqltext import CompileError

log = logging.getLogger(__name__)


def parse_text(text: str, file: str = "metrics.yaml") -> tuple[SemanticModel | None, list[Problem]]:
    """Stages 1 and 2 over YAML text: the model (None when anything is wrong) and the problems."""
    try:
        raw = load_yaml(text)
    except YamlSyntaxError as exc:
        return None, [Problem(file, exc.line, str(exc))]
    draft, problems = check_schema(raw, file)
    problems += check_semantics(draft)
    problems.sort(key=lambda p: p.line or 0)
    if problems:
        return None, problems
    return _assemble(draft), []


def _assemble(draft: Draft) -> SemanticModel:
    lines = {
        f"{section}.{name}": line
        for section in ("formats", "dimensions", "sources", "metrics")
        for name in getattr(draft, section)
        if (line := draft.line(section, name)) is not None
    }
    if (line := draft.line("currencies", "supported")) is not None:
        lines["currencies.supported"] = line
    assert draft.locales is not None and draft.rules is not None
    model = SemanticModel(
        file=draft.file,
        locales=draft.locales,
        currencies=draft.currencies,
        formats=draft.formats,
        dimensions=draft.dimensions,
        sources=draft.sources,
        rules=draft.rules,
        metrics=draft.metrics,
        lines=lines,
    )
    return model.for_currency(draft.currencies.default)  # the checks made sure the default is supported


def _read(path: Path | str) -> tuple[str | None, list[Problem]]:
    try:
        return Path(path).read_text(encoding="utf-8"), []
    except OSError as exc:
        return None, [Problem(str(path), None, f"cannot read the file: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return None, [Problem(str(path), None, "the file is not UTF-8 text")]


def load_semantic_model(path: Path | str) -> SemanticModel:
    """Load and check metrics.yaml (stages 1 and 2); raise `SemanticError` listing every problem."""
    text, problems = _read(path)
    if text is None:
        raise SemanticError(problems)
    model, problems = parse_text(text, str(path))
    if model is None:
        raise SemanticError(problems)
    return model


def model_for_extracts(model: SemanticModel, data_dir: Path) -> SemanticModel:
    """The model for the extracts in `data_dir`: amounts in the currency their import.json declares (else
    `currencies.default`), shown in it and tiered with its floors.  Raises `ExtractCurrencyError` with a message
    saying what to fix when the declaration is unreadable or the currency has no floors in metrics.yaml."""
    try:
        currency = declared_currency(Path(data_dir))
    except ImportManifestError as exc:
        raise ExtractCurrencyError(str(exc)) from exc
    return model.for_currency(currency or model.currencies.default)


def validate_file(path: Path | str, db: Database | None = None) -> list[Problem]:
    """Every problem of a metrics file; with a database, also the data stage. Empty when all is well."""
    text, problems = _read(path)
    if text is None:
        return problems
    model, problems = parse_text(text, str(path))
    if model is None or db is None:
        return problems
    return validate_against_data(model, db)


def validate_against_data(model: SemanticModel, db: Database) -> list[Problem]:
    """Stage 3: each metric (with all its dimensions) and its drill list compile and run with zero rows (and from the
    rollups too, when the database has them built).

    Metrics whose tables are absent (optional extracts not supplied) are skipped: the pages explain those.
    """
    problems: list[Problem] = []
    for name, metric in model.metrics.items():
        if missing_tables(model, name, db.tables):
            continue
        line = model.line_of("metrics", name)
        dims = metric_dimensions(model, name)
        request = MetricRequest(metrics=(name,), dimensions=dims, grain="month", limit=0)
        try:
            compiled = compile_query(model, request)
            frame = _run(db, compiled.sql, compiled.params, name)
            problems += _dimension_types(model, frame, dims, name, line)
            if compiled.rollup is not None and chosen_variant(db, compiled) is compiled.rollup:
                _run(db, compiled.rollup.sql, compiled.rollup.params, name)  # the rollups built for this model
            if metric.drill_fields:
                drill = drill_query(model, name, limit=0)
                _run(db, drill.sql, drill.params, name)
        except (CompileError, QueryError) as exc:
            message = str(exc).splitlines()[0]
            problems.append(Problem(model.file, line, f"does not run against the data: {message}", metric=name))
    return problems


def _run(db: Database, sql: str, params: dict, name: str) -> pl.DataFrame:
    return run_query(db, sql, params, label=f"metric {name}").frame


def _dimension_types(
    model: SemanticModel, frame: pl.DataFrame, dims: tuple[str, ...], metric: str, line: int | None
) -> list[Problem]:
    """Dimension values are compared with text filter values, so their columns must hold text."""
    problems = []
    for dim in dims:
        dtype = frame.schema.get(dim)
        if dtype is not None and dtype not in (pl.String, pl.Null):
            problems.append(
                Problem(
                    model.file,
                    line,
                    f"dimension '{dim}' has type {dtype}; dimension columns must be text",
                    metric=metric,
                )
            )
    return problems
