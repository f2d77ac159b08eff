"""The expression language of metrics.yaml: only allow-listed names reach SQL, literals become parameters."""

from __future__ import annotations

import pytest

from clientscope.semantic.expressions import ExpressionError, identifiers, render
from clientscope.semantic.sqltext import Params, quote

COLUMNS = ("risk_level", "stage", "aum_total", "products_held")


def test_identifiers_skip_keywords_functions_and_type_names() -> None:
    expr = "risk_level = 'high' and stage <> 'churned' and cast(aum_total as double) > coalesce(products_held, 0)"
    assert identifiers(expr) == ("risk_level", "stage", "aum_total", "products_held")


def test_render_quotes_identifiers_and_lifts_literals() -> None:
    params = Params()
    sql = render(
        "risk_level = 'high' and products_held >= 2 and aum_total != 1.5",
        lambda n: f"t.{quote(n, COLUMNS)}",
        params.add,
    )
    assert sql == 't."risk_level" = $p0 and t."products_held" >= $p1 and t."aum_total" <> $p2'
    assert params.values == {"p0": "high", "p1": 2, "p2": 1.5}


def test_escaped_quotes_in_string_literals() -> None:
    params = Params()
    render("stage = 'it''s'", lambda n: n, params.add)
    assert params.values == {"p0": "it's"}


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("aum_total; drop table customers", "unexpected character ';' at position 10"),
        ("aum_total -- comment", "comments are not allowed in expressions"),
        ('"aum_total"', "unexpected character '\"' at position 1"),
        ("$p0 > 1", "unexpected character '$' at position 1"),
        ("read_csv('x')", "unknown function 'read_csv'"),
        ("(aum_total", "unbalanced parentheses"),
        ("", "empty expression"),
    ],
)
def test_anything_outside_the_language_is_refused(expr: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        identifiers(expr)
    assert str(caught.value) == message


def test_unknown_identifiers_never_reach_sql() -> None:
    with pytest.raises(ValueError, match=r"^identifier 'secret' is not allowed here$"):
        render("secret > 0", lambda n: quote(n, COLUMNS), Params().add)
