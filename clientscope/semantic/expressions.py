"""The small, safe expression language of metrics.yaml (`expr`, `filter`).

Expressions are tokenised, never pasted: identifiers must be columns of the metric's source (or, in
derived metrics, other metrics), function names and keywords come from fixed allow-lists, and every
literal (number or 'string') is lifted out into a `$named` parameter when the SQL is rendered.  So
the SQL text the compiler produces holds only quoted allow-listed identifiers, operators and
parameters, whatever the YAML says; `;`, comments, double quotes and `$` are rejected outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

KEYWORDS: frozenset[str] = frozenset(
    {
        "and", "or", "not", "is", "null", "true", "false", "in", "between", "like", "ilike",
        "case", "when", "then", "else", "end", "as", "distinct",
    }
)  # fmt: skip
FUNCTIONS: frozenset[str] = frozenset(
    {
        "abs", "coalesce", "nullif", "greatest", "least", "round", "floor", "ceil", "sqrt", "ln", "exp", "power",
        "cast", "try_cast", "date_diff", "date_trunc", "last_day", "year", "month", "day", "lower", "upper",
        "length", "len", "list_contains", "list_has_any",
    }
)  # fmt: skip
TYPE_NAMES: frozenset[str] = frozenset(
    {"double", "integer", "bigint", "varchar", "date", "timestamp", "boolean", "decimal"}
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|\|\||[=<>+\-*/%(),])
    """,
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """An expression that cannot be accepted; `unknown` names the offending identifier, if that is the cause."""

    def __init__(self, message: str, unknown: str | None = None) -> None:
        super().__init__(message)
        self.unknown = unknown


@dataclass(frozen=True)
class Token:
    kind: str  # number | string | ident | keyword | function | type | op
    text: str


def tokenize(expression: str) -> tuple[Token, ...]:
    """Split an expression into tokens, classifying identifiers; raise on anything outside the language."""
    if "--" in expression or "/*" in expression:
        raise ExpressionError("comments are not allowed in expressions")
    tokens: list[Token] = []
    pos = 0
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        if match is None:
            raise ExpressionError(f"unexpected character {expression[pos]!r} at position {pos + 1}")
        pos = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        tokens.append(Token(kind, match.group()))
    return _classify(tuple(tokens))


def _classify(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "ident":
            out.append(tok)
            continue
        low = tok.text.lower()
        follows_as = i > 0 and tokens[i - 1].text.lower() == "as"
        calls = i + 1 < len(tokens) and tokens[i + 1].text == "("
        if follows_as and low in TYPE_NAMES:
            out.append(Token("type", low))
        elif low in KEYWORDS:
            out.append(Token("keyword", low))
        elif calls and low in FUNCTIONS:
            out.append(Token("function", low))
        elif calls:
            raise ExpressionError(f"unknown function '{tok.text}'", unknown=tok.text)
        else:
            out.append(tok)
    _check_balance(out)
    return tuple(out)


def _check_balance(tokens: list[Token]) -> None:
    depth = 0
    for tok in tokens:
        depth += tok.text == "("
        depth -= tok.text == ")"
        if depth < 0:
            raise ExpressionError("unbalanced parentheses")
    if depth:
        raise ExpressionError("unbalanced parentheses")
    if not tokens:
        raise ExpressionError("empty expression")


def identifiers(expression: str) -> tuple[str, ...]:
    """The column (or metric) names an expression refers to, in order of first use."""
    seen: dict[str, None] = {}
    for tok in tokenize(expression):
        if tok.kind == "ident":
            seen.setdefault(tok.text, None)
    return tuple(seen)


def check_identifiers(expression: str, allowed: Collection[str]) -> list[str]:
    """Identifiers of the expression that are not in `allowed` (empty when all are known)."""
    return [name for name in identifiers(expression) if name not in allowed]


def render(
    expression: str,
    ident: Callable[[str], str],
    literal: Callable[[object], str],
) -> str:
    """SQL for an expression: identifiers via `ident` (which quotes and allow-lists), literals via `literal`."""
    parts: list[str] = []
    for tok in tokenize(expression):
        if tok.kind == "ident":
            parts.append(ident(tok.text))
        elif tok.kind == "number":
            value = float(tok.text) if any(c in tok.text for c in ".eE") else int(tok.text)
            parts.append(literal(value))
        elif tok.kind == "string":
            parts.append(literal(tok.text[1:-1].replace("''", "'")))
        elif tok.kind == "op" and tok.text == "!=":
            parts.append("<>")
        else:
            parts.append(tok.text)
    return _join(parts)


def _join(parts: list[str]) -> str:
    text = " ".join(parts)
    return text.replace("( ", "(").replace(" )", ")").replace(" ,", ",")
