"""metrics.yaml validation: the exact message for each kind of mistake, on broken copies of the real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientscope.db import Database
from clientscope.marts import build_marts_in_memory
from clientscope.semantic import (
    SemanticError,
    format_problems,
    load_semantic_model,
    validate_against_data,
    validate_file,
)
from clientscope.settings import PROJECT_ROOT
from tests.semantic_fixture import fixture_database

REAL = PROJECT_ROOT / "metrics.yaml"
TEXT = REAL.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of `needle` (which must be unique in `text`)."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def broken(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    text = TEXT
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "metrics.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def messages(path: Path) -> list[str]:
    return [str(p) for p in validate_file(path)]


def test_the_real_file_has_no_problems() -> None:
    assert validate_file(REAL) == []
    assert validate_file("metrics.yaml" if Path("metrics.yaml").is_file() else REAL) == []


def test_misspelt_key(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path, ("    numerator: opening_churned_customers\n", "    numerater: opening_churned_customers\n")
    )
    line = line_of(text, "numerater")
    assert messages(path) == [
        f"{path}:{line}: metric 'churn_rate': unknown key 'numerater' (did you mean 'numerator'?)"
    ]


def test_unknown_metric_reference(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path, ("    numerator: opening_churned_customers\n", "    numerator: opening_churned_custmers\n")
    )
    line = line_of(text, "numerator: opening_churned_custmers")
    assert messages(path) == [
        f"{path}:{line}: metric 'churn_rate': unknown metric 'opening_churned_custmers' in numerator "
        "(did you mean 'opening_churned_customers'?)"
    ]


def test_missing_locale_label(tmp_path: Path) -> None:
    path, text = broken(tmp_path, ("label: {zh_CN: 流失率, en: Churn rate}", "label: {zh_CN: 流失率}"))
    assert messages(path) == [f"{path}:{line_of(text, '流失率}')}: metric 'churn_rate': missing 'en' label"]


def test_cycle(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        ("expr: campaign_conversion_rate - control_conversion_rate", "expr: campaign_conversion_rate - roi"),
        ("expr: (attributed_revenue - campaign_cost) / nullif(campaign_cost, 0)", "expr: uplift * 2"),
    )
    assert messages(path) == [f"{path}:{line_of(text, '  roi:')}: metric 'roi': cycle roi → uplift → roi"]


def test_unknown_and_unavailable_dimensions(tmp_path: Path) -> None:
    anchor = "    filter: is_opened_month\n"
    path, text = broken(tmp_path, (anchor, anchor + "    dimensions: [regoin, campaign]\n"))
    line = line_of(text, "dimensions: [regoin")
    assert messages(path) == [
        f"{path}:{line}: metric 'new_customers': unknown dimension 'regoin' (did you mean 'region'?)",
        f"{path}:{line}: metric 'new_customers': dimension 'campaign' is not available on source "
        "'customer_month_facts'",
    ]


def test_ratio_over_sources_with_no_common_dimension(tmp_path: Path) -> None:
    path, text = broken(tmp_path, ("    numerator: products_held\n", "    numerator: campaign_cost\n"))
    line = line_of(text, "  products_per_customer:")
    problems = messages(path)
    assert problems[0] == (
        f"{path}:{line}: metric 'products_per_customer': numerator source 'campaign_facts' and denominator "
        "source 'customer_month_facts' share no dimension"
    )


def test_unknown_column_in_a_filter_and_unknown_values(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        ("filter: is_opened_month", "filter: is_opend_month"),
        ("  churn_rate:\n    type: ratio", "  churn_rate:\n    type: ration"),
        ("percent: {type: percent, decimals: 1}", "percent: {type: percent, decimals: one}"),
    )
    assert messages(path) == [
        f"{path}:{line_of(text, 'decimals: one')}: format 'percent': 'decimals': input should be a valid integer, "
        "unable to parse string as an integer",
        f"{path}:{line_of(text, 'is_opend_month')}: metric 'new_customers': unknown column 'is_opend_month' in filter "
        "(did you mean 'is_opened_month'?)",
        f"{path}:{line_of(text, 'type: ration')}: metric 'churn_rate': unknown metric type 'ration' "
        "(did you mean 'ratio'?)",
    ]


def test_rules_are_checked(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        ("      private: {zh_CN: 私人银行客户, en: Private banking}\n", ""),
        (
            "precedence: [churned, new, dormant, growing, active, inactive]",
            "precedence: [churned, new, dormant, growing, inactive, activ]",
        ),
    )
    precedence = line_of(text, "precedence:")
    assert messages(path) == [
        f"{path}:{line_of(text, 'value_labels:' + chr(10) + '      affluent')}: dimension 'tier': no value label for "
        "'private'",
        f"{path}:{precedence}: rules: unknown stage 'activ' (did you mean 'active'?)",
        f"{path}:{precedence}: rules: precedence must list each of churned, new, dormant, growing, active, "
        "inactive once, ending with inactive",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[6, 3]", "must be two rising month counts of at least 1, e.g. [3, 6] (got [6, 3])"),
        ("[3, 3]", "must be two rising month counts of at least 1, e.g. [3, 6] (got [3, 3])"),
        ("[0, 6]", "must be two rising month counts of at least 1, e.g. [3, 6] (got [0, 6])"),
        ("[3, 6, 9]", "must be two rising month counts of at least 1, e.g. [3, 6] (got [3, 6, 9])"),
    ],
)
def test_funnel_retention_months_are_two_rising_checkpoints(tmp_path: Path, value: str, message: str) -> None:
    path, text = broken(tmp_path, ("retention_months: [3, 6]", f"retention_months: {value}"))
    line = line_of(text, "retention_months:")
    assert messages(path) == [f"{path}:{line}: rules: 'lifecycle.funnel.retention_months': {message}"]


def test_funnel_windows_are_positive(tmp_path: Path) -> None:
    path, text = broken(tmp_path, ("churn_months: 6 ", "churn_months: 0 "))
    assert messages(path) == [
        f"{path}:{line_of(text, 'churn_months: 0')}: rules: 'lifecycle.funnel.churn_months': input should be greater "
        "than or equal to 1"
    ]


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    path, text = broken(tmp_path, ("  customer_base:\n", "  customers:\n"))
    first = line_of(text, "  customers:\n    type: simple\n    label: {zh_CN: 在册客户数")
    repeat = line_of(text, "  customers:\n    type: simple\n    label: {zh_CN: 期内")
    assert messages(path)[0] == f"{path}:{repeat}: duplicate key 'customers' (first on line {first})"


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, ("locales:\n", "locales:\n  - [\n"))
    assert messages(path) == [f"{path}:8: YAML syntax error: expected ',' or ']', but got '<scalar>'"]


def test_every_problem_is_collected_and_raised_together(tmp_path: Path) -> None:
    path, _ = broken(
        tmp_path,
        ("    numerator: opening_churned_customers\n", "    numerator: opening_churned_custmers\n"),
        ("label: {zh_CN: 流失率, en: Churn rate}", "label: {zh_CN: 流失率}"),
        ("filter: is_opened_month", "filter: is_opend_month"),
    )
    with pytest.raises(SemanticError) as caught:
        load_semantic_model(path)
    assert len(caught.value.problems) == 3
    assert str(caught.value) == format_problems(caught.value.problems)
    assert str(caught.value).count("\n") == 2


def test_missing_file() -> None:
    assert messages(Path("/nonexistent/metrics.yaml")) == [
        "/nonexistent/metrics.yaml: cannot read the file: No such file or directory"
    ]


@pytest.fixture(scope="module")
def db() -> Database:
    database = fixture_database()
    build_marts_in_memory(database, load_semantic_model(REAL).rules)
    return database


def test_data_stage_runs_every_metric(db: Database) -> None:
    assert validate_against_data(load_semantic_model(REAL), db) == []
    assert validate_file(REAL, db) == []


def test_data_stage_reports_a_metric_that_does_not_run(tmp_path: Path, db: Database) -> None:
    path, text = broken(tmp_path, ("    agg: sum\n    expr: deposits\n", "    agg: sum\n    expr: region\n"))
    problems = validate_file(path, db)
    assert len(problems) == 1
    assert str(problems[0]).startswith(
        f"{path}:{line_of(text, '  deposits:')}: metric 'deposits': does not run against the data: metric deposits "
        "failed: Binder Error"
    )


# --- currencies and per-currency tier floors -------------------------------------------------------------------


def test_a_tier_without_a_floor_for_a_supported_currency(tmp_path: Path) -> None:
    # a misspelt currency key: unknown (with its did-you-mean), and the currency it meant has no floor
    path, text = broken(
        tmp_path,
        (
            "{code: affluent, min_aum: {CNY: 500000, CZK: 50000, EUR: 100000, USD: 100000}}",
            "{code: affluent, min_aum: {CNY: 500000, CKZ: 50000, EUR: 100000, USD: 100000}}",
        ),
    )
    line = line_of(text, "CKZ: 50000")
    assert messages(path) == [
        f"{path}:{line}: tier 'affluent' of scheme 'standard': min_aum for 'CKZ', which is not in "
        "currencies.supported (CNY, CZK, EUR, USD) (did you mean 'CZK'?)",
        f"{path}:{line}: tier 'affluent' of scheme 'standard': no min_aum for the currency 'CZK' (every supported "
        "currency needs a floor in every tier)",
    ]


def test_a_supported_currency_missing_from_a_tier(tmp_path: Path) -> None:
    path, text = broken(tmp_path, ("  supported: [CNY, CZK, EUR, USD]", "  supported: [CNY, CZK, EUR, USD, GBP]"))
    lines = [i + 1 for i, row in enumerate(text.splitlines()) if "min_aum: {" in row]
    codes = ["private", "affluent", "diamond", "gold"]
    schemes = ["standard", "standard", "card", "card"]
    assert messages(path) == [
        f"{path}:{line}: tier '{code}' of scheme '{scheme}': no min_aum for the currency 'GBP' (every supported "
        "currency needs a floor in every tier)"
        for line, code, scheme in zip(lines, codes, schemes, strict=True)
    ]


def test_floors_must_fall_in_every_currency(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        (
            "{code: affluent, min_aum: {CNY: 500000, CZK: 50000, EUR: 100000, USD: 100000}}",
            "{code: affluent, min_aum: {CNY: 500000, CZK: 95000, EUR: 100000, USD: 100000}}",
        ),
    )
    tiers = next(i + 1 for i, row in enumerate(text.splitlines()) if row == "        tiers:")  # standard
    assert messages(path) == [
        f"{path}:{tiers}: tier scheme 'standard': tiers must be listed highest first with falling min_aum, the last "
        "at 0 (in CZK)"
    ]


def test_currency_settings_are_checked(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        ("  default: CNY\n  supported:", "  default: CNN\n  supported:"),
        ("  cny: {type: currency, unit: none, decimals: 2}", "  cny: {type: currency, currency: CNY, unit: none}"),
        ("SQL parameters.\nrules:\n", "SQL parameters.\nrules:\n  currency: EUR\n"),
    )
    assert messages(path) == [
        f"{path}:{line_of(text, 'default: CNN')}: currencies: the default currency 'CNN' is not in supported "
        "(did you mean 'CNY'?)",
        f"{path}:{line_of(text, 'currency: CNY, unit: none')}: format 'cny': a format does not name a currency: "
        "amounts are shown in the extract's currency (its import.json, else currencies.default); remove 'currency'",
        f"{path}:{line_of(text, 'currency: EUR')}: rules: the rules' currency is not written here: it is the "
        "extract's (its import.json), else currencies.default; remove 'currency'",
    ]
    path, text = broken(tmp_path, ("  supported: [CNY, CZK, EUR, USD]", "  supported: [CNY, czk]"))
    assert messages(path) == [
        f"{path}:{line_of(text, 'supported: [CNY, czk]')}: currencies: 'supported.1': 'czk' is not a currency code "
        "(three capital letters, e.g. CZK)"
    ]


def test_without_a_currencies_section_amounts_are_cny(tmp_path: Path) -> None:
    start = TEXT.index("currencies:\n")
    section = TEXT[start : TEXT.index("\n\n", start) + 2]
    path, _ = broken(
        tmp_path,
        (section, ""),
        ("{CNY: 6000000, CZK: 90000, EUR: 1000000, USD: 1000000}", "6000000"),
        ("{CNY: 500000, CZK: 50000, EUR: 100000, USD: 100000}", "500000"),
        ("{CNY: 1000000, CZK: 60000, EUR: 130000, USD: 130000}", "1000000"),
        ("{CNY: 200000, CZK: 40000, EUR: 25000, USD: 25000}", "200000"),
    )
    model = load_semantic_model(path)
    assert (model.currency, model.currencies.supported, model.formats["cny_auto"].currency) == ("CNY", ("CNY",), "CNY")
    assert model.rules.tiers.primary_floors("CNY") == (6_000_000.0, 500_000.0, 0.0)


def test_event_in_period_needs_a_column_and_an_opening_snapshot(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        ("    event_in_period: next_churn_month\n", "    event_in_period: next_churn_mnth\n"),
        ("    additivity: semi_first\n    event_in_period", "    additivity: semi\n    event_in_period"),
    )
    line = line_of(text, "event_in_period: next_churn_mnth")
    assert messages(path) == [
        f"{path}:{line}: metric 'opening_churned_customers': unknown column 'next_churn_mnth' in event_in_period "
        "(did you mean 'next_churn_month'?)",
        f"{path}:{line}: metric 'opening_churned_customers': event_in_period needs 'additivity: semi_first' (it "
        "counts the rows of the period's opening book whose event falls in the period)",
    ]
