"""Codes of the lifecycle page: funnel steps, flow states, and the page's own cross-filters.

It imports nothing of the page's library, so that the URL parser (`clientscope.view_context`, which lists this
module in CROSS_FILTER_MODULES) can check the page's cross-filter values without importing the lifecycle analysis.

The page's own cross-filters (`x.<name>` in the URL) select customers of the acquisition cohort; they are not
metrics.yaml dimensions, so no metric query ever sees them:

    x.cohort=<YYYY-MM>       opened in that month (a row of the retention heatmap)
    x.step=<step>            reached that funnel step, or churned (a bar of the funnel)
    x.activation=<k|none>    first transacting month k months after opening, or none yet (time to activate)
    x.flow=<from>:<to>       in state <from> at the stage flow's month A and <to> at month B (a Sankey link)
"""

from __future__ import annotations

from collections.abc import Sequence

from clientscope.view_context import CrossFilter

STEPS: tuple[str, ...] = ("acquired", "activated", "retained_early", "retained_late", "grown")
OUTFLOW = "churned"
STAGE_ORDER: tuple[str, ...] = ("new", "active", "growing", "inactive", "dormant", "churned")
FROM_STATES: tuple[str, ...] = ("not_yet", *STAGE_ORDER, "gap")
TO_STATES: tuple[str, ...] = ("new", "active", "growing", "reactivated", "inactive", "dormant", "gap", "churned")
REACTIVATED = "reactivated"
NOT_ACTIVATED = "none"  # the time-to-activate bucket of customers with no transacting month yet

CROSS_COHORT = "cohort"
CROSS_STEP = "step"
CROSS_ACTIVATION = "activation"
CROSS_FLOW = "flow"
PAGE_CROSS: tuple[str, ...] = (CROSS_COHORT, CROSS_STEP, CROSS_ACTIVATION, CROSS_FLOW)


def cross_values(months: Sequence[str]) -> dict[str, frozenset[str]]:
    """The values each of the page's cross-filters accepts, for data with these months (YYYY-MM, oldest first).

    A cohort opens in a month of the data, so a customer's first transacting month is at most
    `len(months) - 1` months after opening.
    """
    return {
        CROSS_COHORT: frozenset(months),
        CROSS_STEP: frozenset((*STEPS[1:], OUTFLOW)),  # not `acquired`: that is the whole cohort
        CROSS_ACTIVATION: frozenset((*(str(k) for k in range(len(months))), NOT_ACTIVATED)),
        CROSS_FLOW: frozenset(f"{a}:{b}" for a in FROM_STATES for b in TO_STATES),
    }


# The page's cross-filters, declared for the URL parser (clientscope/view_context.py).
CROSS_FILTERS: dict[str, CrossFilter] = {
    name: CrossFilter(lambda choices, name=name: cross_values(choices.months)[name]) for name in PAGE_CROSS
}
