"""What validation finds: a `Problem` (where, what, how to fix it), its `Severity`, the `ValidationReport` of a
data folder and the plain-text form the CLI and the app's error page print."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from clientscope.validation.wording import plural


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding, written for a bank's data engineer: where, what is wrong, how to fix it."""

    severity: Severity
    table: str
    column: str | None
    file: str | None  # relative to the data folder; a folder of parts ends with "/"
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file or self.table
        head = f"{self.severity.name} {where}" if where else self.severity.name
        return f"{head}: {self.message}. Fix: {self.fix}"


@dataclass(frozen=True)
class ValidationReport:
    data_dir: Path
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


def format_report(report: ValidationReport) -> str:
    """Plain text for the CLI and the app's error page: errors, then warnings, then a summary line."""
    lines = [str(p) for p in (*report.errors, *report.warnings)]
    counts = f"{plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}"
    summary = f"{counts} in {report.data_dir}"
    return "\n".join([*lines, "", summary]) if lines else summary
