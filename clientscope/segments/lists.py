"""The customer lists of the segments page: the book at a month-end, the customers of a migration cell, the
potential customers; their titles, and the list sources they register with the customer-list engine.

Lists are drill-through detail: they page through rows (the potential customers from the serving layer's
`segment_potential_flags`, a migration cell from the month-end detail) under the view's filters.
"""

from __future__ import annotations

from typing import Any

from clientscope.customer_list import CustomerSegment, ListSource, customer_filters, register_source
from clientscope.i18n import t
from clientscope.segments.serving import CLOSED, NEW
from clientscope.segments.view import SegmentsView, axis_filters, migration_labels, tag_label
from clientscope.semantic.periods import month_start
from clientscope.view_context import PageContext


def list_segment(pc: PageContext, view: SegmentsView) -> CustomerSegment:
    """The segment the page's customer list shows: potential customers, a migration cell, or the book."""
    filters = customer_filters(pc.metric_filters())
    if view.potential:  # like the migration, about moving between tiers: a tier cross-filter is not applied
        return CustomerSegment(view.end, customer_filters(axis_filters(pc)), view.tag, "potential")
    if view.move:
        # the move names the tiers: a tier cross-filter (which the migration charts do not apply) is dropped
        # from_month: the opening month-end the migration compares (the one before the period's first month)
        params = {"from_month": view.opening_month, "from_tier": view.move[0], "to_tier": view.move[1]}
        return CustomerSegment(view.to_month, customer_filters(axis_filters(pc)), view.tag, "migration", params)
    return CustomerSegment(view.end, filters, view.tag)


def list_title(pc: PageContext, view: SegmentsView) -> str:
    """What the page's customer list shows, in words."""
    lang = pc.lang
    labels = migration_labels(pc)
    if view.potential:
        title = t("segments.list.potential", lang, month=view.end)
    elif view.move:
        title = t(
            "segments.list.move",
            lang,
            origin=labels.get(view.move[0], view.move[0]),
            target=labels.get(view.move[1], view.move[1]),
            start=view.opening_month,
            end=view.to_month,
        )
    else:
        title = t("segments.list.book", lang, month=view.end)
    if view.tag:
        title += t("segments.list.tag", lang, tag=tag_label(view.tag, lang))
    return title


def _migration_list_params(pc: PageContext, segment: CustomerSegment) -> dict[str, Any]:
    del pc
    from_month = segment.params.get("from_month", segment.month)
    if len(from_month) != 7 or from_month[4] != "-":
        raise ValueError("from_month must be YYYY-MM")
    return {
        "from_start": month_start(from_month),
        "to_start": segment.month_start(),
        "from_tier": segment.params.get("from_tier"),
        "to_tier": segment.params.get("to_tier"),
        "new_code": NEW,
        "closed_code": CLOSED,
        # the pairing keeps customers whose from or to tier is filtered (`own_filters` below)
        "tiers": list(segment.filters["tier"]) if segment.filters.get("tier") else None,
    }


def _potential_list_params(pc: PageContext, segment: CustomerSegment) -> dict[str, Any]:
    del pc, segment  # the rule was applied when the serving layer was built
    return {}


_COMMON_SORT = {"customer_id", "region", "branch_id", "rm_id", "stage", "warning_level", "products_held", "txn_count"}

register_source(
    "migration",
    ListSource(
        query="segments/migration_list",
        columns=(
            "region",
            "branch_id",
            "rm_id",
            "from_tier",
            "to_tier",
            "aum_from",
            "aum_to",
            "aum_change",
            "stage",
            "products_held",
            "warning_level",
        ),
        sort_keys=frozenset(
            {*_COMMON_SORT, "from_tier", "to_tier", "aum_from", "aum_to", "aum_change", "tenure_months"}
        ),
        default_sort=("aum_change", True),
        param_names=frozenset({"from_month", "from_tier", "to_tier"}),
        params=_migration_list_params,
        own_filters=("tier",),
        page="segments",
        extra_columns={
            "from_tier": "segments.col.from_tier",
            "to_tier": "segments.col.to_tier",
            "aum_from": "segments.col.aum_from",
            "aum_to": "segments.col.aum_to",
            "aum_change": "segments.col.aum_change",
        },
    ),
)

register_source(
    "potential",
    ListSource(
        query="segments/potential_list",
        columns=(
            "region",
            "branch_id",
            "rm_id",
            "tier",
            "aum_total",
            "aum_growth",
            "card_spend_avg",
            "cross_border_avg",
            "payroll_avg",
            "signals",
            "sig_aum_growth",
            "sig_card_spend",
            "sig_cross_border",
            "sig_payroll",
            "products_held",
        ),
        sort_keys=frozenset(
            {
                *_COMMON_SORT,
                "tier",
                "aum_total",
                "aum_growth",
                "card_spend_avg",
                "cross_border_avg",
                "payroll_avg",
                "signals",
                "tenure_months",
            }
        ),
        default_sort=("aum_total", True),
        params=_potential_list_params,
        page="segments",
        extra_columns={
            "aum_growth": "segments.col.aum_growth",
            "card_spend_avg": "segments.col.card_spend_avg",
            "cross_border_avg": "segments.col.cross_border_avg",
            "payroll_avg": "segments.col.payroll_avg",
            "signals": "segments.col.signals",
            "sig_aum_growth": "segments.col.sig_aum_growth",
            "sig_card_spend": "segments.col.sig_card_spend",
            "sig_cross_border": "segments.col.sig_cross_border",
            "sig_payroll": "segments.col.sig_payroll",
        },
    ),
)
