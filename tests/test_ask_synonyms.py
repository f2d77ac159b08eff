"""The `synonyms` and `value_synonyms` keys of metrics.yaml: checked with their line like every other key."""

from __future__ import annotations

from clientscope.semantic import parse_text
from tests.test_semantic_validate import TEXT, line_of


def problems(text: str) -> list[str]:
    model, found = parse_text(text)
    assert model is None
    return [str(p) for p in found]


def test_the_real_file_has_synonyms_for_every_visible_metric() -> None:
    model, found = parse_text(TEXT)
    assert found == [] and model is not None
    for metric in model.visible_metrics():
        assert metric.synonyms.get("zh_CN") and metric.synonyms.get("en"), metric.name


def test_a_word_naming_two_metrics_is_reported_with_its_line() -> None:
    old = "      en: [deposit, deposit balance, deposit balances, savings]"
    text = TEXT.replace(old, "      en: [deposit, deposit balance, deposit balances, savings, aum]")
    line = line_of(text, "      en: [deposit, deposit balance, deposit balances, savings, aum]") - 2
    assert problems(text) == [
        f"metrics.yaml:{line}: metric 'deposits': the word 'aum' names two metrics ('aum_total' and 'deposits'): "
        "the ask box could not tell them apart; keep it on one"
    ]


def test_a_synonym_in_an_unsupported_locale_is_reported() -> None:
    old = "      en: [deposit, deposit balance, deposit balances, savings]"
    text = TEXT.replace(old, old + "\n      zh_TW: [存款餘額]")
    line = line_of(text, old) - 2
    assert problems(text) == [
        f"metrics.yaml:{line}: metric 'deposits': unknown locale 'zh_TW' in synonyms (did you mean 'zh_CN'?)"
    ]
