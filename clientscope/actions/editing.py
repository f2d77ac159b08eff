"""From the work queue's form to the store and back: who may edit, the form's values checked, the audit entry.

The callbacks in `clientscope/components/retention_queue.py` call these and stay thin.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from clientscope.access.audit import Action, record_for
from clientscope.access.roles import policy
from clientscope.access.viewer import Viewer
from clientscope.actions.config import RetentionConfig
from clientscope.actions.store import ActionEdit, ActionError, Editor, get_action, update_action
from clientscope.db import ViewerScope
from clientscope.store import AppStore

CHURN_PATH = "/churn"


def may_work(viewer: Viewer) -> bool:
    """Whether the viewer works the queue: may open /churn and sees customers (auditors and marketing do not)."""
    return viewer.may_open(CHURN_PATH) and policy(viewer.role).scope != "none"


def editing_key(value: object) -> tuple[int, int] | None:
    """(action id, version) from the editor's store, or None when it holds anything else."""
    if not isinstance(value, Mapping):
        return None
    action_id, version = value.get("id"), value.get("version")
    if type(action_id) is not int or type(version) is not int:
        return None
    return action_id, version


def action_id_of(cell: object) -> int | None:
    """The action id of a clicked queue cell (the grid's row id), or None."""
    row_id = cell.get("rowId") if isinstance(cell, Mapping) else None
    return int(row_id) if isinstance(row_id, str) and row_id.isdigit() and len(row_id) < 12 else None


def form_edit(assignee: object, status: object, offer: object, due: object, note: object) -> ActionEdit:
    """The form's values as an edit; raises `ActionError` naming a value that cannot be one."""
    try:
        due_date = date.fromisoformat(due) if isinstance(due, str) else None
    except ValueError:
        due_date = None
    if due_date is None:
        raise ActionError("actions.error.due", value=str(due)[:40])
    return ActionEdit(
        assignee=str(assignee)[:65] if assignee not in (None, "") else None,
        status=str(status)[:40] if status is not None else "",
        offer=str(offer)[:65] if offer not in (None, "") else None,
        due_date=due_date,
        note=note.strip() if isinstance(note, str) else "",
    )


def save(
    store: AppStore,
    viewer: Viewer,
    key: tuple[int, int],
    edit: ActionEdit,
    config: RetentionConfig,
    *,
    assignees: list[str],
    now: datetime,
) -> dict[str, Any]:
    """Save the edit as the viewer, under their scope, and audit it (codes only: never the note's text)."""
    if not may_work(viewer):
        raise ActionError("actions.error.read_only")
    action_id, version = key
    editor = Editor(viewer.username, viewer.role.value)
    after = update_action(store, action_id, version, edit, editor, viewer.scope(), config, now, assignees=assignees)
    record_for(
        store,
        viewer,
        Action.RETENTION_ACTION,
        target=after["customer_id"],
        action_id=action_id,
        warning_month=after["warning_month"].isoformat(),
        version=after["version"],
        status=after["status"],
        offer=after["offer"],
        assignee=after["assignee"],
        note_added=bool(edit.note),
    )
    return after


def load_for_edit(store: AppStore, action_id: int, scope: ViewerScope) -> dict[str, Any] | None:
    row = get_action(store, action_id, scope)
    return None if row is None or row["holdout"] else row
