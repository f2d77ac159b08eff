"""Potential customers: the rule (metrics.yaml `rules.potential`) and the summary per candidate tier.

The rule is applied once per data version by the serving layer (`queries/marts/segment_potential_flags.sql`);
the summary sums `segment_potential`'s cells.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from clientscope.cache import run_named_cached
from clientscope.segments.serving import page_query
from clientscope.segments.view import SegmentsView, axis_view_filters
from clientscope.semantic.periods import month_start
from clientscope.view_context import PageContext


@dataclass(frozen=True)
class PotentialRule:
    """When a customer below the top tier looks like the tier above ("potential" customers).

    A customer on the books at the month-end, not churned, whose tier has a tier above, is potential when
    1. headroom: AUM ≥ `headroom_share` × the floor of the tier above (metrics.yaml tier thresholds), and
    2. at least `min_signals` of these signals fire (a signal without data never fires):
       - AUM growth: AUM ≥ (1 + `aum_growth_min`) × the AUM `growth_months` months before;
       - card spend, cross-border spend, payroll inflow: the average over the last `lookback_months`
         months ≥ `peer_share` × the median of the tier above (over the whole book in scope).
    Cross-border spend and payroll inflow are optional extract columns; without them two signals remain.
    The values come from metrics.yaml `rules.potential`; the defaults here are the same.
    """

    headroom_share: float = 0.5
    aum_growth_min: float = 0.15
    growth_months: int = 3
    lookback_months: int = 3
    peer_share: float = 0.5
    min_signals: int = 2

    def sql_params(self) -> dict[str, Any]:
        return asdict(self)


POTENTIAL_RULE = PotentialRule()  # the defaults; the app uses `potential_rule(model)` (metrics.yaml)


def potential_rule(model) -> PotentialRule:
    """The rule as configured in metrics.yaml `rules.potential`."""
    return PotentialRule(**model.rules.potential.model_dump())


SIGNALS: tuple[str, ...] = ("aum_growth", "card_spend", "cross_border", "payroll")


def potential(pc: PageContext, view: SegmentsView) -> pl.DataFrame:
    """Per candidate tier (below the top): candidates, potential customers, their AUM and signal counts, under the
    rule of metrics.yaml (`potential_rule(pc.model)`).

    `with_cross_border_data` / `with_payroll_data` count candidates with any data for those signals.
    """
    filters = axis_view_filters(pc)
    query = page_query("potential", filters)
    return run_named_cached(pc.db, query, {"month_start": month_start(view.end)}, scope=pc.scope, filters=filters).frame
