"""Retention actions: warning batches, one action per customer and warning, and its append-only history.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Like the audit log, the history of an action is append-only in the database itself.
_SQLITE_GUARDS = (
    "create trigger retention_history_no_update before update on retention_action_history "
    "begin select raise(abort, 'the retention action history is append-only'); end",
    "create trigger retention_history_no_delete before delete on retention_action_history "
    "begin select raise(abort, 'the retention action history is append-only'); end",
)
_POSTGRES_GUARDS = (
    "create function retention_history_append_only() returns trigger language plpgsql as "
    "$$ begin raise exception 'the retention action history is append-only'; end $$",
    "create trigger retention_history_no_change before update or delete on retention_action_history "
    "for each statement execute function retention_history_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "retention_batches",
        sa.Column("warning_month", sa.Date, primary_key=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holdout_share", sa.Float, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("follow_up_days", sa.Integer, nullable=False),
        sa.Column("customers", sa.Integer, nullable=False),
        sa.Column("holdout_customers", sa.Integer, nullable=False),
    )
    op.create_table(
        "retention_actions",
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
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("first_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("customer_id", "warning_month", name="retention_actions_warning"),
    )
    op.create_index("retention_actions_scope", "retention_actions", ["region", "branch_id", "rm_id"])
    op.create_index("retention_actions_assignee", "retention_actions", ["assignee", "status"])
    op.create_table(
        "retention_action_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("retention_actions.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("changed", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assignee", sa.String(64), nullable=True),
        sa.Column("offer", sa.String(64), nullable=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("retention_action_history_action", "retention_action_history", ["action_id", "version"])
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("retention_action_history")
    op.drop_table("retention_actions")
    op.drop_table("retention_batches")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("drop function if exists retention_history_append_only()")
