"""How the segments page writes numbers: formats from metrics.yaml (AUM, customers), shares as percentages."""

from __future__ import annotations

from dataclasses import dataclass

from clientscope.semantic import FormatSpec, format_change, format_value
from clientscope.view_context import PageContext

SHARE_FORMAT = FormatSpec(type="percent", decimals=1)


@dataclass(frozen=True)
class Numbers:
    """How the page writes numbers: formats from metrics.yaml (AUM, customers), shares as percentages."""

    lang: str
    money_format: FormatSpec
    count_format: FormatSpec

    def money(self, value: float | None) -> str:
        return format_value(value, self.money_format, self.lang)

    def count(self, value: float | None) -> str:
        return format_value(value, self.count_format, self.lang)

    def share(self, value: float | None) -> str:
        return format_value(value, SHARE_FORMAT, self.lang)

    def points(self, value: float | None) -> str:
        """A change of a share, in percentage points."""
        return format_change(value, SHARE_FORMAT, self.lang)

    def money_change(self, value: float | None) -> str:
        return format_change(value, self.money_format, self.lang)

    def count_change(self, value: float | None) -> str:
        return format_change(value, self.count_format, self.lang)


def numbers(pc: PageContext) -> Numbers:
    return Numbers(pc.lang, pc.model.format_of("aum_total"), pc.model.format_of("customers"))
