"""One problem found in metrics.yaml, printed as `file:line: context: message (did you mean 'x'?)`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    metric: str | None = None
    context: str | None = None  # e.g. "dimension 'tier'"; defaults to "metric '<metric>'"
    hint: str | None = None  # the did-you-mean suggestion

    @property
    def where(self) -> str | None:
        if self.context:
            return self.context
        return f"metric '{self.metric}'" if self.metric else None

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{self.message} (did you mean '{self.hint}'?)" if self.hint else self.message
        return ": ".join(part for part in (location, self.where, text) if part)


class SemanticError(ValueError):
    """metrics.yaml is invalid; `problems` lists every problem found (schema, semantics and data)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))


class ExtractCurrencyError(ValueError):
    """The extracts' currency cannot be served: an unreadable import.json, or a currency metrics.yaml lacks."""


def format_problems(problems: Iterable[Problem]) -> str:
    """One line per problem, in file order."""
    return "\n".join(str(p) for p in problems)


def did_you_mean(word: object, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt key or reference, if any is close enough."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
