"""metrics.yaml is parsed by libyaml when available; the pure-Python parser must give the same values and lines."""

from __future__ import annotations

from typing import Any

import yaml

from clientscope.semantic.loader import FastLineLoader, LineDict, LineLoader, load_yaml
from tests.conftest import REPO_ROOT


def _with_lines(value: Any) -> Any:
    """Every value, and for each mapping its own line, its keys' lines and any repeated key."""
    if isinstance(value, LineDict):
        items = {k: _with_lines(v) for k, v in value.items()}
        return ("map", value.line, sorted(value.key_lines.items()), value.duplicates, items)
    if isinstance(value, list):
        return [_with_lines(v) for v in value]
    return value


def test_both_parsers_read_metrics_yaml_alike() -> None:
    text = (REPO_ROOT / "metrics.yaml").read_text(encoding="utf-8")
    fast = yaml.load(text, Loader=FastLineLoader)
    assert _with_lines(fast) == _with_lines(yaml.load(text, Loader=LineLoader))
    assert _with_lines(load_yaml(text)) == _with_lines(fast)
    assert FastLineLoader.__mro__[2] is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_a_repeated_key_is_remembered_by_both() -> None:
    text = "metrics:\n  a: 1\n  b: 2\n  a: 3\n"
    for loader in (FastLineLoader, LineLoader):
        parsed = yaml.load(text, Loader=loader)
        assert parsed["metrics"] == {"a": 1, "b": 2}
        assert parsed["metrics"].duplicates == [("a", 4, 2)]
