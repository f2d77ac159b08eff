"""Retention actions: the warning → win-back loop (docs/retention-actions.md).

Relationship managers work the churn page's warnings as a queue (assign, status, offer, note, due date); every
change is kept with who and when; managers see follow-up coverage and whether acted-on customers stayed.
`overdue_actions(store, today, scope)` is the list a scheduled report pushes to RMs.
"""

from clientscope.actions.config import RetentionConfig, retention_config
from clientscope.actions.queue import current_store, overdue_actions
from clientscope.actions.store import (
    STATUSES,
    ActionEdit,
    ActionError,
    ActionNotFound,
    Editor,
    StaleVersion,
    actions_frame,
    history_frame,
    open_batch,
    update_action,
)

__all__ = [
    "STATUSES",
    "ActionEdit",
    "ActionError",
    "ActionNotFound",
    "Editor",
    "RetentionConfig",
    "StaleVersion",
    "actions_frame",
    "current_store",
    "history_frame",
    "open_batch",
    "overdue_actions",
    "retention_config",
    "update_action",
]
