"""Deliveries (log and idempotency), schedule state and alert state of scheduled reports and alerts.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.Text, nullable=False, server_default="{}"),
        sa.Column("result", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("deliveries_status", "deliveries", ["status"])
    op.create_index("deliveries_name", "deliveries", ["name", "due_at"])
    op.create_table(
        "schedule_state",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("planned_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "alert_state",
        sa.Column("alert", sa.String(80), primary_key=True),
        sa.Column("recipient", sa.String(300), primary_key=True),
        sa.Column("breached", sa.Boolean, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_version", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_state")
    op.drop_table("schedule_state")
    op.drop_table("deliveries")
