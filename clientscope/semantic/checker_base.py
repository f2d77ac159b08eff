"""What every semantic check builds on: the draft being checked, the problems collected so far, and the
reporting helpers the checks share (a problem at a YAML path, a label in every locale, the names an
expression uses, the shape of a name)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from clientscope.semantic.expressions import FUNCTIONS, ExpressionError, identifiers
from clientscope.semantic.model import Labels
from clientscope.semantic.problems import Problem, did_you_mean
from clientscope.semantic.schema import Draft

NAME_SHAPE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
FUNCTION_NAMES: tuple[str, ...] = tuple(sorted(FUNCTIONS))


class CheckerBase:
    """The draft and its problems; the section mixins (`DeclarationChecks`, `RuleChecks`, `MetricChecks`)
    report through `add`, `labels`, `expression` and `name_shape`."""

    def __init__(self, draft: Draft) -> None:
        self.d = draft
        self.problems: list[Problem] = []
        self.locales = tuple(draft.locales.supported) if draft.locales else ()

    # -- helpers -----------------------------------------------------------------------------------------------
    def add(
        self,
        path: Iterable[Any],
        message: str,
        *,
        metric: str | None = None,
        context: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.d.file, self.d.line(*path), message, metric, context, hint))

    def labels(self, path: tuple[Any, ...], labels: Labels | None, what: str, **where: Any) -> None:
        if labels is None or not self.locales:
            return
        for locale in self.locales:
            if not str(labels.get(locale, "")).strip():
                self.add(path, f"missing '{locale}' {what}", **where)
        for locale in labels:
            if locale not in self.locales:
                self.add(path, f"unknown locale '{locale}' in {what}", hint=did_you_mean(locale, self.locales), **where)

    def expression(
        self,
        path: tuple[Any, ...],
        expr: str | None,
        allowed: Iterable[str],
        what: str,
        kind: str = "column",
        **where: Any,
    ) -> None:
        if expr is None:
            return
        allowed = tuple(allowed)
        try:
            names = identifiers(expr)
        except ExpressionError as exc:
            self.add(
                path,
                f"{what}: {exc}",
                hint=did_you_mean(exc.unknown, FUNCTION_NAMES) if exc.unknown else None,
                **where,
            )
            return
        for name in names:
            if name not in allowed:
                self.add(path, f"unknown {kind} '{name}' in {what}", hint=did_you_mean(name, allowed), **where)

    def name_shape(self, path: tuple[Any, ...], name: str, **where: Any) -> None:
        if not NAME_SHAPE.match(name):
            self.add(
                path, "names are lower-case letters, digits and single underscores, starting with a letter", **where
            )
