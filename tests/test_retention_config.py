"""retention.yaml: the example file is valid, problems are listed with their lines, the file is found by env."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientscope.actions.config import DEFAULT_CONFIG, RETENTION_ENV, load_retention, retention_config
from clientscope.semantic.problems import SemanticError

ROOT = Path(__file__).resolve().parent.parent


def test_the_example_file_is_valid_and_only_sets_a_hold_out() -> None:
    config = load_retention(ROOT / "retention.example.yaml")
    assert config.holdout_share == 0.1
    assert config.model_copy(update={"holdout_share": 0.0}) == DEFAULT_CONFIG
    assert config.offer_labels("zh_CN")["rate_bonus"] == "存款利率加点"


def test_problems_are_listed_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "retention.yaml"
    path.write_text(
        "follow_up_dayz: 3\nholdout_share: 1.5\noffers:\n  - code: gift\n    label: {en: Gift}\n", encoding="utf-8"
    )
    with pytest.raises(SemanticError) as problems:
        load_retention(path)
    assert [str(p) for p in problems.value.problems] == [
        f"{path}:1: unknown key 'follow_up_dayz' (did you mean 'follow_up_days'?)",
        f"{path}:2: 'holdout_share': input should be less than 1",
        f"{path}:5: 'offers.0.label': the label needs every language: add zh_CN",
    ]


def test_the_file_is_found_by_its_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(RETENTION_ENV, raising=False)
    assert retention_config() == DEFAULT_CONFIG
    path = tmp_path / "mine.yaml"
    path.write_text("follow_up_days: 3\n", encoding="utf-8")
    monkeypatch.setenv(RETENTION_ENV, str(path))
    assert retention_config().follow_up_days == 3
