"""Ids of the /churn page's components (declared once, used by its sections and callbacks)."""

from __future__ import annotations

from enum import StrEnum

ACTION_LIST = "actions"  # the names of the page's customer lists (clientscope/customer_list/, page "churn")
RM_LIST = "rm-customers"


class Ids(StrEnum):
    AS_OF = "churn-as-of"
    KPIS = "churn-kpis"
    DRILL_CARD = "churn-drill"
    DRILL_GRAPH = "churn-drill-graph"
    BREADCRUMB = "churn-breadcrumb"
    SIGNAL_GRAPH = "churn-signal-graph"
    REASON_GRAPH = "churn-reason-graph"
    SIGNAL_CHIP = "churn-signal-chip"
    ACTIONS = "churn-actions"
    CARD = "churn-model-card"
    RULES = "churn-rules"
    UNAVAILABLE = "churn-unavailable"
