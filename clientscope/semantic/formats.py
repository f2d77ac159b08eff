"""Number formats from metrics.yaml, for the screen (Babel) and for Excel.

Screen:
- zh_CN uses Chinese units: `1.23万`, `¥12.35亿`; en uses K / M / B: `1.2M`, `¥1.24B`.
- unit `auto` picks 万 / 亿 (zh_CN) or K / M / B (en) by magnitude; `wan` and `yi` force 万 / 亿 in zh_CN
  and fall back to `auto` in English, whose readers do not use those units.
- Rates are stored 0–1 and shown as percentages (`12.3%`); changes in rates are percentage points
  (`+1.2 pp`, `+1.2个百分点`).
- Rounding is half-up (what bankers expect), not Python's half-even.
- A currency format shows the currency in effect (the extract's, see `SemanticModel.for_currency`) with Babel's
  symbol for the locale (`€`, `$` / `US$`, `CZK`), except that CNY is always `¥` (Babel's English symbol would be
  `CN¥`).  A symbol made of letters is followed by a space (`CZK 1.23万`).

Excel (decision): cells keep the raw value (yuan, counts, 0–1 rates) so that sums and formulas stay true.
Excel can only scale a displayed number by powers of 1,000, so 万 / 亿 cannot be shown by a number format;
`excel_number_format` therefore returns a thousands-separated format with the currency symbol and the
format's decimals, and `excel_header_unit` gives the unit to put in the column header, e.g. `（元）`, `（欧元）`,
` (EUR)`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, get_currency_name, get_currency_symbol, parse_pattern

from clientscope.semantic.model import FormatSpec

EMPTY = "—"
_FIXED_SYMBOLS: dict[str, str] = {"CNY": "¥"}  # the yuan is ¥ for every reader of this app
_EXCEL_BARE = frozenset("¥€$£")  # symbols Excel shows without quotes in a number format
_ZH_UNITS: tuple[tuple[float, str], ...] = ((1e8, "亿"), (1e4, "万"))
_EN_UNITS: tuple[tuple[float, str], ...] = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_FORCED: dict[str, tuple[float, str]] = {"wan": (1e4, "万"), "yi": (1e8, "亿")}
_PP: dict[str, str] = {"zh_CN": "个百分点", "en": " pp"}


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_zero(text: str) -> bool:
    """True when a formatted number shows no non-zero digit (so it gets no sign)."""
    return not any(c in "123456789" for c in text)


def _babel_locale(locale: str) -> str:
    return "zh_Hans_CN" if locale == "zh_CN" else "en_US" if locale == "en" else locale


def _plain(value: float | Decimal, decimals: int, locale: str) -> str:
    """Grouped digits with exactly `decimals` decimals, rounded half-up."""
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)
    return _grouped(decimals).apply(rounded, _locale(locale))  # as babel's format_decimal, parsed once


# A page formats thousands of values (a work queue's 2,000 rows, a pivot's cells): parsing the pattern and the
# locale for each one was three quarters of babel's format_decimal (25 µs a value here, 6 µs without).
@lru_cache(maxsize=16)
def _grouped(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@lru_cache(maxsize=8)
def _locale(locale: str) -> Locale:
    return Locale.parse(_babel_locale(locale))


def _unit_for(value: float, fmt: FormatSpec, locale: str) -> tuple[float, str]:
    if locale == "zh_CN" and fmt.unit in _FORCED:
        return _FORCED[fmt.unit]
    if fmt.unit == "none":
        return 1.0, ""
    units = _ZH_UNITS if locale == "zh_CN" else _EN_UNITS
    for size, suffix in units:
        if abs(value) >= size:
            return size, suffix
    return 1.0, ""


def currency_symbol(currency: str, locale: str) -> str:
    """The symbol of `currency` as shown in `locale`: `¥` for CNY, else Babel's (`€`, `$` / `US$`, `CZK`)."""
    if currency in _FIXED_SYMBOLS:
        return _FIXED_SYMBOLS[currency]
    try:
        return get_currency_symbol(currency, locale=_babel_locale(locale))
    except (ValueError, LookupError):
        return currency


