"""Number formats: the exact strings on screen (zh_CN 万/亿, en K/M/B) and the Excel number formats."""

from __future__ import annotations

import pytest

from clientscope.semantic import (
    FormatSpec,
    excel_header_unit,
    excel_number_format,
    format_change,
    format_pct_change,
    format_value,
    load_semantic_model,
)
from clientscope.settings import PROJECT_ROOT

NUMBER_WAN = FormatSpec(type="number", unit="wan", decimals=2)
CNY_YI = FormatSpec(type="currency", currency="CNY", unit="yi", decimals=2)
CNY_AUTO = FormatSpec(type="currency", currency="CNY", unit="auto", decimals=2)
NUMBER_AUTO = FormatSpec(type="number", unit="auto", decimals=1)
PERCENT = FormatSpec(type="percent", decimals=1)
PLAIN = FormatSpec(type="number", unit="none", decimals=2)
CNY = FormatSpec(type="currency", currency="CNY", unit="none", decimals=2)


@pytest.mark.parametrize(
    ("value", "fmt", "locale", "expected"),
    [
        (12_345, NUMBER_WAN, "zh_CN", "1.23万"),
        (1_234_567_890, CNY_YI, "zh_CN", "¥12.35亿"),
        (0.123, PERCENT, "zh_CN", "12.3%"),
        (1_234_567, NUMBER_AUTO, "en", "1.2M"),
        (1_236_000_000, CNY_AUTO, "en", "¥1.24B"),
        (1_234.5, PLAIN, "en", "1,234.50"),
        (1_234_567_890, CNY_AUTO, "zh_CN", "¥12.35亿"),  # auto picks 亿 ...
        (12_345, CNY_AUTO, "zh_CN", "¥1.23万"),  # ... 万 ...
        (999, CNY_AUTO, "zh_CN", "¥999.00"),  # ... or no unit
        (12_345, CNY_AUTO, "en", "¥12.35K"),
        (12_345, NUMBER_WAN, "en", "12.35K"),  # 万 is not used in English: auto units instead
        (-12_345, NUMBER_WAN, "zh_CN", "-1.23万"),
        (-1_500, CNY, "en", "-¥1,500.00"),
        (0.125, PERCENT, "en", "12.5%"),  # half-up, not half-even
        (2.5, FormatSpec(type="number"), "en", "3"),
        (None, PERCENT, "en", "—"),
        (float("nan"), CNY, "zh_CN", "—"),
    ],
)
def test_format_value(value: float | None, fmt: FormatSpec, locale: str, expected: str) -> None:
    assert format_value(value, fmt, locale) == expected


def test_changes_in_rates_are_percentage_points() -> None:
    assert format_change(0.012, PERCENT, "en") == "+1.2 pp"
    assert format_change(0.012, PERCENT, "zh_CN") == "+1.2个百分点"
    assert format_change(-0.012, PERCENT, "en") == "-1.2 pp"
    assert format_change(0.0004, PERCENT, "en") == "0.0 pp"
    assert format_change(-12_345, NUMBER_WAN, "zh_CN") == "-1.23万"
    assert format_change(190_000, CNY_AUTO, "zh_CN") == "+¥19.00万"
    assert format_pct_change(0.123, "en") == "+12.3%"
    assert format_pct_change(-0.0904, "zh_CN") == "-9.0%"
    assert format_pct_change(None, "en") == "—"


def test_excel_number_formats_keep_raw_values() -> None:
    assert excel_number_format(CNY, "zh_CN") == "¥#,##0.00"
    assert excel_number_format(CNY_YI, "zh_CN") == "¥#,##0.00"  # 亿 cannot be an Excel format: unit in header
    assert excel_number_format(PERCENT, "en") == "0.0%"
    assert excel_number_format(FormatSpec(type="number"), "en") == "#,##0"
    assert excel_number_format(NUMBER_WAN, "zh_CN") == "#,##0.00"
    assert excel_header_unit(CNY_YI, "zh_CN") == "（元）"
    assert excel_header_unit(CNY_AUTO, "en") == " (CNY)"
    assert excel_header_unit(PERCENT, "en") == ""


def test_every_named_format_of_metrics_yaml_renders_in_every_locale() -> None:
    model = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
    for name, fmt in model.formats.items():
        for locale in model.locales.supported:
            assert format_value(1234.5, fmt, locale) != "—", name
            assert excel_number_format(fmt, locale), name


CZK = FormatSpec(type="currency", currency="CZK", unit="none", decimals=2)
EUR_AUTO = FormatSpec(type="currency", currency="EUR", unit="auto", decimals=2)
USD_WAN = FormatSpec(type="currency", currency="USD", unit="wan", decimals=1)


@pytest.mark.parametrize(
    ("value", "fmt", "locale", "expected"),
    [
        (1_234.5, CZK, "zh_CN", "CZK 1,234.50"),  # a symbol made of letters is followed by a space
        (-1_234.5, CZK, "en", "-CZK 1,234.50"),
        (1_236_000, EUR_AUTO, "zh_CN", "€123.60万"),  # 万 / 亿 stay for zh_CN whatever the currency
        (1_236_000, EUR_AUTO, "en", "€1.24M"),
        (123_456, USD_WAN, "zh_CN", "US$12.3万"),  # Babel's Chinese symbol for the dollar
        (123_456, USD_WAN, "en", "$123.5K"),
    ],
)
def test_amounts_show_the_currency_in_effect(value: float, fmt: FormatSpec, locale: str, expected: str) -> None:
    assert format_value(value, fmt, locale) == expected


def test_excel_formats_and_headers_name_the_currency() -> None:
    assert excel_number_format(EUR_AUTO, "en") == "€#,##0.00"
    assert excel_number_format(USD_WAN, "en") == "$#,##0.0"
    assert excel_number_format(USD_WAN, "zh_CN") == '"US$"#,##0.0'  # letters are format codes: quoted as text
    assert excel_number_format(CZK, "zh_CN") == '"CZK "#,##0.00'
    assert excel_header_unit(CZK, "zh_CN") == "（捷克克朗）"
    assert excel_header_unit(EUR_AUTO, "zh_CN") == "（欧元）"
    assert excel_header_unit(USD_WAN, "en") == " (USD)"


def test_the_model_for_a_currency_switches_every_currency_format() -> None:
    model = load_semantic_model(PROJECT_ROOT / "metrics.yaml")
    czk = model.for_currency("CZK")
    assert czk.currency == "CZK" and model.currency == "CNY"  # the loaded model is unchanged
    money = {name for name, fmt in model.formats.items() if fmt.type == "currency"}
    assert money == {"cny", "cny_auto", "cny_wan", "cny_yi"}
    assert {czk.formats[name].currency for name in money} == {"CZK"}
    assert format_value(1_234_567, czk.format_of("aum_total"), "en") == "CZK 1.23M"
    assert czk.formats["percent"] == model.formats["percent"]
