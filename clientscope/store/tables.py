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