def _symbol(fmt: FormatSpec, locale: str) -> str:
    """The prefix of a currency amount: its symbol, with a space after one made of letters (`CZK 1.23万`)."""
    if fmt.type != "currency" or not fmt.currency:
        return ""
    symbol = currency_symbol(fmt.currency, locale)
    return symbol + " " if symbol[-1:].isalpha() else symbol


def format_value(value: float | int | Decimal | None, fmt: FormatSpec, locale: str) -> str:
    """A number as the screen shows it, e.g. `1.23万`, `¥12.35亿`, `12.3%`, `1.2M`, `¥1.24B`."""
    if _is_missing(value):
        return EMPTY
    number = float(value)  # type: ignore[arg-type]
    if fmt.type == "percent":
        return _plain(Decimal(str(number)) * 100, fmt.decimals, locale) + "%"
    size, suffix = _unit_for(number, fmt, locale)
    sign = "-" if number < 0 else ""
    digits = _plain(abs(number) / size if size != 1 else abs(number), fmt.decimals, locale)
    if _is_zero(digits):
        sign = ""  # -0.00 shows as 0.00
    return f"{sign}{_symbol(fmt, locale)}{digits}{suffix}"


def format_change(delta: float | int | None, fmt: FormatSpec, locale: str) -> str:
    """A signed change: rates in percentage points (`+1.2 pp`, `+1.2个百分点`), other values in their format."""
    if _is_missing(delta):
        return EMPTY
    number = float(delta)  # type: ignore[arg-type]
    if fmt.type == "percent":
        text = _plain(abs(number) * 100, fmt.decimals, locale)
        suffix = _PP.get(locale, " pp")
    else:
        text = format_value(abs(number), fmt, locale)
        suffix = ""
    sign = "" if _is_zero(text) else ("+" if number > 0 else "-")
    return f"{sign}{text}{suffix}"


def format_pct_change(ratio: float | None, locale: str, decimals: int = 1) -> str:
    """A relative change (0.123 → `+12.3%`)."""
    if _is_missing(ratio):
        return EMPTY
    number = float(ratio)  # type: ignore[arg-type]
    text = _plain(abs(number) * 100, decimals, locale)
    sign = "" if _is_zero(text) else ("+" if number > 0 else "-")
    return f"{sign}{text}%"


def excel_number_format(fmt: FormatSpec, locale: str) -> str:
    """The Excel number format for a column whose cells hold raw values (see the module docstring)."""
    decimals = "." + "0" * fmt.decimals if fmt.decimals else ""
    if fmt.type == "percent":
        return f"0{decimals}%"
    symbol = _symbol(fmt, locale)
    if symbol and not set(symbol) <= _EXCEL_BARE:
        symbol = '"' + symbol.replace('"', "") + '"'  # letters are format codes in Excel: quote them as text
    return f"{symbol}#,##0{decimals}"


def excel_header_unit(fmt: FormatSpec, locale: str) -> str:
    """What to append to an Excel column header so the unit of the raw values is stated, e.g. `（元）`."""
    if fmt.type != "currency" or not fmt.currency:
        return ""
    return currency_unit(fmt.currency, locale)


def currency_unit(currency: str, locale: str) -> str:
    """The unit of raw amounts for a header: `（元）` / `（欧元）` in zh_CN, ` (CNY)` in English."""
    word = currency_word(currency, locale)
    return f"（{word}）" if locale == "zh_CN" else f" ({word})"


def currency_word(currency: str, locale: str) -> str:
    """The currency as a unit word: `元`, `欧元`, `捷克克朗` in zh_CN (so `万元`, `万欧元`), the code in English."""
    if locale != "zh_CN":
        return currency
    if currency == "CNY":
        return "元"
    try:
        return get_currency_name(currency, locale=_babel_locale(locale))
    except (ValueError, LookupError):
        return currency
