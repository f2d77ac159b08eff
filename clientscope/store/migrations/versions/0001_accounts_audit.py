"""Accounts and the append-only audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit log is append-only in the database itself, not only in the code that writes it.
_SQLITE_GUARDS = (
    "create trigger audit_log_no_update before update on audit_log "
    "begin select raise(abort, 'the audit log is append-only'); end",
    "create trigger audit_log_no_delete before delete on audit_log "
    "begin select raise(abort, 'the audit log is append-only'); end",
)
_POSTGRES_GUARDS = (
    "create function audit_log_append_only() returns trigger language plpgsql as "
    "$$ begin raise exception 'the audit log is append-only'; end $$",
    "create trigger audit_log_no_change before update or delete on audit_log "
    "for each statement execute function audit_log_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(120), primary_key=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("regions", sa.Text, nullable=False, server_default=""),
        sa.Column("branches", sa.Text, nullable=False, server_default=""),
        sa.Column("rm_id", sa.String(64), nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.Text, nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
        sa.Column("remote_addr", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("audit_log_at", "audit_log", ["at"])
    guards = _POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("users")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("drop function if exists audit_log_append_only()")
