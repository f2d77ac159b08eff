"""The semantic layer: metrics.yaml → typed model → validation → SQL compiler → number formats.

Public API (pages, exports and the CLI use only these names):

- `load_semantic_model(path) -> SemanticModel` (raises `SemanticError` with `.problems`); amounts in
  `currencies.default` until `model_for_extracts(model, data_dir)` (or `model.for_currency(code)`) picks the
  extracts' currency (raises `ExtractCurrencyError`)
- `validate_file(path, db=None) -> list[Problem]`, `validate_against_data(model, db)`, `format_problems(problems)`
- `MetricRequest`, `compile_query(model, request)`, `compare_query(model, request, comparison)`,
  `drill_query(...)`, `drill_count_query(...)` → `CompiledQuery(sql, params, columns, ignored_filters)`
- `run_metric_query(db, model, request, scope)`, `run_compiled(db, compiled, scope)` → `QueryResult` (answered from
  the rollups when they are built, cached per process: `clientscope.cache`); `chosen_variant(db, compiled)`
- `build_rollups(db, model)` after `clientscope.marts.build_marts` (aggregate awareness, see rollups.py)
- `metric_dimensions(model, name)`, `metric_tables(model, name)`, `missing_tables(model, name, present)`
- `format_value`, `format_change`, `format_pct_change`, `excel_number_format`, `excel_header_unit`
"""

from clientscope.semantic.compiler import (
    CompiledQuery,
    MetricRequest,
    chosen_variant,
    compare_query,
    compile_query,
    run_compiled,
    run_metric_query,
)
from clientscope.semantic.drill import drill_count_query, drill_query
from clientscope.semantic.formats import (
    excel_header_unit,
    excel_number_format,
    format_change,
    format_pct_change,
    format_value,
)
from clientscope.semantic.model import FormatSpec, Metric, SemanticModel
from clientscope.semantic.problems import ExtractCurrencyError, Problem, SemanticError, format_problems
from clientscope.semantic.resolve import metric_dimensions, metric_sources, metric_tables, missing_tables
from clientscope.semantic.rollups import build_rollups, build_rollups_in_memory
from clientscope.semantic.sqltext import CompileError
from clientscope.semantic.validate import (
    load_semantic_model,
    model_for_extracts,
    parse_text,
    validate_against_data,
    validate_file,
)

__all__ = [
    "CompileError",
    "CompiledQuery",
    "ExtractCurrencyError",
    "FormatSpec",
    "Metric",
    "MetricRequest",
    "Problem",
    "SemanticError",
    "SemanticModel",
    "build_rollups",
    "build_rollups_in_memory",
    "chosen_variant",
    "compare_query",
    "compile_query",
    "drill_count_query",
    "drill_query",
    "excel_header_unit",
    "excel_number_format",
    "format_change",
    "format_pct_change",
    "format_problems",
    "format_value",
    "load_semantic_model",
    "metric_dimensions",
    "metric_sources",
    "metric_tables",
    "missing_tables",
    "model_for_extracts",
    "parse_text",
    "run_compiled",
    "run_metric_query",
    "validate_against_data",
    "validate_file",
]
