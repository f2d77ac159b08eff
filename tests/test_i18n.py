"""Every UI string exists in every language, and every key the code asks for exists."""

from __future__ import annotations

import re

import pytest

from clientscope.i18n import LANGUAGES, MESSAGES, normalise_language, t
from tests.conftest import REPO_ROOT

KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_.]+)["']""")


def test_every_message_has_every_language() -> None:
    missing = [(key, lang) for key, texts in MESSAGES.items() for lang in LANGUAGES if not texts.get(lang)]
    assert missing == []


def test_placeholders_agree_across_languages() -> None:
    field = re.compile(r"{(\w+)}")
    for key, texts in MESSAGES.items():
        assert {lang: sorted(field.findall(texts[lang])) for lang in LANGUAGES} == {
            lang: sorted(field.findall(texts["en"])) for lang in LANGUAGES
        }, key


def test_every_key_used_in_code_exists() -> None:
    used: set[str] = set()
    for folder in ("clientscope", "pages"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            used |= set(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    assert used, "expected t('...') calls in the code"
    assert sorted(used - MESSAGES.keys()) == []


def test_every_page_has_a_navigation_label() -> None:
    for page in (REPO_ROOT / "pages").glob("*.py"):
        if page.stem.startswith("_"):
            continue
        assert f"nav.{page.stem}" in MESSAGES, page.stem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en", "en"),
        ("EN-us", "en"),
        ("zh_CN", "zh_CN"),
        ("zh-cn", "zh_CN"),
        ("fr", "zh_CN"),
        (None, "zh_CN"),
        (3, "zh_CN"),
    ],
)
def test_language_from_url_values(raw: object, expected: str) -> None:
    assert normalise_language(raw) == expected


def test_placeholders_are_filled() -> None:
    assert t("overview.warnings", "en", count=3) == "3 data warnings"
    assert t("overview.warnings", "zh_CN", count=3) == "数据校验提示 3 条"


def test_lists_in_running_text_use_each_language_s_separator() -> None:
    from clientscope.i18n import join_words

    assert join_words(["华东", "华南"], "zh_CN") == "华东、华南"
    assert join_words(["East", "South"], "en") == "East, South"
    assert join_words([], "en") == ""
