"""The app store's tables (SQLAlchemy Core). Changing them needs a migration in `migrations/versions/`."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(120), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("regions", sa.Text, nullable=False, server_default=""),  # comma-separated codes
    sa.Column("branches", sa.Text, nullable=False, server_default=""),
    sa.Column("rm_id", sa.String(64), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    # Moved on by sign-out, password reset and disabling: sessions opened under an older value are refused.
    sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(120), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.Text, nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON, never personal data values
    sa.Column("remote_addr", sa.String(64), nullable=False, server_default=""),
)

# --- retention actions (docs/retention-actions.md) ---------------------------------------------------------------

# One warning batch per month-end: the model's high-risk customers at that month-end, opened once, with the
# random hold-out share and seed it was split with (so the split can be recomputed and checked).
retention_batches = sa.Table(
    "retention_batches",
    metadata,
    sa.Column("warning_month", sa.Date, primary_key=True),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("holdout_share", sa.Float, nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("follow_up_days", sa.Integer, nullable=False),
    sa.Column("customers", sa.Integer, nullable=False),
    sa.Column("holdout_customers", sa.Integer, nullable=False),
)

# One action per customer and warning. The customer's region, branch, RM, tier and score are copied from the
# warning so that the scope, the coverage and the matched comparison read the store alone.
retention_actions = sa.Table(
    "retention_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("customer_id", sa.String(64), nullable=False),
    sa.Column("warning_month", sa.Date, sa.ForeignKey("retention_batches.warning_month"), nullable=False),
    sa.Column("region", sa.String(120), nullable=True),
    sa.Column("branch_id", sa.String(64), nullable=True),
    sa.Column("rm_id", sa.String(64), nullable=True),
    sa.Column("tier", sa.String(40), nullable=True),
    sa.Column("churn_probability", sa.Float, nullable=True),
    sa.Column("warning_level", sa.String(20), nullable=True),
    sa.Column("aum_total", sa.Float, nullable=True),
    sa.Column("holdout", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("assignee", sa.String(64), nullable=True),
    sa.Column("status", sa.String(20), nullable=False, server_default="open"),
    sa.Column("offer", sa.String(64), nullable=True),
    sa.Column("note", sa.Text, nullable=False, server_default=""),  # the latest note; every note is in the history
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("first_contact_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(120), nullable=False),
    sa.UniqueConstraint("customer_id", "warning_month", name="retention_actions_warning"),
)

# Every change of an action, append-only (the database refuses updates and deletes, as for the audit log):
# the action's fields after the change, who made it and when, and the note added with it.
retention_action_history = sa.Table(
    "retention_action_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action_id", sa.Integer, sa.ForeignKey("retention_actions.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(120), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("changed", sa.String(200), nullable=False),  # comma-separated field names
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("assignee", sa.String(64), nullable=True),
    sa.Column("offer", sa.String(64), nullable=True),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)

# --- deliveries (scheduled reports and alerts, docs/delivery.md) ---------------------------------------------------

# One row per (subscription or alert, scheduled time or data version, recipient): the idempotency key is unique, so
# a run recorded as due is sent once whoever restarts. Also the delivery log: what, to whom, when, result.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(400), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),  # report | alert
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),  # the scheduled time (UTC)
    sa.Column("recipient", sa.String(300), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # due | sent | failed | refused
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),  # a sender's lease on a due row
    sa.Column("payload", sa.Text, nullable=False, server_default="{}"),  # JSON: what to send (alerts)
    sa.Column("result", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
)

# Per subscription: the last scheduled time already recorded as due (the scheduler plans from there after a
# restart, so that no run is skipped), and whether it is paused from the /subscriptions page.
schedule_state = sa.Table(
    "schedule_state",
    metadata,
    sa.Column("name", sa.String(80), primary_key=True),
    sa.Column("planned_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
)

# Per alert and recipient: whether the condition is breached now (no repeat until it clears), and per alert the
# data version last checked (alerts are checked once per new data version).
alert_state = sa.Table(
    "alert_state",
    metadata,
    sa.Column("alert", sa.String(80), primary_key=True),
    sa.Column("recipient", sa.String(300), primary_key=True),
    sa.Column("breached", sa.Boolean, nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data_version", sa.String(64), nullable=False),
)

# Saved views (docs/explore.md): a page path and its URL query string, never the viewer's scope.  A name is unique
# per owner (saving it again replaces the view); `shared` views are listed to every user.
saved_views = sa.Table(
    "saved_views",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(120), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("path", sa.String(200), nullable=False),
    sa.Column("query", sa.Text, nullable=False, server_default=""),
    sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("owner", "name", name="saved_views_owner_name"),
)
