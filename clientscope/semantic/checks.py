"""Stage 2 of validation: meaning.  References resolve, no cycles, every locale has its text, dimensions
exist on the metric's sources, expressions name real columns, and the business rules are coherent.

The sections live in `declaration_checks`, `rule_checks` and `metric_checks`; `checker_base` holds what they
share.  `Checker` runs them in order (synonyms last, from `synonym_checks`).
"""

from __future__ import annotations

from clientscope.semantic.declaration_checks import DeclarationChecks
from clientscope.semantic.metric_checks import MetricChecks
from clientscope.semantic.problems import Problem
from clientscope.semantic.rule_checks import RuleChecks
from clientscope.semantic.schema import Draft
from clientscope.semantic.synonym_checks import synonym_problems


class Checker(DeclarationChecks, RuleChecks, MetricChecks):
    """Runs every semantic check over a `Draft`, collecting problems (it never stops at the first)."""

    def run(self) -> list[Problem]:
        self.check_locales()
        self.check_currencies()
        self.check_formats()
        self.check_dimensions()
        self.check_sources()
        self.check_rules()
        for name, metric in self.d.metrics.items():
            self.check_metric(name, metric)
        self.check_cycles()
        self.problems += synonym_problems(self.d)
        return self.problems


def check_semantics(draft: Draft) -> list[Problem]:
    return Checker(draft).run()
