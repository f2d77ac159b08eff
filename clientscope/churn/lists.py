"""The `/churn` page's customer lists, served by the customer-list engine (clientscope/customer_list/):
"churn_actions", the retention action list at the selected risk levels, and "churn_rm", an RM's whole customer
list at the end of the drill path. Both read `numbers.action_list` for the view the list was drawn from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from clientscope.churn import files as churn_files
from clientscope.churn.numbers import SORTABLE, action_list
from clientscope.churn.words import money_formatter, risk_level_labels
from clientscope.customer_list import Cell, CustomerSegment, ListSource, Sort, id_column, register_source
from clientscope.i18n import t
from clientscope.semantic import format_value
from clientscope.view_context import PageContext

ACTIONS_SOURCE = "churn_actions"
RM_SOURCE = "churn_rm"
COLUMNS = ("name", "phone", "rm", "branch", "tier", "aum_total", "churn_probability", "risk_level", "reasons", "action")
_WIDTHS = {"name": 90, "phone": 120, "rm": 110, "branch": 130, "tier": 110, "aum_total": 120}
_WIDTHS |= {"churn_probability": 110, "risk_level": 90, "reasons": 360, "action": 220}
_EXTRA: dict[str, dict[str, Any]] = {
    "aum_total": {"type": "rightAligned"},
    "churn_probability": {"type": "rightAligned"},
    "reasons": {"tooltipField": "reasons"},
    "action": {"tooltipField": "action"},
}


def _fetch(levels: tuple[str, ...] | None):
    """The action list at `levels` (() = the selected risk levels, None = every level), unmasked: the engine
    masks."""

    def fetch(
        pc: PageContext, segment: CustomerSegment, offset: int, limit: int, sort: Sort | None
    ) -> tuple[pl.DataFrame, int]:
        del segment  # the view (drill path, levels, signal) is the list's whole definition
        data = churn_files.churn_data(pc.db, date.today(), churn_files.page_rules(pc))
        key, descending = sort or ("churn_probability", True)
        page = action_list(
            pc, data, offset=offset, limit=limit, sort_key=key, descending=descending, levels=levels, mask=False
        )
        return page.rows, page.total

    return fetch


def cells(pc: PageContext) -> Mapping[str, Cell]:
    """Churn's words for its columns: the RM's and branch's names (else the code), the model's risk levels,
    probabilities in metrics.yaml's percent_2, and what to say when no reason or action applies."""
    money = money_formatter(pc)
    probability = pc.model.formats["percent_2"]
    tiers = pc.model.tier_labels(pc.lang)
    levels = risk_level_labels(pc)
    keys = ("churn.unassigned", "churn.reasons.none", "churn.action.none")
    unassigned, no_reason, no_action = (t(key, pc.lang) for key in keys)
    return {
        "rm": lambda row: row["rm_name"] or row["rm_id"] or unassigned,
        "branch": lambda row: row["branch_name"] or row["branch_id"],
        "tier": lambda row: tiers.get(row["tier"], row["tier"]),
        "aum_total": lambda row: money(row["aum_total"]),
        "churn_probability": lambda row: format_value(row["churn_probability"], probability, pc.lang),
        "risk_level": lambda row: levels.get(row["risk_level"], row["risk_level"]),
        "reasons": lambda row: row["reasons"] or no_reason,
        "action": lambda row: row["action"] or no_action,
    }


def grid_columns(pc: PageContext) -> list[dict[str, Any]]:
    lang = pc.lang
    hint = {"headerTooltip": t("churn.col.sort_hint", lang)}
    columns = [id_column(t("churn.col.customer", lang), sortable=False)]
    for key in COLUMNS:
        sortable = key in SORTABLE
        column = {"field": key, "colId": key, "headerName": t(f"churn.col.{key}", lang), "width": _WIDTHS[key]}
        columns.append({**column, "sortable": sortable, **(hint if sortable else {}), **_EXTRA.get(key, {})})
    return columns


def _source(levels: tuple[str, ...] | None) -> ListSource:
    return ListSource(
        columns=COLUMNS,
        sort_keys=frozenset(SORTABLE),
        fetch=_fetch(levels),
        default_sort=("churn_probability", True),
        personal=(),
        page="churn",
        cells=cells,
        grid_columns=grid_columns,
    )


register_source(ACTIONS_SOURCE, _source(()))
register_source(RM_SOURCE, _source(None))
