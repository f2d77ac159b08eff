"""docs/metrics.md documents every key metrics.yaml accepts (a test fails when a key is undocumented)."""

from __future__ import annotations

from pydantic import BaseModel

from clientscope.semantic import format_value, load_semantic_model
from clientscope.semantic import model as semantic_model
from clientscope.semantic.schema import SECTIONS
from clientscope.settings import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")


def test_every_key_is_documented() -> None:
    classes = [c for c in vars(semantic_model).values() if isinstance(c, type) and issubclass(c, BaseModel)]
    keys = {name for cls in classes for name in cls.model_fields} - {"name", "file", "lines"}
    keys |= set(SECTIONS)
    missing = sorted(k for k in keys if f"`{k}`" not in DOC and f"`{k}:" not in DOC and f".{k}`" not in DOC)
    assert missing == []


def test_every_metric_type_stage_and_signal_is_documented() -> None:
    model = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
    for word in (*semantic_model.METRIC_CLASSES, *semantic_model.STAGES, *type(model.rules.risk.signals).model_fields):
        assert f"`{word}`" in DOC or f"**{word}**" in DOC, word


def test_the_format_examples_in_the_docs_are_true() -> None:
    spec = semantic_model.FormatSpec
    examples = [
        (12_345, spec(type="number", unit="wan", decimals=2), ("1.23万", "12.35K")),
        (1_234_567_890, spec(type="currency", currency="CNY", unit="yi", decimals=2), ("¥12.35亿", "¥1.23B")),
        (1_236_000_000, spec(type="currency", currency="CNY", unit="auto", decimals=2), ("¥12.36亿", "¥1.24B")),
        (123_456, spec(type="currency", currency="CZK", unit="auto", decimals=2), ("CZK 12.35万", "CZK 123.46K")),
        (123_456, spec(type="currency", currency="EUR", unit="auto", decimals=2), ("€12.35万", "€123.46K")),
        (123_456, spec(type="currency", currency="USD", unit="auto", decimals=2), ("US$12.35万", "$123.46K")),
        (1_234_567, spec(type="number", unit="auto", decimals=1), ("123.5万", "1.2M")),
        (0.123, spec(type="percent", decimals=1), ("12.3%", "12.3%")),
        (1_234.5, spec(type="number", unit="none", decimals=2), ("1,234.50", "1,234.50")),
    ]
    for value, fmt, (zh, en) in examples:
        assert (format_value(value, fmt, "zh_CN"), format_value(value, fmt, "en")) == (zh, en)
        assert f"`{zh}` | `{en}`" in DOC
